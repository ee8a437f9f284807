/**
 * The console's request handling with in-memory ports: nothing for the unauthenticated, CSRF on every
 * form, one-time links, escaping, and actions through the shared use cases (audit lines included).
 */
import { describe, expect, it } from 'vitest';
import { handleConsole } from '../../../../shared/console/app.js';
import { ASSETS } from '../../../../shared/console/assets.js';
import { ackToken, signInLink } from '../../../../shared/console/auth/links.js';
import {
  csrfToken,
  newSession,
  parseCookies,
  sessionCookie,
} from '../../../../shared/console/auth/session.js';
import type { ConsoleRequest } from '../../../../shared/console/request.js';
import { CONTENT_SECURITY_POLICY } from '../../../../shared/console/responses.js';
import { aLogger, GEOCUST1_A, HOUR, T0 } from '../../fixtures.js';
import { consoleDeps, KEY } from './fakes.js';

const down = () =>
  aLogger({ state: 'DOWN', downSince: T0, lastSeenAt: T0 - 14 * HOUR, agent: '<script>x</script>' });
const session = newSession('alice', T0);
const cookie = sessionCookie(session, KEY).split(';')[0] ?? '';
const csrf = csrfToken(session.id, KEY);

function request(
  path: string,
  options: { method?: string; cookie?: string; form?: Record<string, string>; origin?: string } = {},
): ConsoleRequest {
  const url = new URL(path, 'http://console.test');
  return {
    method: options.method ?? (options.form ? 'POST' : 'GET'),
    path: url.pathname,
    query: url.searchParams,
    headers: { host: 'console.test', ...(options.origin ? { origin: options.origin } : {}) },
    cookies: parseCookies(options.cookie),
    ...(options.form ? { form: new URLSearchParams(options.form) } : {}),
  };
}

