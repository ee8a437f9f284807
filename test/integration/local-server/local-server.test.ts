/**
 * Local mode's HTTP server with the real handlers on DynamoDB Local: hostile request targets are 400s
 * (never 5xx), no answer repeats what the request said, and each request's log lines carry its own id.
 */
import type { Server } from 'node:http';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../../../cli/local/dynamo-local.js';
import { startLocalServer } from '../../../cli/local/server.js';
import { createHandler as createEvents } from '../../../functions/events/handler.js';
import { handler as health } from '../../../functions/health/handler.js';
import { createHandler as createHeartbeat } from '../../../functions/heartbeat/handler.js';
import { createHandler as createRelay } from '../../../functions/relay/handler.js';
import { registerBridge, registerLogger } from '../../../shared/listener/register.js';
import { createTestListener, type TestListener } from '../../support/listener.js';
import { rawRequest } from '../../support/raw-http.js';

let listener: TestListener;
let server: Server;
let port: number;
let loggerToken: string;
let bridgeToken: string;

beforeAll(async () => {
  listener = await createTestListener(inject('dynamoEndpoint'));
  const runtime = () => listener.runtime;
  port = await freePort();
  server = await startLocalServer(
    {
      heartbeat: createHeartbeat(runtime),
      events: createEvents(runtime),
      relay: createRelay(runtime),
      health: health as never,
    },
    port,
  );
  const settings = { eventTimeoutMs: 780 * 60_000, transport: 'https' as const };
  loggerToken = (
    await registerLogger(
      listener.runtime.loggers,
      { customer: 'geocust1', side: 'A', ...settings },
      listener.clock.now,
    )
  ).token;
  bridgeToken = (
    await registerBridge(
      listener.runtime,
      { site: 'acme-dc1', eventTimeoutMs: 1_800_000 },
      listener.clock.now,
    )
  ).relayToken;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await listener.dispose();
});

const get = (target: string, method = 'GET') =>
  rawRequest(port, `${method} ${target} HTTP/1.1\r\nHost: localhost`);

describe('request targets', () => {
  it.each(['//[', '//%zz', '//a:b@', 'http://x:99999/', 'http://[::1/v1/health'])(
    'answers %s with 400',
    async (target) => {
      const answer = await get(target);
      expect(answer.status).toBe(400);
      expect(answer.text).not.toContain(target);
    },
  );

  it('never answers a generated target with a 5xx', async () => {
    const piece = fc.constantFrom(
      '/',
      '//',
      '[',
      ']',
      '%',
      '%zz',
      '%00',
      ':',
      '@',
      '?',
      '#',
      '..',
      'v1',
      'heartbeat',
      'health',
      'a',
      '9',
      '99999',
      '::1',
      'http:',
      '\\',
      '%2F',
      '*',
      '~',
    );
    const target = fc.oneof(
      fc.array(piece, { minLength: 1, maxLength: 8 }).map((parts) => parts.join('')),
      fc
        .tuple(fc.constantFrom('http://', 'https://', 'HTTP://'), fc.array(piece, { maxLength: 6 }))
        .map(([scheme, parts]) => scheme + parts.join('')),
      fc.string({
        unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)),
        minLength: 1,
        maxLength: 24,
      }),
    );
    await fc.assert(
      fc.asyncProperty(target, fc.constantFrom('GET', 'POST'), async (t, method) => {
        const answer = await get(t, method);
        expect(answer.status, `${method} ${t}`).toBeGreaterThanOrEqual(200);
        expect(answer.status, `${method} ${t}`).toBeLessThan(500);
      }),
      { numRuns: 300 },
    );
  });
});

describe('oversized bodies', () => {
  it('authenticates a body over the local read limit before answering 413', async () => {
    const big = Buffer.alloc(2 * 1024 * 1024, 'a');
    const head = 'POST /v1/heartbeat HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json';
    expect((await rawRequest(port, head, big)).status).toBe(401);
    expect((await rawRequest(port, `${head}\r\nAuthorization: Bearer ${loggerToken}`, big)).status).toBe(413);
  });
});

describe('answers never repeat the request', () => {
  const MARKER = 'zq7MARKERq7z';

  it('keeps marker strings from the path, headers and body out of every answer', async () => {
    const base = `http://127.0.0.1:${port}`;
    const tokens = [undefined, MARKER, `phl.geocust1.A.${MARKER}${'x'.repeat(40)}`, loggerToken, bridgeToken];
    const bodies = [
      `{"${MARKER}": 1}`,
      JSON.stringify({ events: [{ id: `${MARKER}!`, occurredAt: MARKER, severity: MARKER, message: 1 }] }),
      JSON.stringify({
        events: [
          { id: 'ok', occurredAt: '2026-11-24T11:00:00Z', severity: 'info', message: 'm', [MARKER]: 1 },
        ],
      }),
      JSON.stringify({ records: [{ id: `${MARKER}!`, [MARKER]: MARKER }], bridge: 7 }),
      JSON.stringify({ intervalMinutes: MARKER, agent: 5 }),
      `${MARKER}{`,
    ];
    const paths = [
      '/v1/heartbeat',
      '/v1/events',
      '/v1/relay',
      '/v1/health',
      `/v1/${MARKER}`,
      `/${MARKER}/v1/heartbeat`,
    ];
    let answers = 0;
    for (const path of paths) {
      for (const token of tokens) {
        for (const body of bodies) {
          {
            const contentType = answers % 2 === 0 ? 'application/json' : `text/${MARKER}`;
            const res = await fetch(`${base}${path}?${MARKER}=${MARKER}`, {
              method: path === '/v1/health' ? 'GET' : 'POST',
              headers: {
                'content-type': contentType,
                [`x-${MARKER}`]: MARKER,
                ...(token ? { authorization: `Bearer ${token}` } : {}),
              },
              ...(path === '/v1/health' ? {} : { body }),
            });
            const text = await res.text();
            expect(text, `${path} ${token} ${body}`).not.toContain(MARKER);
            expect(JSON.stringify([...res.headers]), path).not.toContain(MARKER);
            answers++;
          }
        }
      }
    }
    expect(answers).toBe(paths.length * tokens.length * bodies.length);
  });

  it('keeps a made-up method out of the answer (Node refuses it: 400 in the API’s error format)', async () => {
    const answer = await get('/v1/events', MARKER.toUpperCase());
    expect(answer.status).toBe(400);
    expect(answer.text).toContain('"code":"bad_request"');
    expect(answer.text).not.toContain(MARKER.toUpperCase());
  });
});
