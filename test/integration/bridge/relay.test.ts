/**
 * `POST /v1/relay`: records from a dial-in bridge, applied through the same domain code as HTTPS
 * heartbeats and events, on DynamoDB Local.
 */
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { createHandler as createRelay } from '../../../functions/relay/handler.js';
import { createHandler as createSweeper } from '../../../functions/sweeper/handler.js';
import { registerBridge, registerLogger } from '../../../shared/listener/register.js';
import { httpEvent, lambdaContext, parsed } from '../../support/http.js';
import { createTestListener, type TestListener } from '../../support/listener.js';

const MINUTE = 60_000;
let listener: TestListener;
let relay: ReturnType<typeof createRelay>;
let bridgeToken: string;

beforeEach(async () => {
  listener = await createTestListener(inject('dynamoEndpoint'));
  relay = createRelay(() => listener.runtime);
  const { loggers } = listener.runtime;
  bridgeToken = (
    await registerBridge(
      listener.runtime,
      { site: 'acme-dc1', eventTimeoutMs: 30 * MINUTE },
      listener.clock.now,
    )
  ).relayToken;
  await registerLogger(
    loggers,
    { customer: 'geocust1', side: 'A', eventTimeoutMs: 780 * MINUTE, transport: 'modem' },
    listener.clock.now,
  );
  await registerLogger(
    loggers,
    { customer: 'geocust1', side: 'B', eventTimeoutMs: 780 * MINUTE, transport: 'https' },
    listener.clock.now,
  );
});
afterEach(() => listener.dispose());

const heartbeatRecord = (id: string, side = 'A') => ({
  id,
  type: 'heartbeat',
  customer: 'geocust1',
  side,
  at: '2026-11-24T11:00:00Z',
});
const send = async (records: unknown[], token = bridgeToken) =>
  parsed(
    await relay(
      httpEvent({ path: '/v1/relay', token, body: { bridge: 'acme-dc1', records } }),
      lambdaContext,
    ),
  );

