/**
 * How a ping is answered, header for header as Healthchecks' open-source server does (hc/api/views.py): a
 * short plain-text body, `Ping-Body-Limit`, `Access-Control-Allow-Origin: *`, and never cached (Django's
 * `never_cache`).
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { PingRequestFacts } from '../domain/pings/history.js';
import { PING_BODY_LIMIT, type PingAnswer } from '../domain/pings/ping.js';

export const PING_HEADERS = {
  'content-type': 'text/plain; charset=utf-8',
  'cache-control': 'max-age=0, no-cache, no-store, must-revalidate, private',
  'access-control-allow-origin': '*',
  'ping-body-limit': String(PING_BODY_LIMIT),
} as const;

export function pingResponse(answer: PingAnswer): APIGatewayProxyStructuredResultV2 {
  return { statusCode: answer.status, headers: { ...PING_HEADERS }, body: answer.body };
}

/** The `rid` query parameter, as Django's `request.GET.get` reads it (the last one given); absent: none. */
export function ridOf(event: APIGatewayProxyEventV2): string | undefined {
  const rids = new URLSearchParams(event.rawQueryString ?? '').getAll('rid');
  return rids.length > 0 ? rids[rids.length - 1] : undefined;
}

/** What a ping's request says about its sender, for the Logger's history (all untrusted, kept truncated). */
export function pingFactsOf(event: APIGatewayProxyEventV2): PingRequestFacts {
  const { method, sourceIp, userAgent } = event.requestContext.http;
  const body =
    event.body === undefined || event.body === ''
      ? undefined
      : event.isBase64Encoded
        ? Buffer.from(event.body, 'base64')
        : Buffer.from(event.body, 'utf8');
  return {
    method,
    sourceIp,
    ...(userAgent ? { userAgent } : {}),
    ...(body ? { body } : {}),
  };
}
