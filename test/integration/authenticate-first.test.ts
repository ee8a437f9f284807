/**
 * Authenticate first: on every Logger and bridge route, a missing, garbage or wrong token is answered 401
 * whatever the body; only a caller with a valid token hears about its body (400/413/415). A heartbeat stays
 * ONE DynamoDB request when all is well. Real handlers on DynamoDB Local.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { createHandler as createEvents } from '../../functions/events/handler.js';
import { createHandler as createHeartbeat } from '../../functions/heartbeat/handler.js';
import { createHandler as createRelay } from '../../functions/relay/handler.js';
import { registerBridge, registerLogger } from '../../shared/listener/register.js';
import { httpEvent, lambdaContext, parsed } from '../support/http.js';
import { countRequests, createTestListener, type TestListener } from '../support/listener.js';

const MINUTE = 60_000;
let listener: TestListener;
/** DynamoDB requests the handlers sent (by command name). */
let requests: ReturnType<typeof countRequests>;
let loggerToken: string;
let bridgeToken: string;
let handlers: Record<Route, (event: APIGatewayProxyEventV2) => Promise<ReturnType<typeof parsed>>>;

type Route = 'heartbeat' | 'events' | 'relay';

beforeEach(async () => {
  listener = await createTestListener(inject('dynamoEndpoint'));
  const { loggers } = listener.runtime;
  loggerToken = (
    await registerLogger(
      loggers,
      { customer: 'geocust1', side: 'A', eventTimeoutMs: 780 * MINUTE, transport: 'https' },
      listener.clock.now,
    )
  ).token;
  bridgeToken = (
    await registerBridge(
      listener.runtime,
      { site: 'acme-dc1', eventTimeoutMs: 30 * MINUTE },
      listener.clock.now,
    )
  ).relayToken;
  requests = countRequests(listener);
  const { runtime } = listener;
  const wrap =
    (handler: (event: APIGatewayProxyEventV2, context: typeof lambdaContext) => Promise<unknown>) =>
    async (event: APIGatewayProxyEventV2) =>
      parsed(await handler(event, lambdaContext));
  handlers = {
    heartbeat: wrap(createHeartbeat(() => runtime)),
    events: wrap(createEvents(() => runtime)),
    relay: wrap(createRelay(() => runtime)),
  };
});
afterEach(() => listener.dispose());

const LIMITS: Record<Route, number> = { heartbeat: 16 * 1024, events: 256 * 1024, relay: 256 * 1024 };
/** What each route says of the body `{"nope": 1}`: the first problem, in the rule's words. */
const SCHEMA_MISTAKE: Record<Route, string> = {
  heartbeat: 'body: has a field it does not know; the allowed fields are sentAt, intervalMinutes, agent',
  events: 'events: is required: a list of 1–100 events',
  relay: 'records: is required: a list of 1–100 records',
};

/** The bad bodies of the matrix: what each is, its headers and raw body. */
function badBodies(route: Route) {
  const json = { 'content-type': 'application/json' };
  return {
    'no body': { headers: {}, body: undefined },
    'bad JSON': { headers: json, body: '{"events": [' },
    'a wrong content type': { headers: { 'content-type': 'text/plain' }, body: '{}' },
    'an oversized body': { headers: json, body: JSON.stringify({ pad: 'x'.repeat(LIMITS[route]) }) },
    'a schema-invalid body': { headers: json, body: JSON.stringify({ nope: 1 }) },
  } as const;
}

/** A request with exactly these headers and raw body (no content type added). */
function exactly(route: Route, authorization: string | undefined, bad: { headers: object; body?: string }) {
  return {
    ...httpEvent({ path: `/v1/${route}` }),
    headers: { ...bad.headers, ...(authorization === undefined ? {} : { authorization }) },
    ...(bad.body === undefined ? {} : { body: bad.body }),
  } as APIGatewayProxyEventV2;
}

const wrongSecret = (token: string) => `${token.slice(0, -6)}AAAAAA`;

