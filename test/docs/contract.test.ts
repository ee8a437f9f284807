/**
 * docs/openapi.yaml is the contract: the running local Listener answers every documented status of
 * every operation, every answer is valid against its documented schema and headers, and nothing
 * undocumented is answered.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { addLogger, FAST_LOCAL, type LocalListener, runCli, startLocalListener } from '../support/cli.js';
import { ROOT } from './markdown.js';

type Method = 'get' | 'post' | 'head';
interface Answer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: unknown;
}
interface Spec {
  paths: Record<string, Record<Method, { responses: Record<string, Documented> }>>;
}
interface Documented {
  headers?: Record<string, unknown>;
  content?: { 'application/json'?: { schema: unknown }; 'text/plain'?: { schema: unknown } };
}

let spec: Spec;
let listener: LocalListener;
let token = '';
let modemToken = '';
let bridgeToken = '';
let boundElsewhere = '';
/** The path of a Logger's ping URL (`/ping/<uuid>`). */
let pingPath = '';
const answered = new Map<string, Set<number>>(); // "post /v1/heartbeat" → statuses seen

beforeAll(async () => {
  const out = mkdtempSync(join(tmpdir(), 'openapi-'));
  const bundled = join(out, 'openapi.json');
  execFileSync(
    join(ROOT, 'node_modules/.bin/redocly'),
    ['bundle', join(ROOT, 'docs/openapi.yaml'), '--dereferenced', '--ext', 'json', '-o', bundled],
    { stdio: 'ignore' },
  );
  spec = JSON.parse(readFileSync(bundled, 'utf8')) as Spec;
  rmSync(out, { recursive: true, force: true });
  listener = await startLocalListener(FAST_LOCAL);
  token = await addLogger(listener, 'contract', 'A');
  modemToken = await addLogger(listener, 'contract', 'B', '--transport', 'modem');
  const bridge = await runCli(['bridge', 'add', 'contract-dc1', '--json', '--dir', listener.dir]);
  bridgeToken = (JSON.parse(bridge.stdout) as { token: string }).token;
  boundElsewhere = 'contract-bound';
  await addLogger(listener, boundElsewhere, 'A', '--transport', 'modem', '--bridge', 'contract-dc2');
  const pinged = await runCli(['logger', 'add', 'contract-ping', 'A', '--json', '--dir', listener.dir]);
  pingPath = new URL((JSON.parse(pinged.stdout) as { pingUrl: string }).pingUrl).pathname;
});
afterAll(() => listener?.stop());

/** Sends a raw request (the target exactly as given) and reads the JSON answer. */
function send(
  method: string,
  target: string,
  options: { token?: string; type?: string; body?: string | Buffer } = {},
) {
  const headers: Record<string, string> = {};
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  if (options.type) headers['content-type'] = options.type;
  if (options.body !== undefined) headers['content-length'] = String(Buffer.byteLength(options.body));
  return new Promise<Answer>((done, fail) => {
    const req = httpRequest(
      { host: '127.0.0.1', port: listener.port, method, path: target, headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          // Ping URLs answer plain text, as Healthchecks does; everything else JSON.
          const isJson = String(res.headers['content-type']).startsWith('application/json');
          done({
            status: res.statusCode ?? 0,
            headers: res.headers as Record<string, string>,
            body: text && isJson ? JSON.parse(text) : text || undefined,
          });
        });
      },
    );
    req.setTimeout(10_000, () => req.destroy(new Error(`no answer to ${method} ${target} in 10 s`)));
    req.on('error', fail);
    req.end(options.body);
  });
}

const json = (value: unknown) => ({ type: 'application/json', body: JSON.stringify(value) });

/** The answer must be documented for its operation, with its schema and headers. */
function expectDocumented(method: Method, path: string, answer: Answer): void {
  const operation = spec.paths[path]?.[method];
  const documented = operation?.responses[String(answer.status)];
  expect(
    documented,
    `${method.toUpperCase()} ${path} answered an undocumented ${answer.status}`,
  ).toBeDefined();
  const text = documented?.content?.['text/plain'];
  const schema = text ? text.schema : documented?.content?.['application/json']?.schema;
  expect(answer.headers['content-type']).toMatch(text ? /^text\/plain/ : /^application\/json/);
  // A HEAD answer has the GET's headers and no body.
  if (method === 'head') expect(answer.body).toBeUndefined();
  else {
    const parsed = z.fromJSONSchema(schema as Parameters<typeof z.fromJSONSchema>[0]).safeParse(answer.body);
    expect(
      parsed.success,
      `${answer.status} body ${JSON.stringify(answer.body)}: ${parsed.error?.message}`,
    ).toBe(true);
  }
  for (const header of Object.keys(documented?.headers ?? {})) {
    expect(answer.headers[header.toLowerCase()], `${answer.status} lacks header ${header}`).toBeDefined();
  }
  const key = `${method} ${path}`;
  answered.set(key, (answered.get(key) ?? new Set()).add(answer.status));
}

