import { describe, expect, it } from 'vitest';
import {
  ackToken,
  emailLinks,
  readAckToken,
  readSignInLink,
  signInLink,
} from '../../../../shared/console/auth/links.js';
import {
  csrfToken,
  newSession,
  parseCookies,
  readSession,
  SESSION_COOKIE,
  sessionCookie,
  validCsrf,
} from '../../../../shared/console/auth/session.js';
import { signToken, verifyToken } from '../../../../shared/console/auth/signing.js';
import { type Notification, stateNotification } from '../../../../shared/domain/notices/notification.js';
import { aLogger, GEOCUST1_A, MINUTE, T0 } from '../../fixtures.js';
import { KEY } from './fakes.js';

const OTHER_KEY = Buffer.alloc(32, 9);

describe('signed tokens', () => {
  const token = signToken({ purpose: 'session', id: 'abc', exp: T0 + MINUTE, user: 'alice' }, KEY);

  it('verify with the key, for their purpose, until they expire', () => {
    expect(verifyToken(token, 'session', KEY, T0)).toMatchObject({ id: 'abc', user: 'alice' });
    expect(verifyToken(token, 'session', KEY, T0 + MINUTE)).toBeUndefined();
    expect(verifyToken(token, 'sign-in', KEY, T0)).toBeUndefined();
    expect(verifyToken(token, 'session', OTHER_KEY, T0)).toBeUndefined();
  });

  it('refuse any altered claim or signature', () => {
    const [body, sig] = token.split('.') as [string, string];
    const forged = Buffer.from(
      JSON.stringify({ purpose: 'session', id: 'abc', exp: T0 + MINUTE, user: 'mallory' }),
    ).toString('base64url');
    expect(verifyToken(`${forged}.${sig}`, 'session', KEY, T0)).toBeUndefined();
    expect(verifyToken(`${body}.${sig.slice(1)}x`, 'session', KEY, T0)).toBeUndefined();
    expect(verifyToken(`${body}.${sig}.x`, 'session', KEY, T0)).toBeUndefined();
    expect(verifyToken('garbage', 'session', KEY, T0)).toBeUndefined();
  });
});

describe('sessions and CSRF', () => {
  it('a session cookie is HttpOnly, Secure, SameSite and host-only, and reads back', () => {
    const session = newSession('alice', T0);
    const cookie = sessionCookie(session, KEY);
    expect(cookie).toMatch(
      /^__Host-phl-console=[^;]+; Path=\/; Max-Age=\d+; HttpOnly; Secure; SameSite=Lax$/,
    );
    const cookies = parseCookies(`other=1; ${cookie.split(';')[0]}`);
    expect(readSession(cookies, KEY, T0 + MINUTE)).toEqual(session);
    expect(readSession(cookies, OTHER_KEY, T0)).toBeUndefined();
    expect(readSession(new Map([[SESSION_COOKIE, 'x.y']]), KEY, T0)).toBeUndefined();
  });

  it('the CSRF token is bound to the session and the key', () => {
    const token = csrfToken('session-1', KEY);
    expect(validCsrf(token, 'session-1', KEY)).toBe(true);
    expect(validCsrf(token, 'session-2', KEY)).toBe(false);
    expect(validCsrf(token, 'session-1', OTHER_KEY)).toBe(false);
    expect(validCsrf(undefined, 'session-1', KEY)).toBe(false);
  });
});

describe('one-time links', () => {
  it('a sign-in link works for 10 minutes and names the user', () => {
    const link = new URL(signInLink('http://127.0.0.1:3000', 'alice', KEY, T0));
    expect(link.pathname).toBe('/console/sign-in/link');
    const t = link.searchParams.get('t') ?? '';
    expect(readSignInLink(t, KEY, T0 + 9 * MINUTE)).toMatchObject({ user: 'alice' });
    expect(readSignInLink(t, KEY, T0 + 10 * MINUTE)).toBeUndefined();
  });

  it('an acknowledge token names its Logger and is no sign-in link', () => {
    const t = ackToken(GEOCUST1_A, KEY, T0);
    expect(readAckToken(t, KEY, T0)).toMatchObject({ logger: GEOCUST1_A });
    expect(readSignInLink(t, KEY, T0)).toBeUndefined();
  });

  it('an alarm email links to the Logger page and carries an acknowledge link; a recovery only the page', () => {
    const logger = aLogger({ state: 'DOWN', downSince: T0 });
    const notice = { id: 'n1', kind: 'LOGGER_SILENT', at: T0, deadline: T0 } as const;
    const alarm: Notification = stateNotification(logger, notice, 'GEOCSCLNRA');
    const lines = emailLinks(alarm, 'https://api.example.com/', KEY, T0);
    expect(lines[0]).toBe('Logger page: https://api.example.com/console/loggers/geocust1/A');
    const ack = new URL(lines[1]?.split(': ')[1] ?? '');
    expect(ack.pathname).toBe('/console/ack');
    expect(readAckToken(ack.searchParams.get('t') ?? '', KEY, T0)).toMatchObject({ logger: GEOCUST1_A });
    const recovered = stateNotification(logger, { ...notice, kind: 'LOGGER_RECOVERED' }, 'GEOCSCLNRA');
    expect(emailLinks(recovered, 'https://api.example.com', KEY, T0)).toHaveLength(1);
    expect(emailLinks(alarm, 'https://api.example.com', undefined, T0)).toHaveLength(1);
  });
});
