/**
 * A failure reported through a ping URL: it pages at once, saying so, and the next success sends the
 * all-clear — one page and one all-clear per outage, as for a silence.
 */
import { describe, expect, it } from 'vitest';
import type { Logger } from '../../../../shared/domain/logger.js';
import { headline, stateNotification } from '../../../../shared/domain/notices/notification.js';
import { reportFailure } from '../../../../shared/domain/pings/ping-transitions.js';
import { pause, phoneHome, sweepLogger } from '../../../../shared/domain/transitions.js';
import { aLogger, LISTENER, MINUTE, T0, upLogger } from '../../fixtures.js';

const RETRY = 30_000;
const options = { outboxRetryMs: RETRY, heardBy: LISTENER };
const claim = { by: 'ping-1', until: T0 + 10 * MINUTE + RETRY };

describe('reportFailure', () => {
  it('takes an UP Logger DOWN at once, its page claimed by the ping and saying the exit status', () => {
    const up = upLogger(T0, { runs: [{ at: T0 + MINUTE }] });
    const at = T0 + 10 * MINUTE;
    const result = reportFailure(up, at, { exitStatus: 3 }, options, claim);
    expect(result?.next).toMatchObject({
      state: 'DOWN',
      downSince: at,
      lastSeenAt: at,
      failure: { at, exitStatus: 3 },
      revision: up.revision + 1,
      dueAt: at + RETRY,
    });
    expect(result?.next.runs).toBeUndefined();
    expect(result?.notice).toMatchObject({ kind: 'LOGGER_SILENT', at, failure: { exitStatus: 3 }, claim });
    expect(result?.next.outbox).toEqual([result?.notice]);
    const page = stateNotification(up, result?.notice as never, LISTENER);
    expect(headline(page)).toBe(
      'Side A Logger of geocust1 reported a failure to Listener GEOCSCLNRA (exit status 3).',
    );
  });

  it('pages a NEW Logger too, and says nothing of an exit status it was not given', () => {
    const result = reportFailure(aLogger(), T0 + MINUTE, {}, options, claim);
    expect(result?.next.state).toBe('DOWN');
    expect(headline(stateNotification(aLogger(), result?.notice as never, LISTENER))).toBe(
      'Side A Logger of geocust1 reported a failure to Listener GEOCSCLNRA.',
    );
  });

  it('changes nothing for a Logger already DOWN (one page per outage), PAUSED, or in maintenance', () => {
    const up = upLogger(T0);
    const down = sweepLogger(up, up.deadline)?.next as Logger;
    const inWindow = upLogger(T0, {
      maintenance: [{ id: 'w1', from: T0, to: T0 + 60 * MINUTE }],
    });
    expect(reportFailure(down, up.deadline + MINUTE, {}, options, claim)).toBeUndefined();
    expect(reportFailure(pause(up), T0 + MINUTE, {}, options, claim)).toBeUndefined();
    expect(reportFailure(inWindow, T0 + MINUTE, {}, options, claim)).toBeUndefined();
  });

  it('is ended by the next success, whose all-clear counts from the failure and says it ended one', () => {
    const failedAt = T0 + 10 * MINUTE;
    const failed = reportFailure(upLogger(T0), failedAt, { exitStatus: 2 }, options, claim)?.next as Logger;
    const { next, notice } = phoneHome(failed, failedAt + 5 * MINUTE, {}, RETRY, LISTENER);
    expect(next.state).toBe('UP');
    expect(next.failure).toBeUndefined();
    expect(notice).toMatchObject({
      kind: 'LOGGER_RECOVERED',
      silentForMs: 5 * MINUTE,
      failure: { exitStatus: 2 },
    });
    expect(headline(stateNotification(next, notice as never, LISTENER))).toBe(
      'Side A Logger of geocust1 reported success to Listener GEOCSCLNRA again, 5m after its failure (exit status 2).',
    );
  });

  it('loses to a sweep that raised the silence first: the failure then adds no page', () => {
    const up = upLogger(T0);
    const swept = sweepLogger(up, up.deadline)?.next as Logger;
    expect(reportFailure(swept, up.deadline, { exitStatus: 1 }, options, claim)).toBeUndefined();
    // And a sweep finding the failure's DOWN raises nothing new (reminders aside).
    const failed = reportFailure(up, T0 + MINUTE, {}, options, claim)?.next as Logger;
    expect(sweepLogger(failed, failed.deadline + MINUTE)).toBeUndefined();
  });
});

describe('notice ids', () => {
  it('stay unique when a Logger fails, recovers and fails again within one millisecond', () => {
    const at = T0 + MINUTE;
    const first = reportFailure(upLogger(T0), at, {}, options, claim);
    const back = phoneHome(first?.next as Logger, at, {}, RETRY, LISTENER);
    const again = reportFailure(back.next, at, {}, options, claim);
    const backAgain = phoneHome(again?.next as Logger, at, {}, RETRY, LISTENER);
    const ids = [first?.notice?.id, back.notice?.id, again?.notice?.id, backAgain.notice?.id];
    expect(new Set(ids).size).toBe(4);
  });
});

describe('a success', () => {
  it('closes a start', () => {
    const { next } = phoneHome(upLogger(T0, { runs: [{ at: T0 + MINUTE }] }), T0 + 2 * MINUTE);
    expect(next.runs).toBeUndefined();
  });
});
