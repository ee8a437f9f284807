/**
 * The heartbeat → deadline → alarm → recovery loop through the real handlers, on DynamoDB Local, with SNS
 * and EventBridge mocked at the client boundary.
 */
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { PublishCommand } from '@aws-sdk/client-sns';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { createHandler as createEvents } from '../../functions/events/handler.js';
import { createHandler as createHeartbeat } from '../../functions/heartbeat/handler.js';
import { createHandler as createSweeper } from '../../functions/sweeper/handler.js';
import { registerLogger } from '../../shared/listener/register.js';
import { httpEvent, lambdaContext, parsed } from '../support/http.js';
import { createTestListener, type TestListener } from '../support/listener.js';

const MINUTE = 60_000;
let listener: TestListener;
let heartbeat: ReturnType<typeof createHeartbeat>;
let events: ReturnType<typeof createEvents>;
let sweeper: ReturnType<typeof createSweeper>;

beforeEach(async () => {
  listener = await createTestListener(inject('dynamoEndpoint'));
  heartbeat = createHeartbeat(() => listener.runtime);
  events = createEvents(() => listener.runtime);
  sweeper = createSweeper(() => listener.runtime);
});
afterEach(() => listener.dispose());

async function register(
  customer = 'geocust1',
  side: 'A' | 'B' = 'A',
  transport: 'https' | 'modem' = 'https',
) {
  const { token } = await registerLogger(
    listener.runtime.loggers,
    { customer, side, eventTimeoutMs: 780 * MINUTE, transport },
    listener.clock.now,
  );
  return token;
}

const beat = async (token: string, body?: unknown) =>
  parsed(await heartbeat(httpEvent({ path: '/v1/heartbeat', token, body }), lambdaContext));
const sweep = () => sweeper({}, lambdaContext);
const advance = (ms: number) => {
  listener.clock.now += ms;
};

describe('heartbeat', () => {
  it('records a phone-home and moves the deadline to receivedAt + event timeout, on the Listener clock', async () => {
    const token = await register();
    advance(5 * MINUTE);
    const res = await beat(token, {
      sentAt: '1999-01-01T00:00:00Z',
      intervalMinutes: 720,
      agent: 'csfs/4.5',
    });
    expect(res.statusCode).toBe(200);
    expect(res.body).toEqual({
      logger: 'geocust1/A',
      state: 'UP',
      receivedAt: new Date(listener.clock.now).toISOString(),
      deadline: new Date(listener.clock.now + 780 * MINUTE).toISOString(),
    });
    const stored = await listener.runtime.loggers.get({ customer: 'geocust1', side: 'A' });
    expect(stored).toMatchObject({
      state: 'UP',
      lastSeenAt: listener.clock.now,
      reportedIntervalMs: 720 * MINUTE,
      agent: 'csfs/4.5',
    });
  });

  it('answers 401 alike for a wrong token of a real Logger and for a Logger that does not exist', async () => {
    const token = await register();
    const forged = `${token.slice(0, -4)}AAAA`;
    const ghost = token.replace('geocust1', 'nobody');
    const a = await beat(forged);
    const b = await beat(ghost);
    expect(a.statusCode).toBe(401);
    expect(b).toEqual(a);
    expect(JSON.stringify(a.body)).not.toContain(forged);
  });

  it('answers 503 with Retry-After when DynamoDB cannot be reached', async () => {
    const token = await register();
    const { createRuntimeFor } = await import('../support/unreachable.js');
    const offline = createHeartbeat(() => createRuntimeFor(listener.runtime));
    const res = parsed(await offline(httpEvent({ path: '/v1/heartbeat', token }), lambdaContext));
    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toBe('30');
    expect(res.body).toEqual({
      error: { code: 'unavailable', message: 'the Listener is temporarily unavailable; retry later' },
    });
  });
});

