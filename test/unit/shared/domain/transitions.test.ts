import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { twinSeen } from '../../../../shared/domain/guards/blind-customer.js';
import type { Logger, StateNotice } from '../../../../shared/domain/logger.js';
import {
  claimOutbox,
  DEFAULT_OUTBOX_RETRY_MS,
  outboxDelivered,
  outboxPublished,
  pause,
  pendingChannels,
  phoneHome,
  resume,
  sweepLogger,
} from '../../../../shared/domain/transitions.js';
import { aLogger, MINUTE, T0, upLogger } from '../../fixtures.js';

const TIMEOUT = 780 * MINUTE;

/**
 * A Logger the sweeper declared silent at its deadline and whose twin (none) it has looked at, its
 * LOGGER_SILENT notice still pending.
 */
function downLogger(lastSeenAt: number | 'never' = T0): Logger {
  const base = lastSeenAt === 'never' ? aLogger() : upLogger(lastSeenAt);
  const swept = sweepLogger(base, base.deadline);
  if (!swept) throw new Error('fixture: expected the sweep to raise an alarm');
  return twinSeen(swept.next, undefined, base.deadline);
}

function silentNotice(at: number): StateNotice {
  return { id: `geocust1/A#LOGGER_SILENT#${at}`, kind: 'LOGGER_SILENT', at, deadline: at };
}

