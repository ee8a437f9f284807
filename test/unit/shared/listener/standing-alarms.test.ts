/**
 * Standing alarms re-sent to Alertmanager-like channels (shared/listener/notices/standing-alarms.ts): only the first
 * sweep of each re-send period reads and posts anything, held alarms are left alone, a channel that does not
 * forget (PagerDuty, SNS…) costs no read at all, and an alarm that ended while its re-send was on the way
 * gets its all-clear posted again after it (the race that would fire the alert anew).
 */
import { describe, expect, it } from 'vitest';
import { formatLoggerId, type Logger } from '../../../../shared/domain/logger.js';
import type { StateNotification } from '../../../../shared/domain/notices/notification.js';
import { quietLog } from '../../../../shared/listener/deps.js';
import {
  firstSweepOfPeriod,
  resendStandingAlarms,
  type StandingAlarmDeps,
} from '../../../../shared/listener/notices/standing-alarms.js';
import type { NotificationChannel, ResendingChannel } from '../../../../shared/ports/channels.js';
import { LISTENER, MINUTE, T0, upLogger } from '../../fixtures.js';

const DEADLINE = T0 + 13 * 60 * MINUTE;
const down = upLogger(T0, { state: 'DOWN', downSince: DEADLINE + 5_000 });
const ALARM_ID = `${formatLoggerId(down)}#LOGGER_SILENT#${DEADLINE}`;

/** A re-sending channel that records what it was asked to post, and runs `during` while posting. */
function resendingChannel(during: () => void = () => {}) {
  const posts: { kind: string; id: string; outage?: string; at: number }[][] = [];
  const channel: ResendingChannel = {
    name: 'am',
    resendEveryMs: 5 * MINUTE,
    publish: async () => {},
    resend: async (ns: readonly StateNotification[]) => {
      posts.push(ns.map((n) => ({ kind: n.kind, id: n.id, at: n.notice.at, outage: n.notice.outage })));
      during();
    },
  };
  return { channel, posts };
}

function depsWith(channels: NotificationChannel[], found: Logger[], store: Map<string, Logger>) {
  const reads = { findDown: 0, getMany: 0 };
  const deps = {
    channels,
    listenerName: LISTENER,
    sweepEveryMs: MINUTE,
    log: quietLog,
    watchlist: {
      findDown: async () => {
        reads.findDown++;
        return found;
      },
    },
    loggers: {
      getMany: async (ids: readonly Logger[]) => {
        reads.getMany++;
        return new Map(ids.map((id) => [formatLoggerId(id), store.get(formatLoggerId(id))]));
      },
      get: async () => undefined,
    },
  } as unknown as StandingAlarmDeps;
  return { deps, reads };
}

describe('when standing alarms are re-sent', () => {
  it('re-sends in the first sweep of each period only: 6 times in 30 minutes of sweeps a minute apart', () => {
    const sweeps = Array.from({ length: 30 }, (_, i) => T0 + 17_000 + i * MINUTE);
    expect(sweeps.filter((now) => firstSweepOfPeriod(now, MINUTE, 5 * MINUTE))).toHaveLength(6);
    // Sweeps slower than the period: every one re-sends.
    expect(sweeps.every((now) => firstSweepOfPeriod(now, 10 * MINUTE, 5 * MINUTE))).toBe(true);
  });

  it('reads nothing outside that sweep, without a re-sending channel, or in a sweep run by hand', async () => {
    const { channel, posts } = resendingChannel();
    const store = new Map([[formatLoggerId(down), down]]);
    const between = depsWith([channel], [down], store);
    expect(await resendStandingAlarms(between.deps, T0 + MINUTE + 1)).toBe(0);
    const pagerDuty = depsWith([{ name: 'pd', publish: async () => {} }], [down], store);
    expect(await resendStandingAlarms(pagerDuty.deps, T0)).toBe(0);
    const byHand = depsWith([channel], [down], store);
    expect(await resendStandingAlarms({ ...byHand.deps, sweepEveryMs: undefined }, T0)).toBe(0);
    expect([between.reads, pagerDuty.reads, byHand.reads, posts]).toEqual([
      { findDown: 0, getMany: 0 },
      { findDown: 0, getMany: 0 },
      { findDown: 0, getMany: 0 },
      [],
    ]);
  });

  it('posts each DOWN Logger’s alarm again under its outage id, leaving held ones alone', async () => {
    const held = upLogger(T0, {
      customer: 'geocust2',
      state: 'DOWN',
      held: { notices: [], until: T0 + 15 * MINUTE },
    });
    const store = new Map([down, held].map((l) => [formatLoggerId(l), l]));
    const { channel, posts } = resendingChannel();
    const { deps, reads } = depsWith([channel], [down, held], store);
    expect(await resendStandingAlarms(deps, T0)).toBe(1);
    expect(posts).toEqual([[{ kind: 'LOGGER_SILENT', id: ALARM_ID, at: down.downSince, outage: undefined }]]);
    expect(reads).toEqual({ findDown: 1, getMany: 1 });
  });

  it('posts the all-clear again when the Logger came back while its alarm was being re-sent', async () => {
    const store = new Map([[formatLoggerId(down), down]]);
    const backAt = T0 - 2_000;
    // The heartbeat lands (and delivers its all-clear) while the re-send is on its way.
    const { channel, posts } = resendingChannel(() =>
      store.set(formatLoggerId(down), upLogger(backAt, { lastSeenAt: backAt })),
    );
    const { deps } = depsWith([channel], [down], store);
    await resendStandingAlarms(deps, T0);
    expect(posts.map((p) => p.map((n) => [n.kind, n.outage ?? n.id, n.at]))).toEqual([
      [['LOGGER_SILENT', ALARM_ID, down.downSince]],
      [['LOGGER_RECOVERED', ALARM_ID, backAt]],
    ]);
  });
});
