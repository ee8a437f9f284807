/**
 * How each notification channel (PagerDuty, Slack, …: docs/channels.md) is doing, as the Listener records
 * it: since when it fails, when it last delivered, and the last notice it refused for good. Pure: the record,
 * what the channels did since the last look, and `now` in; the next record (or nothing: no write) out.
 *
 * The record changes only when a channel starts failing, recovers, or refuses a new notice, so a sweep whose
 * channels are healthy writes nothing. It is what `listener status` prints at its top and `doctor` reports.
 */
import { formatDuration } from '../duration.js';
import { SILENT_AFTER_PERIODS } from '../guards/twin-watch.js';

/** A notice a receiver refused for good (any 4xx but 408 and 429): not retried. */
export interface ChannelRejection {
  readonly at: number;
  readonly status: number;
  /** The start of the receiver's answer, printable. */
  readonly excerpt: string;
  readonly notification: string;
}

/** One channel's health. */
export interface ChannelHealth {
  /** The last delivery recorded (written when the channel recovers, or is first seen working). */
  readonly lastSuccessAt?: number;
  /** Set while the receiver does not accept notices (5xx, 408, 429, a timeout, no connection). */
  readonly failing?: { readonly since: number; readonly reason: string };
  /** The last notice refused for good since the channel last delivered one. */
  readonly rejection?: ChannelRejection;
}

/** A Listener's record of its channels: one item, written conditionally on `revision`. */
export interface ChannelHealthRecord {
  readonly listener: string;
  /** 0: never written. */
  readonly revision: number;
  readonly channels: Readonly<Record<string, ChannelHealth>>;
}

/** What a channel did since the last look: its latest delivery, retryable failure and refusal. */
export interface ChannelObservation {
  readonly deliveredAt?: number;
  readonly failure?: { readonly at: number; readonly reason: string };
  readonly rejection?: ChannelRejection;
}

export function emptyHealth(listener: string): ChannelHealthRecord {
  return { listener, revision: 0, channels: {} };
}

/** The next record, and the channels whose refusals just began (one ops notice each); undefined: no change. */
export function observeChannels(
  record: ChannelHealthRecord,
  observations: ReadonlyMap<string, ChannelObservation>,
): { readonly next: ChannelHealthRecord; readonly rejecting: readonly string[] } | undefined {
  const channels = { ...record.channels };
  const rejecting: string[] = [];
  let changed = false;
  for (const [name, seen] of observations) {
    const before = channels[name] ?? {};
    const after = nextHealth(before, seen);
    if (after === before) continue;
    changed = true;
    channels[name] = after;
    if (after.rejection && !before.rejection) rejecting.push(name);
  }
  if (!changed) return undefined;
  return { next: { ...record, channels, revision: record.revision + 1 }, rejecting };
}

/** One channel's health after an observation; the same object when nothing worth a write changed. */
export function nextHealth(before: ChannelHealth, seen: ChannelObservation): ChannelHealth {
  const { deliveredAt, failure, rejection } = seen;
  const failingNow = failure !== undefined && failure.at >= (deliveredAt ?? Number.NEGATIVE_INFINITY);
  const newRejection =
    rejection !== undefined && rejection.notification !== before.rejection?.notification
      ? rejection
      : undefined;
  let next: ChannelHealth = before;
  if (failingNow && !before.failing) {
    next = { ...next, failing: { since: failure.at, reason: failure.reason } };
  }
  if (deliveredAt !== undefined && !failingNow && (before.failing || before.lastSuccessAt === undefined)) {
    const { failing: _, ...rest } = next;
    next = { ...rest, lastSuccessAt: deliveredAt };
  }
  if (newRejection) next = { ...next, rejection: newRejection };
  else if (before.rejection && deliveredAt !== undefined && deliveredAt > before.rejection.at) {
    // The channel delivers again: its refusal is history (the log and the rejections file keep it).
    const { rejection: _, ...rest } = next;
    next = { ...rest, lastSuccessAt: deliveredAt };
  }
  return next;
}

/** A channel failing longer than this is shown (two sweep periods, as a silent twin Listener). */
export function failingTooLongMs(sweepEveryMs: number): number {
  return SILENT_AFTER_PERIODS * sweepEveryMs;
}

/** A channel worth an operator's look: failing for more than two sweep periods, or refusing notices. */
export interface ChannelTrouble {
  readonly channel: string;
  readonly failing?: { readonly since: number; readonly sweeps: number; readonly reason: string };
  readonly rejection?: ChannelRejection;
}

/** The channels of `record` in trouble at `now`, by name. */
export function channelTroubles(
  record: ChannelHealthRecord,
  now: number,
  sweepEveryMs: number,
): ChannelTrouble[] {
  const troubles: ChannelTrouble[] = [];
  for (const [channel, health] of Object.entries(record.channels).sort(([a], [b]) => a.localeCompare(b))) {
    const failedFor = health.failing ? now - health.failing.since : 0;
    const failing =
      health.failing && failedFor > failingTooLongMs(sweepEveryMs)
        ? { ...health.failing, sweeps: Math.floor(failedFor / sweepEveryMs) }
        : undefined;
    if (!failing && !health.rejection) continue;
    troubles.push({
      channel,
      ...(failing ? { failing } : {}),
      ...(health.rejection ? { rejection: health.rejection } : {}),
    });
  }
  return troubles;
}

/** What to do about a channel in trouble. */
export const CHANNEL_REMEDY: readonly string[] = [
  'Failing: the receiver answers 5xx/408/429 or not at all; notices wait and are retried each sweep. Check the receiver (status page, network) and `listener channel test <name>`.',
  'Refused for good (4xx): the key or URL is wrong, revoked or deleted; refused notices are not retried. Fix it in the channels file (docs/channels.md), restart, then `listener channel test <name>`.',
];

/** `failing for 3m (3 sweeps): the receiver answered 503` */
export function failingText(failing: NonNullable<ChannelTrouble['failing']>, now: number): string {
  return `failing for ${formatDuration(now - failing.since)} (${failing.sweeps} sweeps): ${failing.reason}`;
}

/** The one ops notice of a channel that began refusing notices for good. */
export interface ChannelRejectedNotice {
  readonly id: string;
  readonly kind: 'CHANNEL_REJECTED';
  readonly at: number;
  readonly channel: string;
  readonly rejection: ChannelRejection;
}

/** The ops notice for `channel`'s refusal, named after it (a retry of the same refusal has the same id). */
export function channelRejectedNotice(
  listener: string,
  channel: string,
  rejection: ChannelRejection,
): ChannelRejectedNotice {
  return {
    id: `CHANNEL_REJECTED#${listener}#${channel}#${rejection.at}`,
    kind: 'CHANNEL_REJECTED',
    at: rejection.at,
    channel,
    rejection,
  };
}