describe('phoneHome', () => {
  it('takes an older phone-home relayed late into the history without moving the deadline or the state back', () => {
    const up = upLogger(T0 + 60 * MINUTE);
    const down = sweepLogger(up, up.deadline)?.next as Logger;
    for (const logger of [up, down]) {
      const { next, notice } = phoneHome(logger, T0 + 30 * MINUTE);
      expect(notice).toBeUndefined();
      expect(next).toMatchObject({
        state: logger.state,
        deadline: logger.deadline,
        lastSeenAt: logger.lastSeenAt,
      });
      expect(next.arrivals).toContain(T0 + 30 * MINUTE);
    }
  });

  it('turns a NEW Logger UP with deadline = receivedAt + event timeout', () => {
    const receivedAt = T0 + 5 * MINUTE;
    const { next, notice } = phoneHome(aLogger(), receivedAt);
    expect(next.state).toBe('UP');
    expect(next.lastSeenAt).toBe(receivedAt);
    expect(next.deadline).toBe(receivedAt + TIMEOUT);
    expect(next.dueAt).toBe(receivedAt + TIMEOUT);
    expect(notice).toBeUndefined();
    expect(next.outbox).toEqual([]);
  });

  it('moves an UP Logger’s deadline without recording a notice or bumping the revision', () => {
    const logger = upLogger(T0, { revision: 4 });
    const receivedAt = T0 + 720 * MINUTE;
    const { next, notice } = phoneHome(logger, receivedAt);
    expect(next.state).toBe('UP');
    expect(next.deadline).toBe(receivedAt + TIMEOUT);
    expect(next.dueAt).toBe(receivedAt + TIMEOUT);
    expect(next.revision).toBe(4);
    expect(notice).toBeUndefined();
  });

  it('keeps what the Logger reported about itself, but never uses it for the deadline', () => {
    const receivedAt = T0 + MINUTE;
    const { next } = phoneHome(upLogger(), receivedAt, { intervalMs: 5 * MINUTE, agent: 'csfs/12.6' });
    expect(next.reportedIntervalMs).toBe(5 * MINUTE);
    expect(next.agent).toBe('csfs/12.6');
    expect(next.deadline).toBe(receivedAt + TIMEOUT);
  });

  it('sets the deadline from the Listener’s receipt time alone', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10 * TIMEOUT }),
        fc.option(fc.integer({ min: 1, max: 7 * 24 * 60 * MINUTE }), { nil: undefined }),
        (offset, intervalMs) => {
          const receivedAt = T0 + offset;
          const { next } = phoneHome(upLogger(), receivedAt, intervalMs === undefined ? {} : { intervalMs });
          expect(next.deadline).toBe(receivedAt + TIMEOUT);
        },
      ),
    );
  });

  it('keeps an earlier report when a heartbeat reports nothing', () => {
    const logger = upLogger(T0, { reportedIntervalMs: 720 * MINUTE, agent: 'csfs' });
    const { next } = phoneHome(logger, T0 + MINUTE);
    expect(next.reportedIntervalMs).toBe(720 * MINUTE);
    expect(next.agent).toBe('csfs');
  });

  it('clears a DOWN Logger: UP, exactly one LOGGER_RECOVERED notice with how long it was silent and its outage', () => {
    const down = downLogger(T0);
    const receivedAt = T0 + 900 * MINUTE;
    const { next, notice } = phoneHome(down, receivedAt);
    expect(next.state).toBe('UP');
    expect(notice).toEqual({
      id: `geocust1/A#LOGGER_RECOVERED#${receivedAt}`,
      kind: 'LOGGER_RECOVERED',
      at: receivedAt,
      lastSeenAt: T0,
      deadline: receivedAt + TIMEOUT,
      silentForMs: 900 * MINUTE,
      outage: `geocust1/A#LOGGER_SILENT#${down.deadline}`,
    });
    const recovered = next.outbox.filter((n) => n.kind === 'LOGGER_RECOVERED');
    expect(recovered).toEqual([notice]);
  });

  it('bumps the revision, clears downSince and is due for publication after the outbox retry', () => {
    const down = downLogger(T0);
    const receivedAt = T0 + 900 * MINUTE;
    const { next } = phoneHome(down, receivedAt);
    expect(next.revision).toBe(down.revision + 1);
    expect(next.downSince).toBeUndefined();
    expect(next.dueAt).toBe(receivedAt + DEFAULT_OUTBOX_RETRY_MS);
    expect(next.deadline).toBe(receivedAt + TIMEOUT);
    expect(next.lastSeenAt).toBe(receivedAt);
  });

  it('honours a configured outbox retry', () => {
    const receivedAt = T0 + 900 * MINUTE;
    const { next } = phoneHome(downLogger(T0), receivedAt, {}, 5_000);
    expect(next.dueAt).toBe(receivedAt + 5_000);
  });

  it('keeps a still-unpublished LOGGER_SILENT notice ahead of the LOGGER_RECOVERED one', () => {
    const down = downLogger(T0);
    const { next } = phoneHome(down, T0 + 900 * MINUTE);
    expect(next.outbox.map((n) => n.kind)).toEqual(['LOGGER_SILENT', 'LOGGER_RECOVERED']);
    expect(next.outbox[0]).toEqual(down.outbox[0]);
  });

  it('measures silence from registration for a Logger that never phoned home', () => {
    const down = downLogger('never');
    const receivedAt = T0 + 1_000 * MINUTE;
    const { notice } = phoneHome(down, receivedAt);
    expect(notice?.silentForMs).toBe(1_000 * MINUTE);
    expect(notice).not.toHaveProperty('lastSeenAt');
  });

  it('leaves a PAUSED Logger paused, recording the arrival and a fresh deadline', () => {
    const paused = pause(upLogger(T0));
    const receivedAt = T0 + 2_000 * MINUTE;
    const { next, notice } = phoneHome(paused, receivedAt);
    expect(next.state).toBe('PAUSED');
    expect(next.lastSeenAt).toBe(receivedAt);
    expect(next.deadline).toBe(receivedAt + TIMEOUT);
    expect(next.revision).toBe(paused.revision);
    expect(next.dueAt).toBeUndefined();
    expect(notice).toBeUndefined();
  });

  it('keeps an UP Logger with a pending outbox due for publication, not at its new deadline', () => {
    const pendingDue = T0 + 30_000;
    const logger = upLogger(T0, { outbox: [silentNotice(T0 - TIMEOUT)], dueAt: pendingDue });
    const { next } = phoneHome(logger, T0 + MINUTE);
    expect(next.dueAt).toBe(pendingDue);
    expect(next.outbox).toEqual(logger.outbox);
  });
});

