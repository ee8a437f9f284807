/**
 * A Logger's history (issue 24) against DynamoDB Local: each ping kept in a bounded ring with what its
 * request said (method, source, user agent, body), its cost in requests, and each outage kept once when
 * it ends — while a heartbeat stays one request. Times are on the test Listener's injected clock.
 */
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { PING_CHUNK, PING_HISTORY_SLOTS } from '../../../shared/domain/pings/history.js';
import { acknowledgeAlarm } from '../../../shared/listener/admin.js';
import { phoneHome } from '../../../shared/listener/phone-home.js';
import { type PingDeps, receivePing } from '../../../shared/listener/pings/ping.js';
import { PingRoutes } from '../../../shared/listener/pings/ping-routes.js';
import { sweep } from '../../../shared/listener/sweep/sweep.js';
import type { LoggerHistory } from '../../../shared/ports/logger-history.js';
import { createTestListener, type TestListener } from '../../support/listener.js';
import { type CountedDirectory, countedDirectory, registerPinged } from '../../support/ping-directory.js';

const MINUTE = 60_000;
const TIMEOUT = 10 * MINUTE;

let listener: TestListener;
let counted: CountedDirectory;
let history: LoggerHistory;
let pings: PingDeps;

beforeEach(async () => {
  listener = await createTestListener(inject('dynamoEndpoint'));
  const { history: kept } = listener.runtime;
  if (!kept) throw new Error('the test Listener keeps no history');
  history = kept;
  counted = countedDirectory(inject('dynamoEndpoint'), listener);
  pings = { directory: counted.directory, routes: new PingRoutes(), history };
});
afterEach(async () => {
  counted.destroy();
  await listener.dispose();
});

const register = (customer: string) =>
  registerPinged(listener.runtime.loggers, pings.directory, customer, TIMEOUT, listener.clock.now);
const requestsOf = (body: () => Promise<unknown>) => counted.requestsOf(body);

const CURL = { method: 'GET', sourceIp: '203.0.113.7', userAgent: 'curl/8.5.0' };

const ping = (path: string, facts: Parameters<typeof receivePing>[2]['facts'] = CURL) =>
  receivePing(listener.runtime, pings, { path, receivedAt: listener.clock.now, ...(facts ? { facts } : {}) });

