/**
 * Ping URLs (issue 24) against DynamoDB Local: what a ping costs in requests, a rotated URL refused at
 * once, and the one promise under races — a failure, sweeps and a success racing give exactly one page and
 * one all-clear. Times are on the test Listener's injected clock.
 */
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import type { Notification, StateNotification } from '../../../shared/domain/notices/notification.js';
import { headline } from '../../../shared/domain/notices/notification.js';
import type { ListenerDeps } from '../../../shared/listener/deps.js';
import { type PingDeps, receivePing } from '../../../shared/listener/pings/ping.js';
import { PingRoutes } from '../../../shared/listener/pings/ping-routes.js';
import { issuePingUrl, removeLoggerAndPingUrl } from '../../../shared/listener/pings/ping-url.js';
import { registerLogger } from '../../../shared/listener/register.js';
import { sweep } from '../../../shared/listener/sweep/sweep.js';
import type { NotificationChannel } from '../../../shared/ports/channels.js';
import { createTestListener, type TestListener } from '../../support/listener.js';
import { type CountedDirectory, countedDirectory, registerPinged } from '../../support/ping-directory.js';
import { seeded } from '../../support/seeded.js';

const MINUTE = 60_000;
const TIMEOUT = 10 * MINUTE;

let listener: TestListener;
let counted: CountedDirectory;
let pings: PingDeps;

beforeEach(async () => {
  listener = await createTestListener(inject('dynamoEndpoint'));
  counted = countedDirectory(inject('dynamoEndpoint'), listener);
  pings = { directory: counted.directory, routes: new PingRoutes() };
});
afterEach(async () => {
  counted.destroy();
  await listener.dispose();
});

const register = (customer: string, deps: ListenerDeps = listener.runtime) =>
  registerPinged(deps.loggers, pings.directory, customer, TIMEOUT, listener.clock.now);
/** DynamoDB requests `body` sends, the store's and the directory's together. */
const requestsOf = (body: () => Promise<unknown>) => counted.requestsOf(body);

const ping = (path: string, deps: ListenerDeps = listener.runtime, rid?: string) =>
  receivePing(deps, pings, {
    path,
    receivedAt: listener.clock.now,
    ...(rid === undefined ? {} : { rid }),
  });