interface Case {
  readonly name: string;
  readonly method: Method;
  readonly path: string;
  readonly status: number;
  readonly send: () => Promise<Answer>;
  /** A message must never repeat the input: this text is sent and must not come back. */
  readonly secret?: string;
}

const SECRET = 'do-not-echo-7f3a';
const event = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  occurredAt: '2026-11-24T16:59:00Z',
  severity: 'critical',
  message: 'Router A failed',
  ...extra,
});
const record = (id: string, side = 'B', customer = 'contract') => ({
  id,
  type: 'heartbeat',
  customer,
  side,
  at: '2026-11-24T17:00:00Z',
});

const CASES: Case[] = [
  // POST /v1/heartbeat
  {
    name: 'a heartbeat without a body',
    method: 'post',
    path: '/v1/heartbeat',
    status: 200,
    send: () => send('POST', '/v1/heartbeat', { token }),
  },
  {
    name: 'a heartbeat with every optional field',
    method: 'post',
    path: '/v1/heartbeat',
    status: 200,
    send: () =>
      send('POST', '/v1/heartbeat', {
        token,
        ...json({ sentAt: '2026-11-24T17:00:00Z', intervalMinutes: 720, agent: 'csfs/4.5' }),
      }),
  },
  {
    name: 'no token',
    method: 'post',
    path: '/v1/heartbeat',
    status: 401,
    send: () => send('POST', '/v1/heartbeat'),
  },
  {
    name: 'a garbage token',
    method: 'post',
    path: '/v1/heartbeat',
    status: 401,
    send: () => send('POST', '/v1/heartbeat', { token: 'garbage' }),
  },
  {
    name: 'a well-formed but wrong token',
    method: 'post',
    path: '/v1/heartbeat',
    status: 401,
    send: () => send('POST', '/v1/heartbeat', { token: `${token.slice(0, -4)}AAAA` }),
  },
  {
    name: 'no token and a body too large, not JSON: still 401 (auth first)',
    method: 'post',
    path: '/v1/heartbeat',
    status: 401,
    send: () => send('POST', '/v1/heartbeat', { type: 'text/plain', body: 'x'.repeat(20_000) }),
  },
  {
    name: 'malformed JSON',
    method: 'post',
    path: '/v1/heartbeat',
    status: 400,
    send: () => send('POST', '/v1/heartbeat', { token, type: 'application/json', body: '{"agent":' }),
  },
  {
    name: 'an unknown field (named nowhere in the answer)',
    method: 'post',
    path: '/v1/heartbeat',
    status: 400,
    secret: SECRET,
    send: () => send('POST', '/v1/heartbeat', { token, ...json({ [SECRET]: 1 }) }),
  },
  {
    name: 'a body over 16 KiB',
    method: 'post',
    path: '/v1/heartbeat',
    status: 413,
    send: () => send('POST', '/v1/heartbeat', { token, ...json({ agent: 'x'.repeat(17_000) }) }),
  },
  {
    name: 'a body that is not JSON',
    method: 'post',
    path: '/v1/heartbeat',
    status: 415,
    send: () => send('POST', '/v1/heartbeat', { token, type: 'text/plain', body: 'hello' }),
  },
  {
    name: 'GET instead of POST',
    method: 'post',
    path: '/v1/heartbeat',
    status: 405,
    send: () => send('GET', '/v1/heartbeat'),
  },
  // POST /v1/events
  {
    name: 'a batch of events',
    method: 'post',
    path: '/v1/events',
    status: 200,
    send: () => send('POST', '/v1/events', { token, ...json({ events: [event('evt-1')] }) }),
  },
  {
    name: 'a replayed batch (duplicates)',
    method: 'post',
    path: '/v1/events',
    status: 200,
    send: () => send('POST', '/v1/events', { token, ...json({ events: [event('evt-1')] }) }),
  },
  {
    name: 'a bad severity',
    method: 'post',
    path: '/v1/events',
    status: 400,
    send: () =>
      send('POST', '/v1/events', { token, ...json({ events: [event('evt-2', { severity: 'fatal' })] }) }),
  },
  {
    name: 'the same event id twice in one batch',
    method: 'post',
    path: '/v1/events',
    status: 400,
    send: () => send('POST', '/v1/events', { token, ...json({ events: [event('evt-3'), event('evt-3')] }) }),
  },
  {
    name: 'no token',
    method: 'post',
    path: '/v1/events',
    status: 401,
    send: () => send('POST', '/v1/events', json({ events: [event('evt-5')] })),
  },
  {
    name: 'no token and an invalid body: 401',
    method: 'post',
    path: '/v1/events',
    status: 401,
    send: () => send('POST', '/v1/events', { type: 'application/json', body: '{"events":' }),
  },
  {
    name: 'a message over 2 KiB',
    method: 'post',
    path: '/v1/events',
    status: 413,
    send: () =>
      send('POST', '/v1/events', {
        token,
        ...json({ events: [event('evt-4', { message: 'x'.repeat(3_000) })] }),
      }),
  },
  {
    name: 'a body that is not JSON',
    method: 'post',
    path: '/v1/events',
    status: 415,
    send: () => send('POST', '/v1/events', { token, type: 'text/plain', body: 'hello' }),
  },
  {
    name: 'GET instead of POST',
    method: 'post',
    path: '/v1/events',
    status: 405,
    send: () => send('GET', '/v1/events'),
  },
  // POST /v1/relay
  {
    name: 'records of a modem Logger, and one of an unknown Logger',
    method: 'post',
    path: '/v1/relay',
    status: 200,
    send: () =>
      send('POST', '/v1/relay', {
        token: bridgeToken,
        ...json({ bridge: 'contract-dc1', records: [record('rec-1'), record('rec-2', 'A', 'nobody')] }),
      }),
  },
  {
    name: 'a record of a modem Logger bound to another bridge site (refused)',
    method: 'post',
    path: '/v1/relay',
    status: 200,
    send: () =>
      send('POST', '/v1/relay', {
        token: bridgeToken,
        ...json({ records: [record('rec-4', 'A', boundElsewhere)] }),
      }),
  },
  {
    name: "an envelope naming another site than the token's",
    method: 'post',
    path: '/v1/relay',
    status: 403,
    secret: 'contract-dc9',
    send: () =>
      send('POST', '/v1/relay', {
        token: bridgeToken,
        ...json({ bridge: 'contract-dc9', records: [record('rec-5')] }),
      }),
  },
  {
    name: 'an empty batch',
    method: 'post',
    path: '/v1/relay',
    status: 400,
    send: () => send('POST', '/v1/relay', { token: bridgeToken, ...json({ records: [] }) }),
  },
  {
    name: 'a Logger token instead of the bridge token',
    method: 'post',
    path: '/v1/relay',
    status: 401,
    send: () => send('POST', '/v1/relay', { token: modemToken, ...json({ records: [record('rec-3')] }) }),
  },
  {
    name: 'a body over 256 KiB',
    method: 'post',
    path: '/v1/relay',
    status: 413,
    send: () =>
      send('POST', '/v1/relay', { token: bridgeToken, ...json({ records: [record('x'.repeat(270_000))] }) }),
  },
  {
    name: 'a body that is not JSON',
    method: 'post',
    path: '/v1/relay',
    status: 415,
    send: () => send('POST', '/v1/relay', { token: bridgeToken, type: 'text/plain', body: 'hello' }),
  },
  {
    name: 'GET instead of POST',
    method: 'post',
    path: '/v1/relay',
    status: 405,
    send: () => send('GET', '/v1/relay'),
  },
  // GET /v1/health, and what the API does not serve
  { name: 'liveness', method: 'get', path: '/v1/health', status: 200, send: () => send('GET', '/v1/health') },
  {
    name: 'POST instead of GET',
    method: 'get',
    path: '/v1/health',
    status: 405,
    send: () => send('POST', '/v1/health'),
  },
  {
    name: 'a path the API does not serve',
    method: 'get',
    path: '/v1/health',
    status: 404,
    send: () => send('GET', '/v2/heartbeat'),
  },
];

