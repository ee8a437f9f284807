/** A console request, read from an HTTP API (v2) event: method, path, query, cookies, and a small form body. */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { parseCookies } from './auth/session.js';

/** Forms are a few fields; anything larger is not one of ours. */
export const MAX_FORM_BYTES = 16 * 1024;

export interface ConsoleRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: Readonly<Record<string, string>>;
  readonly cookies: ReadonlyMap<string, string>;
  /** The urlencoded form of a POST; undefined if absent, too large or of another type. */
  readonly form?: URLSearchParams;
  /** Set only behind API Gateway's JWT authorizer (the console API route): who the token names. */
  readonly jwtUser?: string;
}

export function consoleRequest(event: APIGatewayProxyEventV2): ConsoleRequest {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(event.headers ?? {})) {
    if (value !== undefined) headers[name.toLowerCase()] = value;
  }
  const raw = event.body ? Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8') : undefined;
  const isForm = /^application\/x-www-form-urlencoded\b/i.test(headers['content-type'] ?? '');
  const form =
    raw && isForm && raw.length <= MAX_FORM_BYTES ? new URLSearchParams(raw.toString('utf8')) : undefined;
  const claims = (event.requestContext as { authorizer?: { jwt?: { claims?: Record<string, unknown> } } })
    .authorizer?.jwt?.claims;
  const jwtUser = claims ? String(claims.email ?? claims.username ?? claims.sub ?? '') : '';
  return {
    ...(jwtUser ? { jwtUser } : {}),
    method: event.requestContext.http.method,
    path: event.requestContext.http.path ?? event.rawPath,
    query: new URLSearchParams(event.rawQueryString ?? ''),
    headers,
    cookies: parseCookies(headers.cookie, event.cookies),
    ...(form ? { form } : {}),
  };
}
