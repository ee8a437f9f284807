/**
 * Runs behind a ping URL: a start marks the Logger running and due at its grace end (timeout − interval, the
 * reference note's 60 minutes); a start not followed by a success within it pages "started 17:05 UTC, did
 * not finish" once; a success with the start's rid records the run's duration and restores the deadline.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Logger, MAX_OPEN_RUNS, runGraceMs } from '../../../../shared/domain/logger.js';
import { headline, stateNotification, subject } from '../../../../shared/domain/notices/notification.js';
import { outageId } from '../../../../shared/domain/notices/outage.js';
import { reportFailure, startRun } from '../../../../shared/domain/pings/ping-transitions.js';
import { closeRun, runningSince, watchDueAt } from '../../../../shared/domain/pings/runs.js';
import { withSettings } from '../../../../shared/domain/settings.js';
import { fleetStatus } from '../../../../shared/domain/status.js';
import { outboxPublished, phoneHome, sweepLogger } from '../../../../shared/domain/transitions.js';
import { HOUR, LISTENER, MINUTE, T0, upLogger } from '../../fixtures.js';

const RETRY = 30_000;
const GRACE = 60 * MINUTE; // 780 − 720 minutes
const RID = '6f1c1e2a-8a3b-4c5d-9e0f-1a2b3c4d5e6f';
const OTHER = '0b7f3c1e-2d4a-4f5b-8c6d-7e8f9a0b1c2d';

/** UP since T0, started at T0 + 5 min. */
function running(rid?: string): Logger {
  return startRun(upLogger(T0), T0 + 5 * MINUTE, rid).next;
}

describe('a start', () => {
  it("marks the Logger running and due at the start's grace end, the reference note's margin", () => {
    const up = upLogger(T0);
    expect(runGraceMs(up)).toBe(GRACE);
    const next = running(RID);
    expect(next).toMatchObject({ runs: [{ at: T0 + 5 * MINUTE, rid: RID }], revision: up.revision + 1 });
    expect(next.dueAt).toBe(T0 + 5 * MINUTE + GRACE);
    expect(next.deadline).toBe(up.deadline);
    expect(runningSince(next)).toBe(T0 + 5 * MINUTE);
    expect(fleetStatus([next], T0 + 6 * MINUTE)[0]?.sides[0]?.runningSince).toBe(T0 + 5 * MINUTE);
    expect(next.lastSeenAt).toBe(T0); // a start is no phone-home
  });

  it('leaves the due time at the deadline when that comes first (a start later than the interval)', () => {
    const up = upLogger(T0);
    const late = startRun(up, T0 + 750 * MINUTE).next;
    expect(late.dueAt).toBe(up.deadline);
  });

  it('keeps one open start per rid, at most a few, replacing a start with the same rid', () => {
    let logger = upLogger(T0);
    for (let i = 0; i < MAX_OPEN_RUNS + 2; i++) logger = startRun(logger, T0 + i * MINUTE, `rid-${i}`).next;
    expect(logger.runs).toHaveLength(MAX_OPEN_RUNS);
    expect(logger.runs?.[0]?.rid).toBe('rid-2'); // the oldest went first
    logger = startRun(logger, T0 + 20 * MINUTE, 'rid-6').next;
    expect(logger.runs?.filter((r) => r.rid === 'rid-6')).toEqual([{ at: T0 + 20 * MINUTE, rid: 'rid-6' }]);
  });

  it("a settings change moves a running job's due time with its new grace", () => {
    const changed = withSettings(running(), {
      eventTimeoutMs: 780 * MINUTE,
      heartbeatIntervalMs: 750 * MINUTE,
      transport: 'modem',
    });
    expect(changed?.dueAt).toBe(T0 + 5 * MINUTE + 30 * MINUTE);
  });

  it('is recorded on a DOWN or outbox-pending Logger without touching its due time', () => {
    const down = sweepLogger(upLogger(T0), upLogger(T0).deadline)?.next as Logger;
    const started = startRun(down, down.deadline + MINUTE).next;
    expect(started.dueAt).toBe(down.dueAt);
    expect(started.runs).toHaveLength(1);
  });
});