/** Ping URLs (docs/pings.md): plain-text answers, Healthchecks' words. */
const UNKNOWN_UUID = '3f0c4c1e-1b59-4e0a-9d6a-2f1f1f1f1f1f';
const PING = '/ping/{uuid}';
const SIGNAL = '/ping/{uuid}/{signal}';
const PING_CASES: Case[] = [
  { name: 'a success', method: 'get', path: PING, status: 200, send: () => send('GET', pingPath) },
  {
    name: 'a bad rid',
    method: 'get',
    path: PING,
    status: 400,
    secret: SECRET,
    send: () => send('GET', `${pingPath}?rid=${SECRET}`),
  },
  {
    name: 'an unknown uuid',
    method: 'get',
    path: PING,
    status: 404,
    send: () => send('GET', `/ping/${UNKNOWN_UUID}`),
  },
  {
    name: 'a success with output, invalid UTF-8 included',
    method: 'post',
    path: PING,
    status: 200,
    send: () => send('POST', pingPath, { type: 'text/plain', body: Buffer.from([0x6f, 0x6b, 0xc3, 0x28]) }),
  },
  {
    name: 'an unknown uuid',
    method: 'post',
    path: PING,
    status: 404,
    send: () => send('POST', `/ping/${UNKNOWN_UUID}`, { type: 'text/plain', body: 'x' }),
  },
  { name: 'a success', method: 'head', path: PING, status: 200, send: () => send('HEAD', pingPath) },
  {
    name: 'an unknown uuid',
    method: 'head',
    path: PING,
    status: 404,
    send: () => send('HEAD', `/ping/${UNKNOWN_UUID}`),
  },
  { name: 'a start', method: 'get', path: SIGNAL, status: 200, send: () => send('GET', `${pingPath}/start`) },
  {
    name: 'an exit status over 255',
    method: 'get',
    path: SIGNAL,
    status: 400,
    send: () => send('GET', `${pingPath}/256`),
  },
  {
    name: 'an unknown signal',
    method: 'get',
    path: SIGNAL,
    status: 404,
    secret: SECRET,
    send: () => send('GET', `${pingPath}/${SECRET}`),
  },
  {
    name: 'a log with output',
    method: 'post',
    path: SIGNAL,
    status: 200,
    send: () => send('POST', `${pingPath}/log`, { type: 'text/plain', body: 'x'.repeat(12_000) }),
  },
  {
    name: 'a failure of an unknown uuid',
    method: 'post',
    path: SIGNAL,
    status: 404,
    send: () => send('POST', `/ping/${UNKNOWN_UUID}/fail`, { type: 'text/plain', body: 'x' }),
  },
];
CASES.push(...PING_CASES);

