/**
 * Operators' features on DynamoDB Local through the real handlers, with SNS/EventBridge mocked and a
 * hand-set clock: arrival history without an extra request, the sweeper's own record, the duplex pair
 * (one critical "customer blind" page), maintenance windows and reminders.
 */
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { createHandler as createHeartbeat } from '../../functions/heartbeat/handler.js';
import { createHandler as createSweeper } from '../../functions/sweeper/handler.js';
import type { LoggerId } from '../../shared/domain/logger.js';
import { hashToken } from '../../shared/domain/token.js';
import { acknowledge, addMaintenance } from '../../shared/domain/transitions.js';
import { removeLogger, rotateToken } from '../../shared/listener/admin.js';
import { registerLogger } from '../../shared/listener/register.js';
import { httpEvent, lambdaContext, parsed } from '../support/http.js';
import { countRequests, createTestListener, type TestListener } from '../support/listener.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const TIMEOUT = 780 * MINUTE;
const A: LoggerId = { customer: 'geocust1', side: 'A' };
const B: LoggerId = { customer: 'geocust1', side: 'B' };

let listener: TestListener;
afterEach(() => listener.dispose());

async function setUp(env: Record<string, string> = {}) {
  listener = await createTestListener(inject('dynamoEndpoint'), undefined, env);
  const heartbeat = createHeartbeat(() => listener.runtime);
  const sweeper = createSweeper(() => listener.runtime);
  return {
    register: async (id: LoggerId) =>
      (
        await registerLogger(
          listener.runtime.loggers,
          { ...id, eventTimeoutMs: TIMEOUT, transport: 'https' },
          listener.clock.now,
        )
      ).token,
    beat: async (token: string) =>
      parsed(await heartbeat(httpEvent({ path: '/v1/heartbeat', token }), lambdaContext)).statusCode,
    sweep: () => sweeper({}, lambdaContext),
    advance: (ms: number) => {
      listener.clock.now += ms;
    },
    kinds: () => listener.published().map((p) => p.kind),
  };
}

describe('arrival history', () => {
  it('keeps the last 20 arrivals while a steady heartbeat stays one request in almost every case', async () => {
    const { register, beat, advance } = await setUp();
    const token = await register(A);
    const requests = countRequests(listener);
    for (let i = 0; i < 60; i++) {
      advance(720 * MINUTE);
      expect(await beat(token)).toBe(200);
    }
    // 60 heartbeats: the history is trimmed on the state machine's path about once every 20 heartbeats
    // (two more requests each time); every other heartbeat is the single conditional UpdateItem.
    expect(requests.count()).toBeGreaterThanOrEqual(61);
    expect(requests.count()).toBeLessThanOrEqual(60 + 2 * 3);
    const stored = await listener.runtime.loggers.get(A);
    expect(stored?.arrivals?.length).toBeLessThanOrEqual(40);
    expect(stored?.arrivals?.at(-1)).toBe(listener.clock.now);
  });
});

describe('the sweeper', () => {
  it('records its last run and report, one write per sweep', async () => {
    const { sweep, advance } = await setUp();
    expect(await listener.runtime.records.getSweeperStatus()).toBeUndefined();
    advance(MINUTE);
    await sweep();
    expect(await listener.runtime.records.getSweeperStatus()).toMatchObject({
      lastRunAt: listener.clock.now,
      report: { due: 0, raised: 0, failed: 0 },
    });
  });

  it("records a pair side's runs as its own, so the twin's sweeps never vouch for a stopped sweeper", async () => {
    const { sweep, advance } = await setUp({ TWIN_LISTENER_NAME: 'GEOCSCLNRB' });
    advance(MINUTE);
    await sweep();
    const own = listener.runtime.listenerName;
    expect(await listener.runtime.records.getSweeperStatus(own)).toMatchObject({
      lastRunAt: listener.clock.now,
    });
    expect(await listener.runtime.records.getSweeperStatus('GEOCSCLNRB')).toBeUndefined();
    expect(await listener.runtime.records.getSweeperStatus()).toBeUndefined();
  });
});

describe('the duplex pair', () => {
  it('raises the critical CUSTOMER_BLIND page once, when the second side goes down, not on later sweeps', async () => {
    const { register, beat, sweep, advance, kinds } = await setUp();
    const a = await register(A);
    const b = await register(B);
    await beat(a);
    advance(60 * MINUTE);
    await beat(b);
    advance(TIMEOUT - 60 * MINUTE);
    await sweep(); // A is DOWN; B still phones home (as far as the Listener knows)
    expect(kinds()).toEqual(['LOGGER_SILENT']);
    expect(listener.published()[0]?.email).toContain('Side B phones home normally');
    advance(60 * MINUTE);
    await sweep(); // B is DOWN too: the customer is blind
    advance(5 * MINUTE);
    await sweep();
    advance(10 * HOUR);
    await sweep();
    expect(kinds()).toEqual(['LOGGER_SILENT', 'LOGGER_SILENT', 'CUSTOMER_BLIND']);
    const blind = listener.published()[2];
    expect(blind?.attributes).toMatchObject({ kind: 'CUSTOMER_BLIND', severity: 'critical', side: 'B' });
    expect(blind?.sms).toContain('Customer geocust1 is blind');
    const detailTypes = listener.bus
      .commandCalls(PutEventsCommand)
      .flatMap((c) => c.args[0].input.Entries ?? [])
      .map((e) => e.DetailType);
    expect(detailTypes.filter((t) => t === 'Customer Blind')).toHaveLength(1);
  });

  it('calls the customer blind exactly once when both sides go DOWN in concurrent sweeps', async () => {
    const { register, sweep, advance, kinds } = await setUp();
    await register(A);
    await register(B);
    advance(TIMEOUT);
    await Promise.all([sweep(), sweep(), sweep()]);
    await sweep();
    expect(kinds().sort()).toEqual(['CUSTOMER_BLIND', 'LOGGER_SILENT', 'LOGGER_SILENT']);
  });
});