describe('a start not followed by a success within its grace', () => {
  it('pages once at the grace end, saying when it started and that it did not finish', () => {
    const started = running();
    const graceEnd = T0 + 5 * MINUTE + GRACE;
    expect(sweepLogger(started, graceEnd - 1)).toBeUndefined();
    const result = sweepLogger(started, graceEnd, { claimBy: 'sweep-1', outboxRetryMs: RETRY });
    expect(result?.next).toMatchObject({ state: 'DOWN', downSince: graceEnd, deadline: graceEnd });
    expect(result?.next.runs).toBeUndefined();
    expect(result?.notice).toMatchObject({
      id: `geocust1/A#LOGGER_SILENT#${graceEnd}`,
      didNotFinish: { startedAt: T0 + 5 * MINUTE, graceMs: GRACE },
    });
    const page = stateNotification(started, result?.notice as never, LISTENER);
    expect(headline(page)).toBe(
      'Side A Logger of geocust1 started 17:05 UTC, did not finish: no success reached Listener GEOCSCLNRA within its grace (60 min).',
    );
    expect(subject(page)).toBe('[ALARM] geocust1/A did not finish (Listener GEOCSCLNRA)');
    // One page per outage: the next sweep of the DOWN Logger pages nothing more.
    const published = outboxPublished(result?.next as Logger, [result?.notice?.id ?? '']);
    expect(sweepLogger(published, graceEnd + MINUTE, { outboxRetryMs: RETRY })).toBeUndefined();
  });

  it("is cleared by the next success, whose all-clear belongs to the run's outage", () => {
    const graceEnd = T0 + 5 * MINUTE + GRACE;
    const down = sweepLogger(running(RID), graceEnd, { outboxRetryMs: RETRY });
    const alarm = stateNotification(running(RID), down?.notice as never, LISTENER);
    const back = phoneHome(down?.next as Logger, graceEnd + 10 * MINUTE, { runId: RID }, RETRY, LISTENER);
    expect(back.notice?.kind).toBe('LOGGER_RECOVERED');
    expect(outageId(stateNotification(back.next, back.notice as never, LISTENER))).toBe(outageId(alarm));
    expect(back.next).toMatchObject({ state: 'UP', deadline: graceEnd + 10 * MINUTE + 780 * MINUTE });
  });

  it('names the silence instead when the deadline came first', () => {
    const up = upLogger(T0);
    const late = startRun(up, T0 + 750 * MINUTE).next;
    const result = sweepLogger(late, up.deadline, { outboxRetryMs: RETRY });
    expect(result?.notice?.didNotFinish).toBeUndefined();
    expect(result?.notice?.id).toBe(`geocust1/A#LOGGER_SILENT#${up.deadline}`);
  });

  it("a start recorded without the Logger's settings (due at once) is re-indexed by the sweep's look", () => {
    const started = { ...running(), dueAt: T0 + 5 * MINUTE };
    const look = sweepLogger(started, T0 + 6 * MINUTE);
    expect(look?.notice).toBeUndefined();
    expect(look?.next.dueAt).toBe(T0 + 5 * MINUTE + GRACE);
    expect(sweepLogger(look?.next as Logger, T0 + 7 * MINUTE)).toBeUndefined();
  });
});

describe("a success ending a run (Healthchecks' rid pairing)", () => {
  it("with the start's rid records the duration, clears running, and restores the normal deadline", () => {
    const end = T0 + 47 * MINUTE;
    const { next, run } = phoneHome(running(RID), end, { runId: RID }, RETRY, LISTENER);
    expect(run).toEqual({
      startedAt: T0 + 5 * MINUTE,
      endedAt: end,
      durationMs: 42 * MINUTE,
      outcome: 'success',
      rid: RID,
    });
    expect(next.lastRun).toEqual(run);
    expect(next.runs).toBeUndefined();
    expect(next.dueAt).toBe(end + 780 * MINUTE);
    expect(next.deadline).toBe(end + 780 * MINUTE);
  });

  it('without a rid closes the latest start (its duration only if it had no rid either)', () => {
    const two = startRun(running(RID), T0 + 6 * MINUTE).next;
    const { next, run } = phoneHome(two, T0 + 9 * MINUTE);
    expect(run?.durationMs).toBe(3 * MINUTE);
    expect(next.runs).toEqual([{ at: T0 + 5 * MINUTE, rid: RID }]);
    expect(next.dueAt).toBe(T0 + 5 * MINUTE + GRACE); // the other run still must finish
    const closed = phoneHome(running(RID), T0 + 9 * MINUTE);
    expect(closed.next.runs).toBeUndefined();
    expect(closed.run).toBeUndefined();
  });

  it('with an unknown rid is still a success and closes nothing', () => {
    const { next, run } = phoneHome(running(RID), T0 + 9 * MINUTE, { runId: OTHER });
    expect(run).toBeUndefined();
    expect(next).toMatchObject({ state: 'UP', lastSeenAt: T0 + 9 * MINUTE, runs: [{ rid: RID }] });
  });

  it('a failure closes its run too, recording how long it ran before it failed', () => {
    const result = reportFailure(
      running(RID),
      T0 + 8 * MINUTE,
      { exitStatus: 2, runId: RID },
      { outboxRetryMs: RETRY },
      { by: 'ping', until: T0 + 9 * MINUTE },
    );
    expect(result?.run).toMatchObject({ durationMs: 3 * MINUTE, outcome: 'fail' });
    expect(result?.next.runs).toBeUndefined();
  });
});

describe('runs, whatever the pings', () => {
  const rid = fc.option(fc.constantFrom(RID, OTHER, 'c0ffee00-0000-4000-8000-000000000000'), {
    nil: undefined,
  });
  const ping = fc.record({
    kind: fc.constantFrom('start', 'success'),
    rid,
    after: fc.integer({ min: 0, max: 2 * HOUR }),
  });

  it('keep at most a few open, never make the Logger due after its deadline, and a paired end records its duration', () => {
    fc.assert(
      fc.property(fc.array(ping, { maxLength: 30 }), (pings) => {
        let logger = upLogger(T0);
        let now = T0;
        for (const p of pings) {
          now += p.after;
          if (p.kind === 'start') logger = startRun(logger, now, p.rid).next;
          else {
            const open = logger.runs?.find((r) => r.rid === p.rid && p.rid !== undefined);
            const { next, run } = phoneHome(logger, now, p.rid === undefined ? {} : { runId: p.rid });
            if (open) expect(run?.durationMs).toBe(now - open.at);
            logger = next;
          }
          expect(logger.runs?.length ?? 0).toBeLessThanOrEqual(MAX_OPEN_RUNS);
          expect(logger.dueAt).toBe(watchDueAt(logger));
          expect(watchDueAt(logger)).toBeLessThanOrEqual(logger.deadline);
        }
      }),
    );
  });

  it('an end closes at most one run', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ at: fc.nat(), rid }), { maxLength: 8 }), rid, (runs, end) => {
        const closed = closeRun(runs, 10 ** 9, end, 'success');
        expect(runs.length - closed.runs.length).toBeLessThanOrEqual(1);
      }),
    );
  });
});
