/**
 * Publishing a Logger's outbox: the notices recorded atomically with its state changes. A publication
 * delivers only the notices it holds the claim of (set by its own conditional write that landed; see
 * shared/domain/notices/notice-claims.ts), on each channel in outbox order, and records what each channel
 * delivered on the notice, so a failing channel is retried alone (by the next sweep) and never repeats or
 * holds back the others. Two writers never deliver the same notice: only a crash between a channel's
 * delivery and the write recording it can repeat that channel.
 */
import { formatLoggerId, type Logger } from '../../domain/logger.js';
import { claimsEnd, newlyClaimed, type Publisher, sendable } from '../../domain/notices/notice-claims.js';
import { stateNotification } from '../../domain/notices/notification.js';
import { type ChannelDelivery, outboxRecorded, withDeliveries } from '../../domain/transitions.js';
import type { ListenerDeps } from '../deps.js';
import { deliveredEverywhere, deliverInOrder } from './delivery.js';

/** What publishing a Logger's outbox uses: the Logger store and the channels. */
export type OutboxDeps = Pick<
  ListenerDeps,
  'loggers' | 'channels' | 'listenerName' | 'outboxRetryMs' | 'counters' | 'log' | 'requestPathBudgetMs'
>;

export { describe } from './delivery.js';

/** How many delivery rounds and recording writes one publication makes at most (lost races included). */
const MAX_STEPS = 8;

/**
 * Kept free before a claim ends for the write recording what was sent: DynamoDB's whole-call deadline
 * (shared/adapters/aws-clients.ts). A request still waiting past that could repeat a notice the next holder
 * of its claim sends.
 */
export const RECORDING_MARGIN_MS = 2_500;

/**
 * How long a request path (a heartbeat, a ping, an event) waits on the channels for what it publishes
 * inline: a receiver slower than this does not slow the answer; its notice stays claimed and the sweep after
 * the claim ends sends it.
 */
export const REQUEST_PATH_BUDGET_MS = 1_000;

/** When a request path that starts publishing at `now` stops waiting on receivers. */
export function requestPathEnd(deps: Pick<ListenerDeps, 'requestPathBudgetMs'>, now: number): number {
  return now + (deps.requestPathBudgetMs ?? REQUEST_PATH_BUDGET_MS);
}

export interface PublishLimits {
  /** No request of the publication waits past this (Listener clock): a request path's or a sweep's budget. */
  readonly endBy?: number;
}

/**
 * Publishes the notices of `logger.outbox` that `claimId` holds (the caller's own conditional write
 * claimed them, at `now`), records the outcome, and goes on with the notices that write let it claim (an
 * all-clear that waited for the page this publication sent). True when no channel failed. Its requests end
 * before its claims do (less {@link RECORDING_MARGIN_MS}) and by `limits.endBy`; what could not be sent
 * by then stays claimed until the claim ends, and the sweep after that sends it.
 */
export async function publishOutbox(
  deps: OutboxDeps,
  logger: Logger,
  claimId: string,
  now: number,
  limits: PublishLimits = {},
): Promise<boolean> {
  const channels = deps.channels.map((c) => c.name);
  const failed = new Map<string, Set<string>>(channels.map((c) => [c, new Set()]));
  const publisher: Publisher = { claimId, failedOn: (c) => failed.get(c) ?? new Set() };
  let current: Logger | undefined = logger;
  let unrecorded: ChannelDelivery[] = [];
  let everywhere = true;
  for (let step = 0; current && step < MAX_STEPS; step++) {
    const round = await deliverRound(deps, current, publisher, unrecorded, limits);
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
  limits: PublishLimits,
): Promise<ChannelDelivery[]> {
  // What the channels have sent, this publication's deliveries not yet recorded included.
  const outbox = logger.outbox.map((notice) => withDeliveries(notice, unrecorded));
  const deadline = Math.min(
    claimsEnd(outbox, publisher.claimId) - RECORDING_MARGIN_MS,
    limits.endBy ?? Number.POSITIVE_INFINITY,
  );
  return deliverInOrder(
    deps,
    (channel) =>
      sendable(outbox, channel, publisher).map((n) => stateNotification(logger, n, deps.listenerName)),
    formatLoggerId(logger),
    Number.isFinite(deadline) ? { deadline } : {},
  );
}

/** Alarms and all-clears count once, when they have left the outbox delivered on every channel. */
function countDelivered(deps: OutboxDeps, before: Logger, after: Logger): void {
  for (const notice of before.outbox) {
    if (after.outbox.some((n) => n.id === notice.id) || notice.kind === 'LOGGER_ACKNOWLEDGED') continue;
    deps.counters.count(notice.kind === 'LOGGER_RECOVERED' ? 'AlarmsCleared' : 'AlarmsRaised');
  }
}