describe('the console without a session', () => {
  it('answers every page and action with a bodiless redirect to sign-in', async () => {
    const { deps } = consoleDeps([down()]);
    for (const path of ['/console', '/console/alarms', '/console/loggers/geocust1/A', '/console/nope']) {
      const res = await handleConsole(request(path), deps);
      expect(res).toMatchObject({ status: 303, body: '', headers: { location: '/console/sign-in' } });
    }
    const post = await handleConsole(request('/console/loggers/geocust1/A/ack', { form: { csrf } }), deps);
    expect(post).toMatchObject({ status: 303, body: '' });
    const forged = `${cookie.split('.')[0]}.AAAA`;
    expect((await handleConsole(request('/console', { cookie: forged }), deps)).status).toBe(303);
  });

  it('never takes a Logger token (or any bearer token) for a console session', async () => {
    const { deps } = consoleDeps([down()]);
    const req = request('/console');
    const withToken = { ...req, headers: { ...req.headers, authorization: 'Bearer phl.geocust1.A.secret' } };
    expect((await handleConsole(withToken, deps)).status).toBe(303);
    const api = await handleConsole({ ...request('/console/api/fleet'), headers: withToken.headers }, deps);
    expect(api.status).toBe(401);
    expect(api.body).not.toContain('geocust1');
    const authorized = await handleConsole(
      { ...request('/console/api/fleet'), jwtUser: 'alice@example.com' },
      deps,
    );
    expect(JSON.parse(authorized.body).counts.DOWN).toBe(1);
  });

  it('shows the sign-in page without any fleet data, under the strict CSP', async () => {
    const { deps } = consoleDeps([down()]);
    const res = await handleConsole(request('/console/sign-in'), deps);
    expect(res.status).toBe(200);
    expect(res.body).not.toContain('geocust1');
    expect(res.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    expect(CONTENT_SECURITY_POLICY).toContain("frame-ancestors 'none'");
    expect(res.body).not.toMatch(/<script>|style=/);
  });

  it('serves the hashed assets with a year-long immutable cache', async () => {
    const { deps } = consoleDeps([]);
    const res = await handleConsole(request(ASSETS.js.url), deps);
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(ASSETS.css.url).toMatch(/^\/console\/assets\/console\.[0-9a-f]{12}\.css$/);
  });
});

describe('sign-in links', () => {
  it('sign in once; the same link again is refused', async () => {
    const { deps } = consoleDeps([]);
    const link = new URL(signInLink('http://console.test', 'bob', KEY, T0));
    const first = await handleConsole(request(link.pathname + link.search), deps);
    expect(first.status).toBe(303);
    expect(first.headers['set-cookie']).toMatch(/^__Host-phl-console=/);
    const again = await handleConsole(request(link.pathname + link.search), deps);
    expect(again.status).toBe(403);
    expect(again.headers['set-cookie']).toBeUndefined();
  });
});

describe('pages and actions with a session', () => {
  it('escapes what Loggers and people wrote', async () => {
    const { deps } = consoleDeps([down()]);
    const res = await handleConsole(request('/console/loggers/geocust1/A', { cookie }), deps);
    expect(res.status).toBe(200);
    expect(res.body).toContain('&lt;script&gt;x&lt;/script&gt;');
    expect(res.body).not.toContain('<script>x');
  });

  it('names whom to call and their note on the Logger page, escaped', async () => {
    const { deps } = consoleDeps([{ ...down(), owner: 'Acme <NOC> & co', note: 'gate "B" <b>' }]);
    const res = await handleConsole(request('/console/loggers/geocust1/A', { cookie }), deps);
    expect(res.body).toContain('<dt>Owner</dt><dd>Acme &lt;NOC&gt; &amp; co</dd>');
    expect(res.body).toContain('<dt>Note</dt><dd>gate &quot;B&quot; &lt;b&gt;</dd>');
  });

  it('says which Listener of a pair heard the Logger, the latest first', async () => {
    const heard = aLogger({
      state: 'UP',
      lastSeenAt: T0 - HOUR,
      heardBy: {
        GEOCSCLNRA: { first: T0 - 30 * HOUR, last: T0 - 26 * HOUR },
        GEOCSCLNRB: { first: T0 - 25 * HOUR, last: T0 - HOUR },
      },
      lastHeardBy: 'GEOCSCLNRB',
    });
    const { deps } = consoleDeps([heard]);
    const res = await handleConsole(request('/console/loggers/geocust1/A', { cookie }), deps);
    const text = res.body.replace(/<[^>]+>/g, '');
    expect(text).toContain('Heard byGEOCSCLNRB 1h ago; GEOCSCLNRA 1d 2h ago');
  });

  it("says since when a ping URL's job runs, and how long its last run took", async () => {
    const job = aLogger({
      state: 'UP',
      lastSeenAt: T0 - HOUR,
      runs: [{ at: T0 - 5 * 60_000 }],
      lastRun: { startedAt: T0 - 2 * HOUR, endedAt: T0 - HOUR, durationMs: HOUR, outcome: 'success' },
    });
    const { deps } = consoleDeps([job]);
    const res = await handleConsole(request('/console/loggers/geocust1/A', { cookie }), deps);
    const text = res.body.replace(/<[^>]+>/g, '');
    expect(text).toContain('Running since5m ago, not finished yet');
    expect(text).toContain('Last run1h, finished 1h ago');
  });

  it('refuses a form without the session’s CSRF token, or from another origin', async () => {
    const { deps, audit } = consoleDeps([down()]);
    const path = '/console/loggers/geocust1/A/ack';
    expect((await handleConsole(request(path, { cookie, form: {} }), deps)).status).toBe(403);
    expect((await handleConsole(request(path, { cookie, form: { csrf: 'x' } }), deps)).status).toBe(403);
    const foreign = request(path, { cookie, form: { csrf }, origin: 'https://evil.example' });
    expect((await handleConsole(foreign, deps)).status).toBe(403);
    expect(audit.entries).toEqual([]);
  });

  it('acknowledges through the shared use case and records who did it', async () => {
    const { deps, audit } = consoleDeps([down()]);
    const path = '/console/loggers/geocust1/A/ack';
    const res = await handleConsole(request(path, { cookie, form: { csrf, ticket: 'INC-1' } }), deps);
    expect(res).toMatchObject({ status: 303, headers: { location: '/console/loggers/geocust1/A?done=ack' } });
    expect((await deps.loggers.get(GEOCUST1_A))?.ack).toMatchObject({ by: 'alice', ticket: 'INC-1' });
    expect(audit.entries).toEqual([
      expect.objectContaining({ action: 'ack', actor: 'alice', via: 'console', detail: 'ticket INC-1' }),
    ]);
    const page = await handleConsole(request('/console/loggers/geocust1/A?done=ack', { cookie }), deps);
    expect(page.body).toMatch(/<strong>alice<\/strong> acknowledged the alarm: ticket INC-1/);
  });

  it('starts and ends maintenance for a whole customer', async () => {
    const { deps, audit } = consoleDeps([down()]);
    const form = { csrf, target: 'geocust1', hours: '2', reason: 'PBX upgrade' };
    const started = await handleConsole(request('/console/maintenance', { cookie, form }), deps);
    expect(started.status).toBe(303);
    const id = (await deps.loggers.get(GEOCUST1_A))?.maintenance?.[0]?.id ?? '';
    expect(id).toMatch(/^mw-/);
    await handleConsole(request(`/console/maintenance/${id}/end`, { cookie, form: { csrf } }), deps);
    expect((await deps.loggers.get(GEOCUST1_A))?.maintenance).toBeUndefined();
    expect(audit.entries.map((e) => e.action)).toEqual(['maintenance-add', 'maintenance-remove']);
  });
});

describe('the emailed acknowledge link', () => {
  it('opening it acknowledges nothing; its button does, once', async () => {
    const { deps, audit } = consoleDeps([down()]);
    const t = ackToken(GEOCUST1_A, KEY, T0);
    const page = await handleConsole(request(`/console/ack?t=${t}`), deps);
    expect(page.status).toBe(200);
    expect((await deps.loggers.get(GEOCUST1_A))?.ack).toBeUndefined();
    const linkCsrf = /name="csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
    const noCsrf = await handleConsole(request('/console/ack', { form: { t, by: 'carol' } }), deps);
    expect(noCsrf.status).toBe(403);
    const done = await handleConsole(
      request('/console/ack', { form: { t, csrf: linkCsrf, by: 'carol' } }),
      deps,
    );
    expect(done.status).toBe(200);
    expect((await deps.loggers.get(GEOCUST1_A))?.ack?.by).toBe('carol');
    expect(audit.entries).toEqual([expect.objectContaining({ actor: 'carol', via: 'email-link' })]);
    const again = await handleConsole(
      request('/console/ack', { form: { t, csrf: linkCsrf, by: 'carol' } }),
      deps,
    );
    expect(again.status).toBe(403);
  });

  it('deployed, is signed with the link key, which opens no session (the cookie key is the console’s own)', async () => {
    const LINK_KEY = Buffer.alloc(32, 9);
    const { deps } = consoleDeps([down()]);
    const deployed = { ...deps, linkKeys: { key: async () => LINK_KEY } };
    const page = await handleConsole(
      request(`/console/ack?t=${ackToken(GEOCUST1_A, LINK_KEY, T0)}`),
      deployed,
    );
    expect(page.status).toBe(200);
    // A link signed with the cookie key is not an acknowledge link any more…
    const wrongKey = await handleConsole(
      request(`/console/ack?t=${ackToken(GEOCUST1_A, KEY, T0)}`),
      deployed,
    );
    expect(wrongKey.status).toBe(403);
    // …and whoever holds the link key cannot make a session cookie.
    const forged = sessionCookie(newSession('mallory', T0), LINK_KEY).split(';')[0] ?? '';
    const fleet = await handleConsole(request('/console', { cookie: forged }), deployed);
    expect(fleet).toMatchObject({ status: 303, headers: { location: '/console/sign-in' } });
  });
});
