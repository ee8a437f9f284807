/**
 * Console sessions: a signed, expiring cookie naming the user (no server-side state), and the CSRF token
 * every form carries, derived from the session's id so it cannot be forged without the key.
 */
import { derive, randomId, type SignedClaims, sameText, signToken, verifyToken } from './signing.js';

/** `__Host-`: Secure, Path=/, no Domain — the cookie cannot be set or read by another host or path. */
export const SESSION_COOKIE = '__Host-phl-console';
/** A working day: on-call people sign in again the next shift. */
export const SESSION_MS = 12 * 3_600_000;

export interface Session {
  readonly id: string;
  readonly user: string;
  readonly exp: number;
}

export function newSession(user: string, now: number): Session {
  return { id: randomId(), user, exp: now + SESSION_MS };
}

/** The `Set-Cookie` value carrying `session`. */
export function sessionCookie(session: Session, key: Buffer): string {
  const token = signToken({ purpose: 'session', id: session.id, exp: session.exp, user: session.user }, key);
  return `${SESSION_COOKIE}=${token}; Path=/; Max-Age=${Math.floor(SESSION_MS / 1000)}; HttpOnly; Secure; SameSite=Lax`;
}

/** Clears the session cookie (sign-out). */
export function clearedSessionCookie(): string {
  return `${SESSION_COOKIE}=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Lax`;
}

/** The session of a request's cookies, if valid at `now`. */
export function readSession(
  cookies: ReadonlyMap<string, string>,
  key: Buffer,
  now: number,
): Session | undefined {
  const claims: SignedClaims | undefined = verifyToken(cookies.get(SESSION_COOKIE), 'session', key, now);
  if (!claims || typeof claims.user !== 'string' || claims.user === '') return undefined;
  return { id: claims.id, user: claims.user, exp: claims.exp };
}

/** The CSRF token of a session (or of any other id a form is bound to, e.g. an acknowledge link). */
export function csrfToken(boundTo: string, key: Buffer): string {
  return derive(key, `csrf:${boundTo}`);
}

export function validCsrf(given: string | undefined, boundTo: string, key: Buffer): boolean {
  return typeof given === 'string' && sameText(given, csrfToken(boundTo, key));
}

/** Parses a `Cookie` header (and API Gateway's `cookies` array) into a map; the first of a name wins. */
export function parseCookies(header: string | undefined, list: readonly string[] = []): Map<string, string> {
  const cookies = new Map<string, string>();
  const pairs = [...list, ...(header ? header.split(';') : [])];
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) continue;
    const name = pair.slice(0, at).trim();
    if (!cookies.has(name)) cookies.set(name, pair.slice(at + 1).trim());
  }
  return cookies;
}
