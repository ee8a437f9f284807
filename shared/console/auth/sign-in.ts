/**
 * Signing in. Local: the one-time link `listener console-url` prints (single use, 10 minutes). AWS: the
 * stack's Cognito user pool through its managed login (authorization code with PKCE), after which the
 * console keeps its own signed session cookie.
 */
import { createHash } from 'node:crypto';
import type { ConsoleDeps } from '../deps.js';
import { page } from '../pages/layout.js';
import { refusedBody, signInBody } from '../pages/messages.js';
import type { ConsoleRequest } from '../request.js';
import { type ConsoleResponse, htmlResponse, redirect } from '../responses.js';
import { CONSOLE_PATH } from '../routes.js';
import { readSignInLink } from './links.js';
import { newSession, readSession, sessionCookie } from './session.js';
import { randomId, signToken, verifyToken } from './signing.js';

const OAUTH_COOKIE = '__Host-phl-oauth';
const OAUTH_MS = 10 * 60_000;

/** The sign-in routes' answer, or undefined if the request is not one of them. */
export async function signInRoutes(
  req: ConsoleRequest,
  deps: ConsoleDeps,
  key: Buffer,
  now: number,
): Promise<ConsoleResponse | undefined> {
  if (req.method !== 'GET') return undefined;
  const base = `${CONSOLE_PATH}/sign-in`;
  if (req.path === base) {
    if (readSession(req.cookies, key, now)) return redirect(CONSOLE_PATH);
    const body = signInBody(deps.auth.mode);
    return htmlResponse(200, page({ title: 'Sign in', listener: deps.listenerName, section: 'none', body }));
  }
  if (req.path === `${base}/link` && deps.auth.mode === 'local') {
    const claims = readSignInLink(req.query.get('t') ?? undefined, key, now);
    if (!claims || !(await deps.usedLinks.claim(claims.id, claims.exp))) {
      return refused(
        deps,
        'This sign-in link does not work',
        'It was already used, has expired or was altered. Run listener console-url for a new one.',
      );
    }
    return signedIn(claims.user, key, now);
  }
  if (deps.auth.mode !== 'cognito') return undefined;
  const cognito = deps.auth.cognito;
  const callback = `https://${req.headers.host ?? ''}${CONSOLE_PATH}/auth/callback`;
  if (req.path === `${base}/start`) {
    const verifier = randomId() + randomId();
    const state = randomId();
    const token = signToken({ purpose: 'oauth', id: state, exp: now + OAUTH_MS, verifier }, key);
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    return redirect(cognito.authorizeUrl(callback, state, challenge), {
      'set-cookie': `${OAUTH_COOKIE}=${token}; Path=/; Max-Age=600; HttpOnly; Secure; SameSite=Lax`,
    });
  }
  if (req.path === `${CONSOLE_PATH}/auth/callback`) {
    const pending = verifyToken(req.cookies.get(OAUTH_COOKIE), 'oauth', key, now);
    const code = req.query.get('code');
    if (!pending || !code || req.query.get('state') !== pending.id || typeof pending.verifier !== 'string') {
      return refused(deps, 'Sign-in did not complete', 'Start again from the sign-in page.');
    }
    if (!(await deps.usedLinks.claim(`oauth-${pending.id}`, pending.exp))) {
      return refused(deps, 'Sign-in did not complete', 'Start again from the sign-in page.');
    }
    const user = await cognito.userFromCode(code, callback, pending.verifier).catch(() => undefined);
    if (!user) return refused(deps, 'Sign-in failed', 'Your account could not be verified. Start again.');
    return signedIn(user, key, now);
  }
  return undefined;
}

function signedIn(user: string, key: Buffer, now: number): ConsoleResponse {
  return redirect(CONSOLE_PATH, { 'set-cookie': sessionCookie(newSession(user, now), key) });
}

function refused(deps: ConsoleDeps, title: string, text: string): ConsoleResponse {
  return htmlResponse(
    403,
    page({ title, listener: deps.listenerName, section: 'none', body: refusedBody(title, text) }),
  );
}