describe('phoneHome: which Listener heard it', () => {
  it('keeps each Listener’s first and last hearing, and names the one that heard the latest phone-home', () => {
    let logger = phoneHome(aLogger(), T0 + MINUTE, {}, undefined, 'GEOCSCLNRA').next;
    logger = phoneHome(logger, T0 + 2 * MINUTE, {}, undefined, 'GEOCSCLNRB').next;
    logger = phoneHome(logger, T0 + 3 * MINUTE, {}, undefined, 'GEOCSCLNRA').next;
    expect(logger.heardBy).toEqual({
      GEOCSCLNRA: { first: T0 + MINUTE, last: T0 + 3 * MINUTE },
      GEOCSCLNRB: { first: T0 + 2 * MINUTE, last: T0 + 2 * MINUTE },
    });
    expect(logger.lastHeardBy).toBe('GEOCSCLNRA');
  });

  it('records an older phone-home relayed late where it was heard, without making that Listener the last one', () => {
    const seen = phoneHome(aLogger(), T0 + 60 * MINUTE, {}, undefined, 'GEOCSCLNRA').next;
    const late = phoneHome(seen, T0 + 10 * MINUTE, {}, undefined, 'GEOCSCLNRB').next;
    expect(late.heardBy?.GEOCSCLNRB).toEqual({ first: T0 + 10 * MINUTE, last: T0 + 10 * MINUTE });
    expect(late.lastHeardBy).toBe('GEOCSCLNRA');
    expect(late.lastSeenAt).toBe(T0 + 60 * MINUTE);
  });

  it('records no Listener when none is named', () => {
    expect(phoneHome(aLogger(), T0 + MINUTE).next.heardBy).toBeUndefined();
  });
});

describe('sweepLogger', () => {
  it('does nothing to an UP Logger before its deadline', () => {
    const logger = upLogger(T0);
    expect(sweepLogger(logger, logger.deadline - 1)).toBeUndefined();
  });

  it('does nothing to a NEW Logger before its deadline', () => {
    const logger = aLogger();
    expect(sweepLogger(logger, logger.deadline - 1)).toBeUndefined();
  });

  it('raises one alarm when an UP Logger reaches its deadline', () => {
    const logger = upLogger(T0, { revision: 2 });
    const now = logger.deadline;
    const transition = sweepLogger(logger, now);
    expect(transition?.next.state).toBe('DOWN');
    expect(transition?.notice).toEqual({
      id: `geocust1/A#LOGGER_SILENT#${logger.deadline}`,
      kind: 'LOGGER_SILENT',
      at: now,
      lastSeenAt: T0,
      deadline: logger.deadline,
      awaitingTwin: true,
    });
    expect(transition?.next.outbox).toEqual([transition?.notice]);
    expect(transition?.next.downSince).toBe(now);
    expect(transition?.next.revision).toBe(3);
    expect(transition?.next.dueAt).toBe(now + DEFAULT_OUTBOX_RETRY_MS);
  });

  it('raises the alarm for a NEW Logger past its deadline, saying it was never seen', () => {
    const logger = aLogger();
    const now = logger.deadline + 7 * MINUTE;
    const transition = sweepLogger(logger, now, 10_000);
    expect(transition?.next.state).toBe('DOWN');
    expect(transition?.notice?.kind).toBe('LOGGER_SILENT');
    expect(transition?.notice?.at).toBe(now);
    expect(transition?.notice).not.toHaveProperty('lastSeenAt');
    expect(transition?.next.dueAt).toBe(now + 10_000);
  });

  it('does not raise a second alarm for a Logger already DOWN', () => {
    const down = downLogger(T0);
    expect(sweepLogger(down, down.deadline + 24 * 60 * MINUTE)).toBeUndefined();
  });

  it('never alarms for a PAUSED Logger, however far past its deadline', () => {
    const paused = pause(upLogger(T0));
    expect(sweepLogger(paused, paused.deadline + 30 * 24 * 60 * MINUTE)).toBeUndefined();
  });

  it('gives the same notice id to two sweeps of the same read (so a retry is recognised)', () => {
    const logger = upLogger(T0);
    const first = sweepLogger(logger, logger.deadline);
    const second = sweepLogger(logger, logger.deadline + 45_000);
    expect(first?.notice?.id).toBeDefined();
    expect(second?.notice?.id).toBe(first?.notice?.id);
  });

  it('gives different silences different notice ids', () => {
    const first = sweepLogger(upLogger(T0), T0 + TIMEOUT);
    const later = upLogger(T0 + 2 * TIMEOUT);
    const second = sweepLogger(later, later.deadline);
    expect(second?.notice?.id).not.toBe(first?.notice?.id);
  });
});

