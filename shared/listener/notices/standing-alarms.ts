/**
 * Standing alarms re-sent to the channels whose receivers forget them (Alertmanager: an alert not heard of
 * again by its `endsAt` resolves by itself; see `ResendingChannel` in shared/ports/channels.ts). The first
 * sweep of each re-send period posts every DOWN Logger's alarm again, read from the sparse `state` index:
 * reads grow with the open alarms, never with the fleet; no other sweep reads anything for it, and without
 * such a channel nothing at all. It is not a notice of the outbox: nothing is written, no other channel's
 * accounting moves, and a failure is logged for the next period to retry (the alert's `endsAt` is three
 * periods ahead, so one or two missed periods resolve nothing).
 *
 * The race with a Logger's return: an alarm read DOWN and posted after the returning heartbeat delivered its
 * all-clear would fire the alert again (Alertmanager starts a new alert when a firing post follows a
 * resolve). So the Loggers are read again once the posts are done — strongly consistent, after any
 * all-clear that could have landed before them — and one no longer DOWN has its all-clear posted again:
 * idempotent too, and within Alertmanager's group interval, so its receivers never see the blip.
 */
import { formatLoggerId, type Logger } from '../../domain/logger.js';
import { type StateNotification, stateNotification } from '../../domain/notices/notification.js';
import { noticeId } from '../../domain/transitions.js';
import { isResending, type ResendingChannel } from '../../ports/channels.js';
import type { ListenerDeps } from '../deps.js';
import { describe } from './delivery.js';

export type StandingAlarmDeps = Pick<
  ListenerDeps,
  'channels' | 'watchlist' | 'loggers' | 'listenerName' | 'sweepEveryMs' | 'log'
>;

/** Whether the sweep at `now` (sweeps `sweepEveryMs` apart) is the first of a re-send period. */
export function firstSweepOfPeriod(now: number, sweepEveryMs: number, periodMs: number): boolean {
  return Math.floor(now / periodMs) !== Math.floor((now - sweepEveryMs) / periodMs);
}

/** Re-sends the standing alarms to the channels due this sweep; how many alarms it re-sent. */
export async function resendStandingAlarms(deps: StandingAlarmDeps, now: number): Promise<number> {
  const { sweepEveryMs } = deps;
  // A sweep run by hand leaves it to the scheduled ones, whose period is known.
  if (sweepEveryMs === undefined) return 0;
  const due = deps.channels
    .filter(isResending)
    .filter((c) => firstSweepOfPeriod(now, sweepEveryMs, c.resendEveryMs));
  if (due.length === 0) return 0;
  // A held alarm paged nobody yet: nothing of it stands at a receiver.
  const standing = (await deps.watchlist.findDown()).filter((logger) => !logger.held);
  if (standing.length === 0) return 0;
  await postOn(
    deps,
    due,
    standing.map((l) => alarmOf(l, deps.listenerName)),
    now,
  );
  const ended = await endedMeanwhile(deps, standing);
  if (ended.length > 0) {
    await postOn(
      deps,
      due,
      ended.map(([alarm, back]) => allClearOf(alarm, deps.listenerName, Math.min(now, back ?? now))),
      now,
    );
  }
  return standing.length;
}

async function postOn(
  deps: StandingAlarmDeps,
  channels: readonly ResendingChannel[],
  notifications: readonly StateNotification[],
  now: number,
): Promise<void> {
  await Promise.all(
    channels.map((channel) =>
      channel.resend(notifications, now).catch((error) =>
        deps.log.warn('re-sending standing alarms failed; the next period tries again', {
          channel: channel.name,
          alarms: notifications.length,
          error: describe(error),
        }),
      ),
    ),
  );
}

/**
 * The Loggers among `standing` that are no longer DOWN (back, paused or removed), read again now: each as
 * it was read DOWN, with when it was last heard of since (undefined: removed).
 */
async function endedMeanwhile(
  deps: StandingAlarmDeps,
  standing: readonly Logger[],
): Promise<[Logger, number | undefined][]> {
  const again = await deps.loggers.getMany(standing);
  const ended: [Logger, number | undefined][] = [];
  for (const logger of standing) {
    const id = formatLoggerId(logger);
    // Not read in the batch (unprocessed): read alone.
    const current = again.has(id) ? again.get(id) : await deps.loggers.get(logger);
    if (current?.state !== 'DOWN') ended.push([logger, current?.lastSeenAt]);
  }
  return ended;
}

/** A DOWN Logger's alarm as its page was: the same outage id, so the same alert. */
function alarmOf(logger: Logger, listener: string): StateNotification {
  return stateNotification(
    logger,
    {
      id: noticeId(logger, 'LOGGER_SILENT', logger.deadline),
      kind: 'LOGGER_SILENT',
      at: logger.downSince ?? logger.deadline,
      deadline: logger.deadline,
      ...(logger.lastSeenAt === undefined ? {} : { lastSeenAt: logger.lastSeenAt }),
    },
    listener,
  );
}

/** The all-clear of the alarm `logger` was DOWN with (as read before it came back), ended at `at`. */
function allClearOf(logger: Logger, listener: string, at: number): StateNotification {
  return stateNotification(
    logger,
    {
      id: noticeId(logger, 'LOGGER_RECOVERED', at),
      kind: 'LOGGER_RECOVERED',
      at,
      deadline: logger.deadline,
      outage: noticeId(logger, 'LOGGER_SILENT', logger.deadline),
    },
    listener,
  );
}