describe('maintenance windows', () => {
  async function withWindow(from: number, to: number) {
    const t = await setUp();
    const token = await t.register(A);
    await t.beat(token);
    const stored = await listener.runtime.loggers.get(A);
    if (!stored) throw new Error('fixture');
    const windowed = addMaintenance(
      stored,
      { id: 'mw-1', from, to, reason: 'line work' },
      listener.clock.now,
    );
    expect(await listener.runtime.loggers.writeTransition(stored, windowed)).toBe(true);
    return { ...t, token };
  }

  it('suppress the page at a deadline inside the window, and page at its end if still silent', async () => {
    const start = Date.UTC(2026, 10, 24, 12);
    const { sweep, advance, kinds } = await withWindow(start + TIMEOUT - HOUR, start + TIMEOUT + 2 * HOUR);
    advance(TIMEOUT);
    await sweep();
    advance(HOUR);
    await sweep();
    expect(kinds()).toEqual([]);
    expect((await listener.runtime.loggers.get(A))?.state).toBe('UP');
    advance(HOUR);
    await sweep();
    expect(kinds()).toEqual(['LOGGER_SILENT']);
  });

  it('page nothing when the Logger phoned home during the window', async () => {
    const start = Date.UTC(2026, 10, 24, 12);
    const { sweep, advance, beat, token, kinds } = await withWindow(
      start + TIMEOUT - HOUR,
      start + TIMEOUT + 2 * HOUR,
    );
    advance(TIMEOUT);
    await sweep();
    advance(HOUR);
    expect(await beat(token)).toBe(200);
    advance(HOUR);
    await sweep();
    advance(5 * HOUR);
    await sweep();
    expect(kinds()).toEqual([]);
  });
});

describe('reminders', () => {
  it('remind while DOWN and unacknowledged, and stop once someone owns the alarm', async () => {
    const { register, sweep, advance, kinds } = await setUp({ RENOTIFY_EVERY: '4h' });
    await register(A);
    advance(TIMEOUT);
    await sweep();
    advance(4 * HOUR);
    await sweep();
    expect(kinds()).toEqual(['LOGGER_SILENT', 'LOGGER_SILENT']);
    expect(listener.published()[1]?.sms).toMatch(/^REMINDER: .* still has not phoned home/);
    const down = await listener.runtime.loggers.get(A);
    const acked = down && acknowledge(down, { by: 'alice', at: listener.clock.now });
    expect(down && acked && (await listener.runtime.loggers.writeTransition(down, acked))).toBe(true);
    advance(8 * HOUR);
    await sweep();
    expect(kinds()).toHaveLength(2);
  });

  it('are off by default', async () => {
    const { register, sweep, advance, kinds } = await setUp();
    await register(A);
    advance(TIMEOUT);
    await sweep();
    advance(24 * HOUR);
    await sweep();
    expect(kinds()).toEqual(['LOGGER_SILENT']);
  });
});

describe('admin writes', () => {
  it('rotate a token so that only the new one works, and refuse a rotation that lost the race', async () => {
    const { register, beat } = await setUp();
    const old = await register(A);
    const token = await rotateToken(listener.runtime.loggers, A);
    expect(await beat(old)).toBe(401);
    expect(await beat(token)).toBe(200);
    // A second rotation that read the old hash: its conditional write must fail.
    expect(await listener.runtime.loggers.replaceToken(A, hashToken(old), hashToken('phl.x'))).toBe(false);
    expect(await beat(token)).toBe(200);
  });

  it('remove a Logger with its events, leaving nothing in the due index', async () => {
    const { register, advance } = await setUp();
    await register(A);
    await listener.runtime.events.putEvents(
      A,
      [{ id: 'e1', occurredAt: '2026-11-24T12:00:00Z', severity: 'error', message: 'x', receivedAt: 1 }],
      { expiresAt: listener.clock.now + HOUR, publishRetryAt: listener.clock.now },
    );
    expect(await removeLogger(listener.runtime.loggers, A)).toBe(2);
    advance(2 * TIMEOUT);
    const due = [];
    for await (const item of listener.runtime.watchlist.findDue(listener.clock.now)) due.push(item);
    expect(due).toEqual([]);
    expect(await listener.runtime.events.listEvents(A, 10)).toEqual([]);
    await expect(removeLogger(listener.runtime.loggers, A)).rejects.toThrow('geocust1/A is not registered');
  });
});