describe('sweeper', () => {
  it('raises one alarm when a Logger misses its deadline', async () => {
    const token = await register();
    await beat(token);
    advance(780 * MINUTE - 1);
    await sweep();
    expect(listener.published()).toHaveLength(0);
    advance(1);
    const report = await sweep();
    expect(report).toMatchObject({ raised: 1, failed: 0 });
    await sweep();
    advance(60 * MINUTE);
    await sweep();
    const pages = listener.published();
    expect(pages).toHaveLength(1);
    expect(pages[0]?.sms).toBe(
      'ALARM: Side A Logger of geocust1 has not phoned home to Listener GEOCSCLNRA within configured timeout value (780 min).',
    );
    expect(pages[0]?.attributes).toEqual({
      kind: 'LOGGER_SILENT',
      customer: 'geocust1',
      side: 'A',
      severity: 'error',
      'AWS.SNS.SMS.SMSType': 'Transactional',
    });
    expect(pages[0]?.email).toContain('Check RAS');
    const busCalls = listener.bus.commandCalls(PutEventsCommand);
    expect(busCalls).toHaveLength(1);
    expect(busCalls[0]?.args[0].input.Entries?.[0]).toMatchObject({
      Source: 'phone-home.listener',
      DetailType: 'Logger Silent',
      EventBusName: 'phone-home-test',
    });
  });

  it('alarms a registered Logger that never phones home at registeredAt + event timeout', async () => {
    await register('geocust2', 'B');
    advance(780 * MINUTE);
    await sweep();
    expect(listener.published().map((p) => p.kind)).toEqual(['LOGGER_SILENT']);
    expect(listener.published()[0]?.email).toContain('Last seen: never');
  });

  it('lets a heartbeat that lands before the sweep win', async () => {
    const token = await register();
    advance(780 * MINUTE);
    await beat(token);
    await sweep();
    expect(listener.published()).toHaveLength(0);
  });

  it('raises exactly one alarm when two sweepers run at once', async () => {
    for (const customer of ['c1', 'c2', 'c3', 'c4', 'c5']) await register(customer);
    advance(781 * MINUTE);
    const reports = await Promise.all([sweep(), sweep(), sweep()]);
    expect(reports.reduce((sum, r) => sum + r.raised, 0)).toBe(5);
    expect(listener.published()).toHaveLength(5);
    expect(new Set(listener.published().map((p) => p.attributes.customer)).size).toBe(5);
  });

  it('keeps a notification whose publish failed and publishes it on a later sweep, once', async () => {
    await register();
    listener.failNextPage();
    advance(780 * MINUTE);
    const first = await sweep();
    // The alarm is written, but it counts as raised only once its page is out: now it is a failed item.
    expect(first).toMatchObject({ raised: 0, failed: 1 });
    expect(listener.sns.commandCalls(PublishCommand)).toHaveLength(1);
    await sweep(); // before the retry delay: the claimed notice is left alone
    expect(listener.sns.commandCalls(PublishCommand)).toHaveLength(1);
    advance(listener.runtime.outboxRetryMs);
    const retry = await sweep();
    expect(retry.published).toBe(1);
    advance(listener.runtime.outboxRetryMs);
    await sweep();
    expect(listener.sns.commandCalls(PublishCommand)).toHaveLength(2);
    expect(listener.published().map((p) => p.kind)).toEqual(['LOGGER_SILENT', 'LOGGER_SILENT']);
    // EventBridge delivered at the first try and is never repeated by the SNS retry.
    expect(listener.bus.commandCalls(PutEventsCommand)).toHaveLength(1);
  });

  it('pages over SNS even while EventBridge is down, and retries EventBridge alone until it is sent', async () => {
    await register();
    listener.failNextPutEvents();
    advance(780 * MINUTE);
    expect(await sweep()).toMatchObject({ raised: 0, failed: 1 });
    expect(listener.published().map((p) => p.kind)).toEqual(['LOGGER_SILENT']);
    advance(listener.runtime.outboxRetryMs);
    expect(await sweep()).toMatchObject({ published: 1, failed: 0 });
    expect(listener.bus.commandCalls(PutEventsCommand)).toHaveLength(2);
    // The page went out once: the EventBridge retry did not repeat it.
    expect(listener.sns.commandCalls(PublishCommand)).toHaveLength(1);
    const [stored] = await listener.runtime.loggers.list();
    expect(stored?.outbox).toEqual([]);
  });

  it('reads only what is due: Loggers that phoned home cost the sweep nothing', async () => {
    const tokens: string[] = [];
    for (let i = 0; i < 30; i++) tokens.push(await register(`fleet${i}`));
    advance(779 * MINUTE);
    for (const token of tokens.slice(3)) await beat(token);
    advance(2 * MINUTE);
    const report = await sweep();
    expect(report).toMatchObject({ due: 3, raised: 3 });
    expect(
      listener
        .published()
        .map((p) => p.attributes.customer)
        .sort(),
    ).toEqual(['fleet0', 'fleet1', 'fleet2']);
  });
});

describe('recovery', () => {
  it('clears the alarm when a DOWN Logger phones home, saying how long it was silent', async () => {
    const token = await register();
    await beat(token);
    advance(780 * MINUTE);
    await sweep();
    advance(20 * MINUTE);
    const res = await beat(token);
    expect(res.body.state).toBe('UP');
    const pages = listener.published();
    expect(pages.map((p) => p.kind)).toEqual(['LOGGER_SILENT', 'LOGGER_RECOVERED']);
    expect(pages[1]?.sms).toBe(
      'CLEARED: Side A Logger of geocust1 phoned home to Listener GEOCSCLNRA again after 13h 20m of silence.',
    );
    // Recovered and watched again: silence after this raises a new alarm.
    advance(780 * MINUTE);
    await sweep();
    expect(listener.published().map((p) => p.kind)).toEqual([
      'LOGGER_SILENT',
      'LOGGER_RECOVERED',
      'LOGGER_SILENT',
    ]);
  });

  it('publishes a CLEARED that failed in the heartbeat on a later sweep', async () => {
    const token = await register();
    advance(780 * MINUTE);
    await sweep();
    listener.failNextPage();
    advance(MINUTE);
    expect((await beat(token)).statusCode).toBe(200);
    expect(listener.published().map((p) => p.kind)).toEqual(['LOGGER_SILENT', 'LOGGER_RECOVERED']);
    await beat(token); // a heartbeat while the notice is pending must not hide it
    advance(listener.runtime.outboxRetryMs);
    await sweep();
    expect(listener.published().map((p) => p.kind)).toEqual([
      'LOGGER_SILENT',
      'LOGGER_RECOVERED',
      'LOGGER_RECOVERED',
    ]);
    advance(listener.runtime.outboxRetryMs);
    await sweep();
    expect(listener.published()).toHaveLength(3);
  });
});