describe('a ping URL', () => {
  it('records a success by the one conditional write a heartbeat makes, once its Logger is in the cache', async () => {
    const { uuid, logger } = await register('pingcust1');
    // Cold: the directory entry, then the write.
    expect(await requestsOf(() => ping(`/ping/${uuid}`))).toBe(2);
    let total = 0;
    for (let i = 0; i < 20; i++) {
      listener.clock.now += MINUTE;
      total += await requestsOf(() => ping(i % 2 ? `/ping/${uuid}/0` : `/ping/${uuid}`));
    }
    // Steady state: 1 request a ping (1.05 once the arrival history is trimmed, as for heartbeats).
    expect(total / 20).toBeLessThanOrEqual(1.1);
    const stored = await listener.runtime.loggers.get(logger);
    expect(stored).toMatchObject({ state: 'UP', lastSeenAt: listener.clock.now });
    expect(stored?.deadline).toBe(listener.clock.now + TIMEOUT);
  });

  it('answers 404 for an unknown uuid, and 400 for an exit status over 255 or a bad rid only on a known one', async () => {
    const { uuid } = await register('pingcust2');
    const unknown = '3f0c4c1e-1b59-4e0a-9d6a-2f1f1f1f1f1f';
    expect(await ping(`/ping/${unknown}`)).toEqual({ status: 404, body: 'not found' });
    expect(await ping(`/ping/${unknown}/256`)).toEqual({ status: 404, body: 'not found' });
    expect(await ping(`/ping/${uuid}/256`)).toEqual({ status: 400, body: 'invalid url format' });
    expect(await ping(`/ping/${uuid}`, listener.runtime, 'not-a-uuid')).toEqual({
      status: 400,
      body: 'invalid uuid format',
    });
    expect(await ping(`/ping/${uuid}`, listener.runtime, unknown.toUpperCase())).toEqual({
      status: 200,
      body: 'OK',
    });
  });

  it('is refused at once when rotated, even from a warm cache; the new one works', async () => {
    const { uuid, logger } = await register('pingcust3');
    expect((await ping(`/ping/${uuid}`)).status).toBe(200); // now cached
    const fresh = await issuePingUrl(pings.directory, logger);
    const refused = await requestsOf(async () => {
      expect(await ping(`/ping/${uuid}`)).toEqual({ status: 404, body: 'not found' });
    });
    // The write refused by the Logger's hash, then the directory: no entry left for the old URL.
    expect(refused).toBe(2);
    expect(await ping(`/ping/${fresh}`)).toEqual({ status: 200, body: 'OK' });
    expect(await ping(`/ping/${uuid}/fail`)).toEqual({ status: 404, body: 'not found' });
    expect(await ping(`/ping/${uuid}/start`)).toEqual({ status: 404, body: 'not found' });
  });

  it('dies with its Logger', async () => {
    const { uuid, logger } = await register('pingcust4');
    expect((await ping(`/ping/${uuid}`)).status).toBe(200);
    await removeLoggerAndPingUrl(listener.runtime.loggers, pings.directory, logger);
    expect(await ping(`/ping/${uuid}`)).toEqual({ status: 404, body: 'not found' });
    expect(await pings.directory.find('no-such-hash')).toBeUndefined();
  });

  it('records /start until a success closes it, and /log without changing anything else', async () => {
    const { uuid, logger } = await register('pingcust5');
    expect(await requestsOf(() => ping(`/ping/${uuid}/start`))).toBe(2);
    expect((await pings.directory.read(logger))?.logger.runs).toEqual([{ at: listener.clock.now }]);
    listener.clock.now += MINUTE;
    expect(await requestsOf(() => ping(`/ping/${uuid}/log`))).toBe(1);
    const logged = (await pings.directory.read(logger))?.logger;
    expect(logged).toMatchObject({ state: 'NEW', lastLogAt: listener.clock.now });
    expect(logged?.lastSeenAt).toBeUndefined();
    await ping(`/ping/${uuid}`);
    expect((await pings.directory.read(logger))?.logger.runs).toBeUndefined();
  });
});