describe('relay', () => {
  it('applies a relayed heartbeat like an HTTPS one and answers accepted, then duplicate on a resend', async () => {
    listener.clock.now += 10 * MINUTE;
    const first = await send([heartbeatRecord('r1')]);
    expect(first).toMatchObject({ statusCode: 200, body: { results: [{ id: 'r1', status: 'accepted' }] } });
    const logger = await listener.runtime.loggers.get({ customer: 'geocust1', side: 'A' });
    expect(logger).toMatchObject({
      state: 'UP',
      lastSeenAt: listener.clock.now,
      deadline: listener.clock.now + 780 * MINUTE,
    });
    expect((await send([heartbeatRecord('r1')])).body).toEqual({
      results: [{ id: 'r1', status: 'duplicate' }],
    });
  });

  it('rejects, with a reason, records for an unknown Logger, a Logger of another transport, or a bad record — and keeps the rest', async () => {
    const res = await send([
      { ...heartbeatRecord('r1'), customer: 'nobody' },
      heartbeatRecord('r2', 'B'),
      { ...heartbeatRecord('r3'), at: 'yesterday' },
      {
        id: 'r4',
        type: 'event',
        customer: 'geocust1',
        side: 'A',
        at: '2026-11-24T11:00:00Z',
        severity: 'critical',
        message: 'Router A failed',
      },
    ]);
    expect(res.statusCode).toBe(200);
    const results = res.body.results as { id: string; status: string; reason?: string }[];
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected', 'accepted']);
    expect(results[0]?.reason).toContain('unknown Logger nobody/A');
    expect(results[1]?.reason).toBe('Logger geocust1/B is registered with transport https, not modem');
    expect(results[2]?.reason).toMatch(/^at: /);
    expect(listener.published()).toEqual([expect.objectContaining({ kind: 'LOGGER_EVENT' })]);
  });

  it('alarms a silent modem Logger with transport modem and clears it on its next relayed call', async () => {
    await send([heartbeatRecord('r1')]);
    listener.clock.now += 780 * MINUTE;
    await createSweeper(() => listener.runtime)({}, lambdaContext);
    listener.clock.now += 5 * MINUTE;
    await send([heartbeatRecord('r2')]);
    const pages = listener
      .published()
      .filter((p) => p.attributes.customer === 'geocust1' && p.attributes.side === 'A');
    // Side B (never heard) goes DOWN in the same sweep; whichever side the sweep reaches second also
    // carries the customer's one CUSTOMER_BLIND page, so that page is not this test's concern.
    expect(pages.map((p) => p.kind).filter((k) => k !== 'CUSTOMER_BLIND')).toEqual([
      'LOGGER_SILENT',
      'LOGGER_RECOVERED',
    ]);
    // The bridge's own Logger, silent too in this test, alarms like any other.
    expect(listener.published().filter((p) => p.attributes.customer === 'bridge-acme-dc1')).toHaveLength(1);
    expect(pages[0]?.email).toContain('Transport: modem');
  });

  it('counts one relayed batch as one phone-home per Logger, and a resent batch as none', async () => {
    const modem = { customer: 'geocust1', side: 'A' } as const;
    listener.clock.now += 10 * MINUTE;
    const batch = ['s1', 's2', 's3', 's4', 's5'].map((id) => heartbeatRecord(id));
    const first = await send(batch);
    expect((first.body.results as { status: string }[]).map((r) => r.status)).toEqual(
      Array(5).fill('accepted'),
    );
    expect((await listener.runtime.loggers.get(modem))?.arrivals).toEqual([listener.clock.now]);
    listener.clock.now += MINUTE;
    const again = await send(batch);
    expect((again.body.results as { status: string }[]).map((r) => r.status)).toEqual(
      Array(5).fill('duplicate'),
    );
    expect((await listener.runtime.loggers.get(modem))?.arrivals).toHaveLength(1);
  });

  it('applies a spooled record when the bridge received it, never earlier than the timeout allows', async () => {
    const modem = { customer: 'geocust1', side: 'A' } as const;
    listener.clock.now += 800 * MINUTE;
    const now = listener.clock.now;
    const at = (ms: number) => new Date(ms).toISOString();
    await send([{ ...heartbeatRecord('old'), receivedAt: at(now - 2 * 780 * MINUTE) }]);
    // Received before the timeout's reach: applied at now − timeout, so its deadline is not already past.
    expect(await listener.runtime.loggers.get(modem)).toMatchObject({
      lastSeenAt: now - 780 * MINUTE,
      deadline: now,
    });
    await send([{ ...heartbeatRecord('recent'), receivedAt: at(now - 10 * MINUTE) }]);
    expect(await listener.runtime.loggers.get(modem)).toMatchObject({ lastSeenAt: now - 10 * MINUTE });
    // A record received before the last phone-home joins the history but does not move the deadline back.
    await send([{ ...heartbeatRecord('older'), receivedAt: at(now - 20 * MINUTE) }]);
    expect(await listener.runtime.loggers.get(modem)).toMatchObject({
      lastSeenAt: now - 10 * MINUTE,
      deadline: now - 10 * MINUTE + 780 * MINUTE,
    });
    // A bridge clock ahead of the Listener's is capped at the Listener's now.
    await send([{ ...heartbeatRecord('ahead'), receivedAt: at(now + 60 * MINUTE) }]);
    expect(await listener.runtime.loggers.get(modem)).toMatchObject({ lastSeenAt: now });
  });

  it('states in the all-clear when the Logger really came back, for a record spooled through an outage', async () => {
    await send([heartbeatRecord('before')]);
    listener.clock.now += 781 * MINUTE;
    await createSweeper(() => listener.runtime)({}, lambdaContext);
    const cameBack = listener.clock.now + 2 * MINUTE;
    listener.clock.now += 30 * MINUTE; // the bridge could not reach the Listener meanwhile
    await send([{ ...heartbeatRecord('spooled'), receivedAt: new Date(cameBack).toISOString() }]);
    const cleared = listener.published().find((p) => p.kind === 'LOGGER_RECOVERED');
    expect(cleared?.email).toContain(new Date(cameBack).toISOString().slice(11, 16));
    const logger = await listener.runtime.loggers.get({ customer: 'geocust1', side: 'A' });
    expect(logger).toMatchObject({ state: 'UP', lastSeenAt: cameBack });
  });

  it('answers 401 to an unknown bridge token, and to a Logger token', async () => {
    const forged = `${bridgeToken.slice(0, -4)}AAAA`;
    expect((await send([heartbeatRecord('r1')], forged)).statusCode).toBe(401);
    const { token } = await registerLogger(
      listener.runtime.loggers,
      { customer: 'geocust9', side: 'A', eventTimeoutMs: 780 * MINUTE, transport: 'https' },
      listener.clock.now,
    );
    expect((await send([heartbeatRecord('r1')], token)).statusCode).toBe(401);
  });

  it('refuses an empty or oversized batch as a whole with a 4xx naming the problem', async () => {
    const empty = await send([]);
    expect(empty).toMatchObject({
      statusCode: 400,
      body: { error: { message: 'records: must hold at least one record' } },
    });
    const many = await send(Array.from({ length: 101 }, (_, i) => heartbeatRecord(`r${i}`)));
    expect(many.statusCode).toBe(400);
  });
});