describe('events', () => {
  const event = (id: string, severity = 'critical') => ({
    id,
    occurredAt: '2026-11-24T11:59:00Z',
    severity,
    source: 'router',
    message: `Router ${id} failed`,
  });

  it('stores events once per id, pages error/critical ones, and says when a replayed batch changed nothing', async () => {
    const token = await register();
    const send = async () =>
      parsed(
        await events(
          httpEvent({ path: '/v1/events', token, body: { events: [event('e1'), event('e2', 'info')] } }),
          lambdaContext,
        ),
      );
    const first = await send();
    expect(first.statusCode).toBe(200);
    expect(first.body).toMatchObject({ accepted: 2, duplicates: 0 });
    const replay = await send();
    expect(replay.body).toMatchObject({
      accepted: 0,
      duplicates: 2,
      results: [
        { id: 'e1', status: 'duplicate' },
        { id: 'e2', status: 'duplicate' },
      ],
    });
    expect(listener.published().map((p) => p.attributes.severity)).toEqual(['critical']);
    const entries = listener.bus.commandCalls(PutEventsCommand).flatMap((c) => c.args[0].input.Entries ?? []);
    expect(entries.map((e) => e.DetailType)).toEqual(['Logger Event', 'Logger Event']);
    const kept = await listener.runtime.events.listEvents({ customer: 'geocust1', side: 'A' }, 10);
    expect(kept.map((e) => e.id).sort()).toEqual(['e1', 'e2']);
  });

  it('counts an event as phoning home', async () => {
    const token = await register();
    advance(700 * MINUTE);
    await events(
      httpEvent({ path: '/v1/events', token, body: { events: [event('e1', 'info')] } }),
      lambdaContext,
    );
    advance(100 * MINUTE);
    await sweep();
    expect(listener.published()).toHaveLength(0);
  });

  it('pages an event even while EventBridge is down, and the sweeper republishes it to EventBridge alone', async () => {
    const token = await register();
    listener.failNextPutEvents();
    const res = parsed(
      await events(httpEvent({ path: '/v1/events', token, body: { events: [event('e9')] } }), lambdaContext),
    );
    expect(res.statusCode).toBe(200);
    expect(listener.published().map((p) => p.kind)).toEqual(['LOGGER_EVENT']);
    advance(listener.runtime.outboxRetryMs);
    expect((await sweep()).published).toBe(1);
    expect(listener.bus.commandCalls(PutEventsCommand)).toHaveLength(2);
    advance(listener.runtime.outboxRetryMs);
    expect((await sweep()).due).toBe(0);
    expect(listener.published()).toHaveLength(1);
  });

  it('republishes an event no channel could send, on every channel, once', async () => {
    const token = await register();
    listener.failNextPutEvents();
    listener.failNextPage();
    await events(httpEvent({ path: '/v1/events', token, body: { events: [event('e10')] } }), lambdaContext);
    // (Calls are counted whether they failed or not: one failed try of each channel so far.)
    expect(listener.sns.commandCalls(PublishCommand)).toHaveLength(1);
    advance(listener.runtime.outboxRetryMs);
    expect((await sweep()).published).toBe(1);
    advance(listener.runtime.outboxRetryMs);
    expect((await sweep()).due).toBe(0);
    expect(listener.sns.commandCalls(PublishCommand)).toHaveLength(2);
    expect(listener.bus.commandCalls(PutEventsCommand)).toHaveLength(2);
  });

  it('rejects a bad batch with a 400 naming the field and stores nothing', async () => {
    const token = await register();
    const res = parsed(
      await events(
        httpEvent({
          path: '/v1/events',
          token,
          body: { events: [event('ok'), { ...event('bad'), severity: 'fatal' }] },
        }),
        lambdaContext,
      ),
    );
    expect(res.statusCode).toBe(400);
    expect(String((res.body.error as { message: string }).message)).toMatch(/^events\[1\]\.severity: /);
    expect(await listener.runtime.events.listEvents({ customer: 'geocust1', side: 'A' }, 10)).toEqual([]);
  });
});