describe('a run: a start, then its end', () => {
  /** Grace: timeout − interval. */
  const GRACE = 3 * MINUTE;
  const registerJob = async (customer: string, deps: ListenerDeps = listener.runtime) => {
    const registration = await registerLogger(
      deps.loggers,
      {
        customer,
        side: 'A',
        eventTimeoutMs: TIMEOUT,
        heartbeatIntervalMs: TIMEOUT - GRACE,
        transport: 'https',
      },
      listener.clock.now,
      pings.directory,
    );
    return { ...registration, uuid: registration.pingUuid ?? '' };
  };
  const RID = '6f1c1e2a-8a3b-4c5d-9e0f-1a2b3c4d5e6f';

  it('costs one write a start in steady state, and two for the success that records its duration', async () => {
    const { uuid, logger } = await registerJob('pingrun1');
    // Cold: the directory, then one write that makes the Logger due at once (its settings are not known yet).
    expect(await requestsOf(() => ping(`/ping/${uuid}/start`, listener.runtime, RID))).toBe(2);
    expect((await listener.runtime.loggers.get(logger))?.dueAt).toBe(listener.clock.now);
    listener.clock.now += MINUTE;
    // The success (with the start's rid): the one-request path hands the Logger back, the state machine writes.
    expect(await requestsOf(() => ping(`/ping/${uuid}`, listener.runtime, RID))).toBe(2);
    let stored = await listener.runtime.loggers.get(logger);
    expect(stored?.lastRun).toMatchObject({ durationMs: MINUTE, outcome: 'success', rid: RID });
    expect(stored?.dueAt).toBe(listener.clock.now + TIMEOUT);
    for (let i = 0; i < 3; i++) {
      listener.clock.now += MINUTE;
      const at = listener.clock.now;
      expect(await requestsOf(() => ping(`/ping/${uuid}/start`, listener.runtime, RID))).toBe(1);
      stored = await listener.runtime.loggers.get(logger);
      expect(stored).toMatchObject({ runs: [{ at, rid: RID }], dueAt: at + GRACE });
      listener.clock.now += 30_000;
      expect(await requestsOf(() => ping(`/ping/${uuid}/0`, listener.runtime, RID))).toBe(2);
    }
    expect(await listener.runtime.loggers.get(logger)).toMatchObject({
      state: 'UP',
      lastRun: { durationMs: 30_000 },
      dueAt: listener.clock.now + TIMEOUT,
    });
  });

  it('pages "did not finish" once at the grace end (the cold start re-indexed by a sweep), then one all-clear', async () => {
    const { uuid, logger } = await registerJob('pingrun2');
    await ping(`/ping/${uuid}/start`);
    const startedAt = listener.clock.now;
    listener.clock.now += MINUTE;
    await sweep(listener.runtime, listener.clock.now, () => listener.clock.now);
    expect((await listener.runtime.loggers.get(logger))?.dueAt).toBe(startedAt + GRACE);
    expect(listener.published()).toEqual([]);
    listener.clock.now = startedAt + GRACE;
    await sweep(listener.runtime, listener.clock.now, () => listener.clock.now);
    listener.clock.now += MINUTE;
    await sweep(listener.runtime, listener.clock.now, () => listener.clock.now);
    await ping(`/ping/${uuid}`);
    const pages = listener.published();
    expect(pages.map((p) => p.kind)).toEqual(['LOGGER_SILENT', 'LOGGER_RECOVERED']);
    expect(pages[0]?.sms).toContain('did not finish');
    expect(await listener.runtime.loggers.get(logger)).toMatchObject({ state: 'UP', outbox: [] });
  });

  it("raced — the start's grace end, sweeps, a failure and a late success — gives one page and one all-clear per outage on every channel", async () => {
    const random = seeded(Number(process.env.RACE_SEED ?? 24));
    const channels = [new RecordingChannel('one'), new RecordingChannel('two')];
    const deps: ListenerDeps = { ...listener.runtime, channels, outboxRetryMs: 5_000 };
    const jobs = await Promise.all(Array.from({ length: 6 }, (_, i) => registerJob(`pingrunrace${i}`, deps)));
    for (let round = 0; round < 3; round++) {
      listener.clock.now += MINUTE;
      const rids = jobs.map(() => crypto.randomUUID());
      await Promise.all(jobs.map(({ uuid }, i) => ping(`/ping/${uuid}/start`, deps, rids[i])));
      // At the grace end (or a millisecond either side) the sweeps race the late success, and some failures.
      listener.clock.now += GRACE - 1 + Math.floor(random() * 3);
      const at = listener.clock.now;
      // A sweep takes several requests before its write, so a success sent with it usually wins: half the
      // successes are sent as the sweeps' writes land instead (the run did not finish in time).
      const late: (() => Promise<unknown>)[] = [];
      const racers: (() => Promise<unknown>)[] = jobs.flatMap(({ uuid }, i) => {
        const success = () => ping(`/ping/${uuid}`, deps, rids[i]);
        if (random() < 0.5) late.push(success);
        return [
          ...(late.at(-1) === success ? [] : [success]),
          ...(random() < 0.3 ? [() => ping(`/ping/${uuid}/fail`, deps, rids[i])] : []),
        ];
      });
      racers.push(() => sweep(deps, at, () => at));
      const raced = racers.sort(() => random() - 0.5).map((go) => go());
      const sweepThenLate = sweep(deps, at, () => at).then(() => Promise.all(late.map((go) => go())));
      await Promise.all([...raced, sweepThenLate]);
      listener.clock.now += MINUTE;
      await Promise.all(jobs.map(({ uuid }) => ping(`/ping/${uuid}`, deps)));
      listener.clock.now += 10_000;
      await sweep(deps, listener.clock.now, () => listener.clock.now);
    }
    for (const channel of channels) {
      for (const { logger } of jobs) {
        const kinds = channel.delivered
          .filter((n) => n.logger.customer === logger.customer)
          .map((n) => (n.kind === 'LOGGER_SILENT' ? 'page' : 'all-clear'));
        expect(kinds.length % 2, `${channel.name} ${logger.customer}`).toBe(0);
        expect(kinds, `${channel.name} ${logger.customer}`).toEqual(
          kinds.map((_, i) => (i % 2 ? 'all-clear' : 'page')),
        );
        expect(await listener.runtime.loggers.get(logger)).toMatchObject({ state: 'UP', outbox: [] });
      }
      const ids = channel.delivered.map((n) => n.id);
      expect(new Set(ids).size).toBe(ids.length);
    }
    // The race is real: some runs paged as unfinished, some were paired with their success.
    expect(channels[0]?.delivered.some((n) => n.notice.didNotFinish)).toBe(true);
  });
});