describe.each(['heartbeat', 'events', 'relay'] as const)('POST /v1/%s', (route) => {
  const callers = () => ({
    'no token': undefined,
    'a garbage token': 'Bearer ☃garbage',
    'a malformed header': 'Basic Z2VvOnNlY3JldA==',
    'a well-formed token with a wrong secret': `Bearer ${wrongSecret(route === 'relay' ? bridgeToken : loggerToken)}`,
    'a token of the other kind': `Bearer ${route === 'relay' ? loggerToken : bridgeToken}`,
  });

  it('answers 401 to every unauthenticated caller, whatever the body', async () => {
    for (const [who, authorization] of Object.entries(callers())) {
      for (const [what, bad] of Object.entries(badBodies(route))) {
        const res = await handlers[route](exactly(route, authorization, bad));
        expect({ who, what, status: res.statusCode }).toEqual({ who, what, status: 401 });
        expect(res.headers['www-authenticate']).toBe('Bearer');
        expect((res.body.error as { code: string }).code).toBe('unauthorized');
      }
    }
  });

  it('tells a caller with a valid token exactly what is wrong with its body', async () => {
    const authorization = `Bearer ${route === 'relay' ? bridgeToken : loggerToken}`;
    const json = '"Content-Type: application/json"';
    const expected: Record<string, [number, string]> = {
      'no body': [400, `the body is empty; send a JSON object with ${json}`],
      'bad JSON': [400, 'the body is not valid JSON'],
      'a wrong content type': [
        415,
        `the Content-Type header is not JSON; send the body as JSON with ${json}`,
      ],
      'an oversized body': [413, `the body is over ${LIMITS[route]} bytes, the limit for this route`],
      'a schema-invalid body': [400, SCHEMA_MISTAKE[route]],
    };
    for (const [what, bad] of Object.entries(badBodies(route))) {
      if (route === 'heartbeat' && what === 'no body') continue; // a heartbeat's body is optional
      const res = await handlers[route](exactly(route, authorization, bad));
      const [status, message] = expected[what] ?? [0, ''];
      expect({
        what,
        status: res.statusCode,
        message: (res.body.error as { message: string }).message,
      }).toEqual({
        what,
        status,
        message,
      });
    }
  });
});

describe('POST /v1/relay: the token before the envelope', () => {
  const relayAs = (authorization: string | undefined, body: unknown) =>
    handlers.relay(
      exactly('relay', authorization, {
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }),
    );
  const naming = (site: string) => ({
    bridge: site,
    records: [{ id: 'r1', type: 'heartbeat', customer: 'geocust1', side: 'A', at: '2026-11-24T11:00:00Z' }],
  });

  it('answers 401, never 403, to an unauthenticated relay whose envelope names another site', async () => {
    for (const authorization of [undefined, 'Bearer ☃garbage', `Bearer ${wrongSecret(bridgeToken)}`]) {
      const res = await relayAs(authorization, naming('acme-dc2'));
      expect(res.statusCode).toBe(401);
    }
    // Only a valid token hears that its envelope names another site.
    const forged = await relayAs(`Bearer ${bridgeToken}`, naming('acme-dc2'));
    expect(forged.statusCode).toBe(403);
    expect(JSON.stringify(forged.body)).not.toContain('acme-dc2');
  });
});

describe('the cost of authenticating first', () => {
  const beat = (body?: unknown, token = loggerToken) =>
    handlers.heartbeat(httpEvent({ path: '/v1/heartbeat', token, body }));

  it('keeps a good heartbeat to ONE DynamoDB request (its conditional write checks the token)', async () => {
    expect((await beat({ intervalMinutes: 720 })).statusCode).toBe(200);
    expect(requests.commands()).toEqual(['UpdateItemCommand']);
  });

  it('checks the token with one read before answering a bad heartbeat body', async () => {
    expect((await beat({ intervalMinutes: -5 })).statusCode).toBe(400);
    expect(requests.commands()).toEqual(['GetItemCommand']);
    requests = countRequests(listener);
    expect((await beat({ intervalMinutes: -5 }, wrongSecret(loggerToken))).statusCode).toBe(401);
    expect(requests.commands()).toEqual(['GetItemCommand']);
  });

  it('answers a missing or malformed token without any DynamoDB request', async () => {
    expect((await beat({ nope: 1 }, 'phl.not-a-token')).statusCode).toBe(401);
    expect(
      (await handlers.relay(httpEvent({ path: '/v1/relay', token: 'garbage', body: 'x' }))).statusCode,
    ).toBe(401);
    expect(requests.commands()).toEqual([]);
  });
});

describe('event ids in a batch', () => {
  const event = (id: string) => ({
    id,
    occurredAt: '2026-11-24T11:59:00Z',
    severity: 'info',
    message: `m ${id}`,
  });
  const send = (ids: string[]) =>
    handlers.events(httpEvent({ path: '/v1/events', token: loggerToken, body: { events: ids.map(event) } }));

  it('refuses a batch repeating an id with 400 naming both positions, and stores nothing', async () => {
    const first = await send(['e0', 'e1', 'e2', 'e1', 'e0']);
    const again = await send(['e0', 'e1', 'e2', 'e1', 'e0']);
    expect(first).toMatchObject({
      statusCode: 400,
      body: {
        error: {
          code: 'invalid_request',
          message: 'events[3].id repeats events[1].id; each event in a batch needs its own id',
        },
      },
    });
    expect(again).toEqual(first);
    expect(await listener.runtime.events.listEvents({ customer: 'geocust1', side: 'A' }, 10)).toEqual([]);
  });

  it('still answers an id repeated in a LATER batch as an idempotent duplicate', async () => {
    expect((await send(['e1'])).body).toMatchObject({ accepted: 1, duplicates: 0 });
    expect((await send(['e1', 'e2'])).body).toMatchObject({
      accepted: 1,
      duplicates: 1,
      results: [
        { id: 'e1', status: 'duplicate' },
        { id: 'e2', status: 'accepted' },
      ],
    });
  });
});
