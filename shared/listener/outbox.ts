/**
 * Publishing a Logger's outbox: the notices recorded atomically with its state changes. A publication
 * delivers only the notices it holds the claim of (set by its own conditional write that landed; see
 * shared/domain/notice-claims.ts), on each channel in outbox order, and records what each channel
 * delivered on the notice, so a failing channel is retried alone (by the next sweep) and never repeats or
 * holds back the others. Two writers never deliver the same notice: only a crash between a channel's
 * delivery and the write recording it can repeat that channel.
 */
import { formatLoggerId, type Logger } from '../domain/logger.js';
import { newlyClaimed, type Publisher, sendable } from '../domain/notice-claims.js';
import { stateNotification } from '../domain/notification.js';
import { type ChannelDelivery, outboxRecorded, withDeliveries } from '../domain/transitions.js';
import { deliveredEverywhere, deliverInOrder } from './delivery.js';
import type { ListenerDeps } from './deps.js';

/** What publishing a Logger's outbox uses: the Logger store and the channels. */
export type OutboxDeps = Pick<
  ListenerDeps,
  'loggers' | 'channels' | 'listenerName' | 'outboxRetryMs' | 'counters' | 'log'
>;

export { describe } from './delivery.js';

/** How many delivery rounds and recording writes one publication makes at most (lost races included). */
const MAX_STEPS = 8;

/**
 * Publishes the notices of `logger.outbox` that `claimId` holds (the caller's own conditional write
 * claimed them, at `now`), records the outcome, and goes on with the notices that write let it claim (an
 * all-clear that waited for the page this publication sent). True when no channel failed.
 */
export async function publishOutbox(
  deps: OutboxDeps,
  logger: Logger,
  claimId: string,
  now: number,
): Promise<boolean> {
  const channels = deps.channels.map((c) => c.name);
  const failed = new Map<string, Set<string>>(channels.map((c) => [c, new Set()]));
  const publisher: Publisher = { claimId, failedOn: (c) => failed.get(c) ?? new Set() };
  let current: Logger | undefined = logger;
  let unrecorded: ChannelDelivery[] = [];
  let everywhere = true;
  for (let step = 0; current && step < MAX_STEPS; step++) {
    const round = await deliverRound(deps, current, publisher, unrecorded);
    for (const d of round) for (const id of d.failedIds) failed.get(d.channel)?.add(id);
    everywhere &&= deliveredEverywhere(round);
    unrecorded = [...unrecorded, ...round];
    const until = now + deps.outboxRetryMs;
    const next = outboxRecorded(current, unrecorded, channels, publisher, now, until);
    // A heartbeat or another publication landing meanwhile makes the write fail: read again and record on
    // the outbox as it is now (nothing recorded meanwhile is lost), then send what this one still holds.
    if (!(await deps.loggers.writeTransition(current, next))) {
      current = await deps.loggers.get(logger);
      continue;
    }
    countDelivered(deps, current, next);
    if (newlyClaimed(current.outbox, next.outbox, claimId).length === 0) return everywhere;
    [current, unrecorded] = [next, []];
  }
  if (current) {
    deps.log.warn('could not record delivered notices; the channels that sent them may repeat them', {
      logger: formatLoggerId(logger),
    });
  }
  return false;
}

/** Sends, per channel and in order, what the publication holds and that channel may send now. */
async function deliverRound(
  deps: OutboxDeps,
  logger: Logger,
  publisher: Publisher,
  unrecorded: readonly ChannelDelivery[],
): Promise<ChannelDelivery[]> {
  // What the channels have sent, this publication's deliveries not yet recorded included.
  const outbox = logger.outbox.map((notice) => withDeliveries(notice, unrecorded));
  return deliverInOrder(
    deps,
    (channel) =>
      sendable(outbox, channel, publisher).map((n) => stateNotification(logger, n, deps.listenerName)),
    formatLoggerId(logger),
  );
}

/** Alarms and all-clears count once, when they have left the outbox delivered on every channel. */
function countDelivered(deps: OutboxDeps, before: Logger, after: Logger): void {
  for (const notice of before.outbox) {
    if (after.outbox.some((n) => n.id === notice.id) || notice.kind === 'LOGGER_ACKNOWLEDGED') continue;
    deps.counters.count(notice.kind === 'LOGGER_RECOVERED' ? 'AlarmsCleared' : 'AlarmsRaised');
  }
}