describe('a failure reported through a ping URL', () => {
  it('pages at once saying so, and the next success sends the all-clear', async () => {
    const { uuid, logger } = await register('pingfail1');
    await ping(`/ping/${uuid}`);
    listener.clock.now += MINUTE;
    expect(await ping(`/ping/${uuid}/3`)).toEqual({ status: 200, body: 'OK' });
    expect(await listener.runtime.loggers.get(logger)).toMatchObject({
      state: 'DOWN',
      failure: { at: listener.clock.now, exitStatus: 3 },
    });
    // A second failure while DOWN pages nothing more.
    await ping(`/ping/${uuid}/fail`);
    listener.clock.now += 5 * MINUTE;
    await ping(`/ping/${uuid}/0`);
    const pages = listener.published();
    expect(pages.map((p) => p.kind)).toEqual(['LOGGER_SILENT', 'LOGGER_RECOVERED']);
    expect(pages[0]?.sms).toContain('reported a failure to Listener GEOCSCLNRA (exit status 3)');
    expect(pages[1]?.sms).toContain('reported success to Listener GEOCSCLNRA again, 5m after its failure');
    expect(await listener.runtime.loggers.get(logger)).toMatchObject({ state: 'UP' });
  });

  it('raced by sweeps and a success, gives exactly one page and one all-clear, in that order', async () => {
    const random = seeded(Number(process.env.RACE_SEED ?? 24));
    const channel = new RecordingChannel();
    const deps: ListenerDeps = { ...listener.runtime, channels: [channel], outboxRetryMs: 5_000 };
    const loggers = await Promise.all(Array.from({ length: 12 }, (_, i) => register(`pingrace${i}`, deps)));
    for (let round = 0; round < 4; round++) {
      // Half the Loggers are silent past their deadline too, so the sweeps race the failure for a page.
      listener.clock.now += round % 2 ? TIMEOUT + MINUTE : MINUTE;
      const at = listener.clock.now;
      const racers = loggers.flatMap(({ uuid }) => [
        () => ping(`/ping/${uuid}/fail`, deps),
        () => ping(`/ping/${uuid}/${1 + Math.floor(random() * 255)}`, deps),
        () => sweep(deps, at, () => at),
        () => ping(`/ping/${uuid}`, deps),
      ]);
      await Promise.all(racers.sort(() => random() - 0.5).map((go) => go()));
      // Whatever won, one success afterwards ends any outage, then the sweeps settle pending notices.
      listener.clock.now += MINUTE;
      await Promise.all(loggers.map(({ uuid }) => ping(`/ping/${uuid}`, deps)));
      listener.clock.now += 10_000;
      await sweep(deps, listener.clock.now, () => listener.clock.now);
    }
    for (const { logger } of loggers) {
      const kinds = channel.delivered
        .filter((n) => n.logger.customer === logger.customer)
        .map((n) => (n.kind === 'LOGGER_SILENT' ? 'page' : 'all-clear'));
      // Pages and all-clears alternate, starting with a page and ending with an all-clear: one each per outage.
      expect(kinds.length % 2, logger.customer).toBe(0);
      expect(kinds, logger.customer).toEqual(kinds.map((_, i) => (i % 2 ? 'all-clear' : 'page')));
      expect(await listener.runtime.loggers.get(logger)).toMatchObject({ state: 'UP', outbox: [] });
    }
    const ids = channel.delivered.map((n) => n.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(channel.delivered.some((n) => n.notice.failure)).toBe(true);
    expect(channel.delivered.map((n) => headline(n)).join('\n')).not.toContain('undefined');
  });
});

/** A channel that records every state notification it delivered. */
class RecordingChannel implements NotificationChannel {
  readonly delivered: StateNotification[] = [];
  constructor(readonly name = 'recording') {}
  async publish(notifications: readonly Notification[]): Promise<void> {
    this.delivered.push(...(notifications as StateNotification[]));
  }
}