describe.each([
  'post /v1/heartbeat',
  'post /v1/events',
  'post /v1/relay',
  'get /v1/health',
  `get ${PING}`,
  `post ${PING}`,
  `head ${PING}`,
  `get ${SIGNAL}`,
  `post ${SIGNAL}`,
])('%s', (operation) => {
  const [method, path] = operation.split(' ') as [Method, string];
  for (const c of CASES.filter((x) => x.method === method && x.path === path)) {
    it(`${c.name}: ${c.status}, as documented`, async () => {
      const answer = await c.send();
      expect(answer.status, JSON.stringify(answer.body)).toBe(c.status);
      expectDocumented(method, path, answer);
      if (c.secret) expect(JSON.stringify(answer.body)).not.toContain(c.secret);
    });
  }
});

describe('the whole contract', () => {
  it('a malformed request target is a 400 in the error format', async () => {
    const answer = await send('GET', '//[');
    expect(answer.status).toBe(400);
    expectDocumented('get', '/v1/health', { ...answer, status: 404 }); // same error body as any unserved target
  });

  it('a store that does not answer is a 503 with Retry-After, within seconds, on every Logger and bridge route', async () => {
    const local = JSON.parse(readFileSync(join(listener.dir, 'local.json'), 'utf8')) as {
      dynamodbEndpoint: string;
    };
    const port = local.dynamodbEndpoint.split(':').pop();
    const java = Number(
      execFileSync('pgrep', ['-f', `DynamoDBLocal.jar.*-port ${port}`])
        .toString()
        .trim()
        .split('\n')[0],
    );
    process.kill(java, 'SIGSTOP');
    try {
      const answers = await Promise.all([
        send('POST', '/v1/heartbeat', { token }),
        send('POST', '/v1/events', { token, ...json({ events: [event('evt-503')] }) }),
        send('POST', '/v1/relay', { token: bridgeToken, ...json({ records: [record('rec-503')] }) }),
        send('GET', '/v1/health'),
        send('GET', pingPath),
      ]);
      answers.forEach((answer, i) => {
        const path = ['/v1/heartbeat', '/v1/events', '/v1/relay', '/v1/health', PING][i] as string;
        expect(answer.status).toBe(503);
        expect(answer.headers['retry-after']).toMatch(/^\d+$/);
        expectDocumented(path === '/v1/health' || path === PING ? 'get' : 'post', path, answer);
      });
    } finally {
      process.kill(java, 'SIGCONT');
    }
  });

  it('every documented status of every operation was answered (500, a bug, excepted)', () => {
    for (const [path, methods] of Object.entries(spec.paths)) {
      for (const [method, operation] of Object.entries(methods)) {
        if (method === 'parameters') continue; // the path's parameters, not an operation
        const documented = Object.keys(operation.responses).filter((s) => s !== '500');
        const seen = [...(answered.get(`${method} ${path}`) ?? [])].map(String);
        expect(seen.sort(), `${method.toUpperCase()} ${path}`).toEqual(documented.sort());
      }
    }
  });
});
