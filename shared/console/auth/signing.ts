/**
 * Signed, expiring tokens for the console: `<base64url JSON>.<base64url HMAC-SHA256>`. Used for session
 * cookies, one-time sign-in links and email acknowledge links. Verification is constant-time and refuses
 * anything expired, malformed or of another purpose.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** What a token is for: a token of one purpose is never accepted as another. */
export type Purpose = 'session' | 'sign-in' | 'ack' | 'oauth';

export interface SignedClaims {
  readonly purpose: Purpose;
  /** A random id: the session's, or the link's (what single use is recorded by). */
  readonly id: string;
  /** Expiry, epoch ms. */
  readonly exp: number;
  readonly [claim: string]: unknown;
}

/** A fresh random id (128 bits). */
export function randomId(): string {
  return randomBytes(16).toString('base64url');
}

function mac(secret: Buffer, data: string): Buffer {
  return createHmac('sha256', secret).update(data, 'utf8').digest();
}

export function signToken(claims: SignedClaims, secret: Buffer): string {
  const body = Buffer.from(JSON.stringify(claims), 'utf8').toString('base64url');
  return `${body}.${mac(secret, body).toString('base64url')}`;
}

/** The claims of a valid token of `purpose` at `now`; undefined for anything else. */
export function verifyToken(
  token: string | undefined,
  purpose: Purpose,
  secret: Buffer,
  now: number,
): SignedClaims | undefined {
  if (!token || token.length > 4096) return undefined;
  const [body, signature, ...rest] = token.split('.');
  if (!body || !signature || rest.length > 0) return undefined;
  const expected = mac(secret, body);
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof claims !== 'object' || claims === null) return undefined;
  const c = claims as Partial<SignedClaims>;
  if (c.purpose !== purpose || typeof c.id !== 'string' || typeof c.exp !== 'number') return undefined;
  return now < c.exp ? (c as SignedClaims) : undefined;
}

/** A value derived from the secret for one use (e.g. a CSRF token bound to a session id). */
export function derive(secret: Buffer, label: string): string {
  return mac(secret, label).toString('base64url');
}

/** Constant-time string comparison. */
export function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}
