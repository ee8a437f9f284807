/** Console responses: HTML with the strict security headers, redirects, and the bundled assets. */
import type { Asset } from './assets.js';
import type { Html } from './html.js';

export interface ConsoleResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** No inline script or style, nothing from another origin, never framed. */
export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'";

const SECURITY_HEADERS = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
} as const;

export function htmlResponse(
  status: number,
  body: Html,
  headers: Record<string, string> = {},
): ConsoleResponse {
  return {
    status,
    headers: {
      ...SECURITY_HEADERS,
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      ...headers,
    },
    body: body.text,
  };
}

/** 303 See Other (after a POST, or to the sign-in page): no body, so nothing leaks to the unauthenticated. */
export function redirect(location: string, headers: Record<string, string> = {}): ConsoleResponse {
  return {
    status: 303,
    headers: { ...SECURITY_HEADERS, location, 'cache-control': 'no-store', ...headers },
    body: '',
  };
}

export function assetResponse(asset: Asset): ConsoleResponse {
  return {
    status: 200,
    headers: {
      ...SECURITY_HEADERS,
      'content-type': asset.contentType,
      'cache-control': 'public, max-age=31536000, immutable',
    },
    body: asset.body,
  };
}

export function jsonResponse(status: number, body: unknown): ConsoleResponse {
  return {
    status,
    headers: {
      ...SECURITY_HEADERS,
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
    },
    body: JSON.stringify(body),
  };
}