describe("a Logger's ping history", () => {
  it('keeps each ping with what its request said, newest first, in the write that records it; a body in one more', async () => {
    const { uuid, logger } = await register('histcust1');
    await ping(`/ping/${uuid}/start`); // warms the cache
    listener.clock.now += MINUTE;
    // The success ending the run takes the state machine's path (2, pings.test.ts): it is kept there.
    expect(await requestsOf(() => ping(`/ping/${uuid}`))).toBe(2);
    listener.clock.now += MINUTE;
    expect(await requestsOf(() => ping(`/ping/${uuid}`))).toBe(1);
    listener.clock.now += MINUTE;
    expect(await requestsOf(() => ping(`/ping/${uuid}/log`))).toBe(1);
    listener.clock.now += MINUTE;
    const output = Buffer.concat([
      Buffer.from('backup done\n'),
      Buffer.from([0xff, 0xfe]),
      Buffer.alloc(12_000, 'x'),
    ]);
    const post = { method: 'POST', sourceIp: '198.51.100.2', userAgent: 'runitor/1.3.0', body: output };
    // A failure pages: it reads, writes DOWN (keeping the ping), records the page published (3, as
    // before), then its body: one write more.
    expect(await requestsOf(() => ping(`/ping/${uuid}/3`, post))).toBe(4);
    const { pings: kept } = await history.read(logger);
    expect(kept.map((p) => [p.seq, p.kind, p.exitStatus, p.durationMs])).toEqual([
      [5, 'fail', 3, undefined],
      [4, 'log', undefined, undefined],
      [3, 'success', 0, undefined],
      [2, 'success', 0, MINUTE], // the run it ended: its duration
      [1, 'start', undefined, undefined],
    ]);
    expect(kept[4]).toMatchObject({ method: 'GET', source: '203.0.113.7', userAgent: 'curl/8.5.0' });
    expect(kept[0]).toMatchObject({ method: 'POST', source: '198.51.100.2', userAgent: 'runitor/1.3.0' });
    expect(kept[0]?.bodyBytes).toBe(output.length);
    expect(Buffer.byteLength(kept[0]?.body ?? '')).toBeLessThanOrEqual(10_000 + 6); // two replaced bytes
    expect(kept[0]?.body?.startsWith('backup done\n\ufffd\ufffdxxx')).toBe(true);
    // The body is not in the Logger item (the due index projects it all): only its size.
    const stored = await listener.runtime.loggers.get(logger);
    expect(stored?.recentPings?.at(-1)).toEqual({
      at: listener.clock.now,
      kind: 'fail',
      exitStatus: 3,
      method: 'POST',
      source: '198.51.100.2',
      userAgent: 'runitor/1.3.0',
      bodyBytes: output.length,
    });
  });

  it(`costs ${1 + 2 / PING_CHUNK} requests a ping in steady state: one, and two more each ${PING_CHUNK} pings to move them out`, async () => {
    const { uuid, logger } = await register('histcust6');
    await ping(`/ping/${uuid}`); // warms the cache
    const pingsSent = 5 * PING_CHUNK;
    const requests = await requestsOf(async () => {
      for (let i = 0; i < pingsSent; i++) {
        listener.clock.now += 1_000;
        await ping(`/ping/${uuid}`);
      }
    });
    expect(requests / pingsSent).toBe(1 + 2 / PING_CHUNK);
    // The Logger item never gathers a chunk: what it holds moved out as soon as it was one.
    const stored = await listener.runtime.loggers.get(logger);
    expect(stored?.recentPings).toHaveLength(1);
    const { pings: kept } = await history.read(logger);
    expect(kept.map((p) => p.seq)).toEqual(
      Array.from({ length: PING_HISTORY_SLOTS }, (_, i) => pingsSent + 1 - i),
    );
  });

  it('holds at most the last 100 pings, whatever the number of pings, raced', async () => {
    const { uuid, logger } = await register('histcust2');
    // Log pings, ten at a time: each still takes its own number (an atomic ADD on the Logger), and a chunk
    // is moved out once whichever of them sees it first.
    for (let i = 0; i < 2 * PING_HISTORY_SLOTS + 7; i += 10) {
      listener.clock.now += 1_000;
      const batch = Math.min(10, 2 * PING_HISTORY_SLOTS + 7 - i);
      await Promise.all(Array.from({ length: batch }, () => ping(`/ping/${uuid}/log`)));
    }
    const { pings: kept } = await history.read(logger);
    expect(kept).toHaveLength(PING_HISTORY_SLOTS);
    expect(kept.map((p) => p.seq)).toEqual(
      Array.from({ length: PING_HISTORY_SLOTS }, (_, i) => 2 * PING_HISTORY_SLOTS + 7 - i),
    );
    expect((await listener.runtime.loggers.get(logger))?.recentPings?.length).toBeLessThan(PING_CHUNK);
  });

  it('moves a chunk out once when movers race or one stops between its two writes, and loses no ping', async () => {
    const { uuid, logger } = await register('histcust7');
    // Recorded without the history's move-out (a process that stopped after the ping's write): the Logger
    // item gathers a whole chunk and more.
    const unkept: PingDeps = { directory: pings.directory, routes: pings.routes };
    const log = (deps: PingDeps) => {
      listener.clock.now += 1_000;
      return receivePing(listener.runtime, deps, {
        path: `/ping/${uuid}/log`,
        receivedAt: listener.clock.now,
      });
    };
    for (let i = 0; i < PING_CHUNK + 3; i++) await log(unkept);
    const seen = await listener.runtime.loggers.get(logger);
    if (!seen) throw new Error('registered Logger not found');
    expect(seen.recentPings).toHaveLength(PING_CHUNK + 3);
    const numbers = Array.from({ length: PING_CHUNK + 3 }, (_, i) => PING_CHUNK + 3 - i);
    expect((await history.read(logger)).pings.map((p) => p.seq)).toEqual(numbers);
    // Three movers of the same view at once: one moves them out.
    await Promise.all([history.moveOut(seen), history.moveOut(seen), history.moveOut(seen)]);
    expect((await listener.runtime.loggers.get(logger))?.recentPings).toHaveLength(3);
    expect((await history.read(logger)).pings.map((p) => p.seq)).toEqual(numbers);
    // A late mover of that view, once the item holds a chunk again: the newer pings are not its to remove.
    for (let i = 0; i < PING_CHUNK; i++) await log(unkept);
    await history.moveOut(seen);
    expect((await listener.runtime.loggers.get(logger))?.recentPings).toHaveLength(PING_CHUNK + 3);
    const all = Array.from({ length: 2 * PING_CHUNK + 3 }, (_, i) => 2 * PING_CHUNK + 3 - i);
    expect((await history.read(logger)).pings.map((p) => p.seq)).toEqual(all);
    // The next ping's write numbers it after them all.
    await log(pings);
    expect((await history.read(logger)).pings[0]?.seq).toBe(2 * PING_CHUNK + 4);
    expect((await listener.runtime.loggers.get(logger))?.recentPings).toHaveLength(4);
  });

  it('numbers a ping that takes the state machine path (a recovery) after the ones before it', async () => {
    const { uuid, logger } = await register('histcust3');
    await ping(`/ping/${uuid}`);
    await ping(`/ping/${uuid}/fail`);
    await ping(`/ping/${uuid}/fail`); // already DOWN: only counted
    listener.clock.now += 5 * MINUTE;
    await ping(`/ping/${uuid}/0`);
    const { pings: kept } = await history.read(logger);
    expect(kept.map((p) => [p.seq, p.kind])).toEqual([
      [4, 'success'],
      [3, 'fail'],
      [2, 'fail'],
      [1, 'success'],
    ]);
  });
});