describe('claimOutbox', () => {
  it('claims the pending notices nobody holds, pushes dueAt out by the outbox retry and moves the revision', () => {
    const down = downLogger(T0);
    const now = down.dueAt ?? 0;
    const claimed = claimOutbox(down, now, 1_000, 'sweep-2', ['sns']);
    expect(claimed?.dueAt).toBe(now + 1_000);
    expect(claimed?.outbox.map((n) => n.claim)).toEqual([{ by: 'sweep-2', until: now + 1_000 }]);
    expect({ ...claimed, outbox: down.outbox }).toEqual({
      ...down,
      dueAt: now + 1_000,
      revision: down.revision + 1,
    });
  });

  it('claims nothing while another writer holds every pending notice', () => {
    const up = upLogger(T0);
    const down = sweepLogger(up, up.deadline, { claimBy: 'sweep-1' })?.next as Logger;
    expect(claimOutbox(down, up.deadline + 1, 1_000, 'sweep-2', ['sns'])).toBeUndefined();
    // Once its claim has ended (a crash), the next sweep takes it over.
    const later = up.deadline + DEFAULT_OUTBOX_RETRY_MS;
    expect(claimOutbox(down, later, 1_000, 'sweep-2', ['sns'])?.outbox[0]?.claim?.by).toBe('sweep-2');
  });
});

describe('outboxPublished', () => {
  it('removes only the published notices and keeps the Logger due while others remain', () => {
    const a = silentNotice(1);
    const b = silentNotice(2);
    const c = silentNotice(3);
    const logger = upLogger(T0, { outbox: [a, b, c], dueAt: T0 + 30_000 });
    const next = outboxPublished(logger, [b.id, 'geocust1/A#LOGGER_SILENT#999']);
    expect(next.outbox).toEqual([a, c]);
    expect(next.dueAt).toBe(T0 + 30_000);
  });

  it.each(['NEW', 'UP'] as const)('makes an emptied %s Logger due at its deadline again', (state) => {
    const logger = upLogger(T0, { state, outbox: [silentNotice(1)], dueAt: T0 + 30_000 });
    const next = outboxPublished(logger, [silentNotice(1).id]);
    expect(next.outbox).toEqual([]);
    expect(next.dueAt).toBe(logger.deadline);
  });

  it('leaves an emptied DOWN Logger not due at all (nothing left to look for)', () => {
    const down = downLogger(T0);
    const next = outboxPublished(
      down,
      down.outbox.map((n) => n.id),
    );
    expect(next.outbox).toEqual([]);
    expect(next).not.toHaveProperty('dueAt');
    expect(next.state).toBe('DOWN');
  });

  it('leaves an emptied PAUSED Logger not due at all', () => {
    const paused = pause(downLogger(T0));
    const next = outboxPublished(
      paused,
      paused.outbox.map((n) => n.id),
    );
    expect(next.outbox).toEqual([]);
    expect(next).not.toHaveProperty('dueAt');
  });

  it('moves the revision, so a writer that read the notice as pending cannot write it back', () => {
    const down = downLogger(T0);
    const next = outboxPublished(
      down,
      down.outbox.map((n) => n.id),
    );
    expect(next.revision).toBe(down.revision + 1);
  });
});

describe('outboxDelivered (each channel on its own)', () => {
  const channels = ['sns', 'eventbridge'];
  const delivered = (channel: string, ids: string[], failedIds: string[] = []) => ({
    channel,
    deliveredIds: ids,
    failedIds,
  });

  it('keeps a notice until every channel has delivered it, recording who did', () => {
    const down = downLogger(T0);
    const [notice] = down.outbox;
    const id = notice?.id ?? '';
    const once = outboxDelivered(
      down,
      [delivered('sns', [id]), delivered('eventbridge', [], [id])],
      channels,
    );
    expect(once.outbox).toHaveLength(1);
    expect(once.outbox[0]?.sent).toEqual(['sns']);
    expect(pendingChannels(once.outbox[0] as StateNotice, channels)).toEqual(['eventbridge']);
    expect(once.dueAt).toBe(down.dueAt);
    const twice = outboxDelivered(once, [delivered('eventbridge', [id])], channels);
    expect(twice.outbox).toEqual([]);
  });

  it('counts every attempt per channel, failed or not', () => {
    const down = downLogger(T0);
    const id = down.outbox[0]?.id ?? '';
    let logger = outboxDelivered(
      down,
      [delivered('sns', [id]), delivered('eventbridge', [], [id])],
      channels,
    );
    // Later retries go only to the channel still missing.
    for (let i = 0; i < 2; i++)
      logger = outboxDelivered(logger, [delivered('eventbridge', [], [id])], channels);
    expect(logger.outbox[0]?.attempts).toEqual({ sns: 1, eventbridge: 3 });
  });

  it('ignores deliveries of notices no longer in the outbox', () => {
    const up = upLogger(T0, { outbox: [silentNotice(1)], dueAt: T0 + 30_000 });
    const next = outboxDelivered(up, [delivered('sns', ['elsewhere#1'])], ['sns']);
    expect(next.outbox).toEqual(up.outbox);
  });
});

