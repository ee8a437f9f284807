/**
 * The sweep: find what is due (overdue Loggers, pending notices, unpublished events) through the `due`
 * index — never a Scan — and act on each. One bad item never stops a sweep.
 */
import type { Logger } from '../domain/logger.js';
import { claimOutbox, sweepLogger } from '../domain/transitions.js';
import type { DueItem } from '../ports.js';
import type { ListenerDeps } from './deps.js';
import { publishEvents } from './events.js';
import { describe, publishOutbox } from './outbox.js';

export interface SweepReport {
  /** Items the due index returned (its reads grow with this, not with the fleet). */
  readonly due: number;
  /** Loggers this sweep declared DOWN. */
  readonly raised: number;
  /** Items another worker (a heartbeat, another sweeper) got to first, or stale index entries. */
  readonly skipped: number;
  /** Notifications (pending notices or events) this sweep published. */
  readonly published: number;
  /** Items whose handling failed; they stay due and are retried. */
  readonly failed: number;
  readonly durationMs: number;
}

type Outcome = 'raised' | 'published' | 'skipped' | 'failed';

/** Sweeps once at `now` (Listener clock). */
export async function sweep(
  deps: ListenerDeps,
  now: number,
  clock: () => number = Date.now,
): Promise<SweepReport> {
  const started = clock();
  const tally: Record<Outcome, number> = { raised: 0, published: 0, skipped: 0, failed: 0 };
  let due = 0;
  for await (const item of deps.store.findDue(now)) {
    due++;
    try {
      tally[await handle(deps, item, now)]++;
    } catch (error) {
      tally.failed++;
      deps.log.error('sweeping an item failed; it stays due', {
        item: describeItem(item),
        error: describe(error),
      });
    }
  }
  return { due, ...tally, durationMs: clock() - started };
}

async function handle(deps: ListenerDeps, item: DueItem, now: number): Promise<Outcome> {
  if (item.type === 'event') return republishEvent(deps, item, now);
  const logger = item.logger;
  const transition = sweepLogger(logger, now, deps.outboxRetryMs);
  if (transition) {
    if (!(await deps.store.writeTransition(logger, transition.next))) return 'skipped';
    await publishOutbox(deps, transition.next);
    return 'raised';
  }
  if (logger.outbox.length > 0) return retryOutbox(deps, logger, now);
  return 'skipped';
}

async function retryOutbox(deps: ListenerDeps, logger: Logger, now: number): Promise<Outcome> {
  // Claim first so that two sweepers finding the same pending notice publish it once.
  const claimed = claimOutbox(logger, now, deps.outboxRetryMs);
  if (!(await deps.store.writeTransition(logger, claimed))) return 'skipped';
  return (await publishOutbox(deps, claimed)) ? 'published' : 'failed';
}

async function republishEvent(
  deps: ListenerDeps,
  item: Extract<DueItem, { type: 'event' }>,
  now: number,
): Promise<Outcome> {
  if (!(await deps.store.claimEvent(item.loggerId, item.event.id, item.dueAt, now + deps.outboxRetryMs)))
    return 'skipped';
  const logger = await deps.store.get(item.loggerId);
  if (!logger) {
    await deps.store.markEventsPublished(item.loggerId, [item.event.id]);
    return 'skipped';
  }
  return (await publishEvents(deps, logger, [item.event])) ? 'published' : 'failed';
}

function describeItem(item: DueItem): string {
  const { customer, side } = item.type === 'logger' ? item.logger : item.loggerId;
  return item.type === 'logger' ? `${customer}/${side}` : `${customer}/${side} event ${item.event.id}`;
}