describe("a Logger's outage history", () => {
  it('keeps a reported failure once, when the success ends it', async () => {
    const { uuid, logger } = await register('histcust4');
    const failedAt = listener.clock.now;
    await ping(`/ping/${uuid}/3`);
    listener.clock.now += 5 * MINUTE;
    await ping(`/ping/${uuid}`);
    await ping(`/ping/${uuid}`);
    expect((await history.read(logger)).outages).toEqual([
      {
        start: failedAt,
        end: failedAt + 5 * MINUTE,
        lengthMs: 5 * MINUTE,
        cause: { kind: 'failure', exitStatus: 3 },
      },
    ]);
  });

  it('keeps a silence with who acknowledged it, and costs a returning heartbeat one more write only', async () => {
    const { token, logger } = await register('histcust5');
    await phoneHome(listener.runtime, token, listener.clock.now);
    listener.clock.now += TIMEOUT + MINUTE;
    const downAt = listener.clock.now;
    await sweep(listener.runtime, downAt, () => listener.clock.now);
    const stored = await listener.runtime.loggers.get(logger);
    expect(stored?.state).toBe('DOWN');
    await acknowledgeAlarm(
      { loggers: listener.runtime.loggers, actor: 'alice', via: 'cli', now: downAt },
      logger,
    );
    listener.clock.now += 7 * MINUTE;
    await phoneHome(listener.runtime, token, listener.clock.now);
    const { outages } = await history.read(logger);
    expect(outages).toHaveLength(1);
    expect(outages[0]).toMatchObject({
      end: downAt + 7 * MINUTE,
      cause: { kind: 'silence' },
      acknowledgedBy: 'alice',
    });
    // Back UP: a heartbeat is one request again, and writes no history.
    listener.clock.now += MINUTE;
    expect(await requestsOf(() => phoneHome(listener.runtime, token, listener.clock.now))).toBe(1);
  });
});