describe('pause', () => {
  it('pauses with a revision bump and stops being due', () => {
    const logger = upLogger(T0, { revision: 1 });
    const paused = pause(logger);
    expect(paused.state).toBe('PAUSED');
    expect(paused.revision).toBe(2);
    expect(paused).not.toHaveProperty('dueAt');
  });

  it('stays due while notices are waiting to be published', () => {
    const down = downLogger(T0);
    const paused = pause(down);
    expect(paused.dueAt).toBe(down.dueAt);
    expect(paused.outbox).toEqual(down.outbox);
  });
});

describe('resume', () => {
  it('gives a resumed Logger a full event timeout from now (a pause is not silence)', () => {
    const paused = pause(upLogger(T0));
    const now = T0 + 5 * TIMEOUT;
    const resumed = resume(paused, now);
    expect(resumed.state).toBe('UP');
    expect(resumed.deadline).toBe(now + TIMEOUT);
    expect(resumed.dueAt).toBe(now + TIMEOUT);
    expect(resumed.revision).toBe(paused.revision + 1);
    expect(sweepLogger(resumed, now + TIMEOUT - 1)).toBeUndefined();
  });

  it('resumes a Logger that never phoned home as NEW', () => {
    const resumed = resume(pause(aLogger()), T0 + MINUTE);
    expect(resumed.state).toBe('NEW');
  });

  it('keeps a pending outbox due for publication', () => {
    const paused = pause(downLogger(T0));
    const resumed = resume(paused, T0 + 5 * TIMEOUT);
    expect(resumed.dueAt).toBe(paused.dueAt);
  });

  it.each(['NEW', 'UP'] as const)('leaves a %s Logger untouched', (state) => {
    const logger = upLogger(T0, { state });
    expect(resume(logger, T0 + 5 * TIMEOUT)).toBe(logger);
  });

  it('leaves a DOWN Logger untouched (only a phone-home clears an alarm)', () => {
    const down = downLogger(T0);
    expect(resume(down, T0 + 5 * TIMEOUT)).toBe(down);
  });
});

describe('phone-homes and sweeps over time', () => {
  const SHORT = 1_000;
  const step = fc.record({
    kind: fc.constantFrom('phone' as const, 'sweep' as const),
    gap: fc.integer({ min: 0, max: 2_500 }),
  });

  it('is DOWN exactly when a sweep reached the deadline since the last phone-home, and alarms once per silence', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 40 }), (steps) => {
        let logger = aLogger({
          eventTimeoutMs: SHORT,
          heartbeatIntervalMs: 500,
          deadline: T0 + SHORT,
          dueAt: T0 + SHORT,
        });
        let now = T0;
        let lastHeard = T0;
        let modelDown = false;
        let wentDown = 0;
        let cameBack = 0;
        for (const { kind, gap } of steps) {
          now += gap;
          const before = logger.state;
          if (kind === 'phone') {
            logger = phoneHome(logger, now).next;
            lastHeard = now;
            modelDown = false;
          } else {
            logger = sweepLogger(logger, now)?.next ?? logger;
            if (now >= lastHeard + SHORT) modelDown = true;
          }
          if ((before === 'NEW' || before === 'UP') && logger.state === 'DOWN') wentDown++;
          if (before === 'DOWN' && logger.state === 'UP') cameBack++;

          expect(logger.state === 'DOWN').toBe(modelDown);
          expect(logger.deadline).toBe(lastHeard + SHORT);
          const silent = logger.outbox.filter((n) => n.kind === 'LOGGER_SILENT');
          const recovered = logger.outbox.filter((n) => n.kind === 'LOGGER_RECOVERED');
          expect(silent).toHaveLength(wentDown);
          expect(recovered).toHaveLength(cameBack);
          expect(new Set(logger.outbox.map((n) => n.id)).size).toBe(logger.outbox.length);
        }
      }),
    );
  });
});
