/**
 * The sweep: find what is due (overdue Loggers, pending notices, unpublished events) through the `due`
 * index — never a Scan — and act on each. One bad item never stops a sweep.
 */
import { type Logger, twinOf } from '../domain/logger.js';
import { claimOutbox, sweepLogger } from '../domain/transitions.js';
import type { DueItem, SweepReport } from '../ports.js';
import type { ListenerDeps } from './deps.js';
import { publishEvents } from './events.js';
import { describe, publishOutbox } from './outbox.js';

export type { SweepReport } from '../ports.js';

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
  const report = { due, ...tally, durationMs: clock() - started };
  // The Listener's own heartbeat: `listener doctor` reports a sweeper that has stopped.
  try {
    await deps.store.recordSweep({ lastRunAt: now, report });
  } catch (error) {
    deps.log.error('recording the sweep failed', { error: describe(error) });
  }
  return report;
}

/** How often a transition may lose to its twin changing before the next sweep retries it. */
const MAX_TWIN_ATTEMPTS = 3;

async function handle(deps: ListenerDeps, item: DueItem, now: number): Promise<Outcome> {
  if (item.type === 'event') return republishEvent(deps, item, now);
  let logger: Logger | undefined = item.logger;
  for (let attempt = 0; logger && attempt < MAX_TWIN_ATTEMPTS; attempt++) {
    const outcome = await sweepOne(deps, logger, now);
    if (outcome !== 'retry') return outcome;
    logger = await deps.store.get(logger);
  }
  return 'skipped';
}

/** One look at a due Logger; `retry` when only its twin changed under the write. */
async function sweepOne(deps: ListenerDeps, logger: Logger, now: number): Promise<Outcome | 'retry'> {
  const options = {
    outboxRetryMs: deps.outboxRetryMs,
    ...(deps.renotifyEveryMs === undefined ? {} : { renotifyEveryMs: deps.renotifyEveryMs }),
  };
  const plain = sweepLogger(logger, now, options);
  if (!plain) return logger.outbox.length > 0 ? retryOutbox(deps, logger, now) : 'skipped';
  if (plain.notice?.kind !== 'LOGGER_SILENT' || plain.notice.reminder) {
    // A reminder, or a maintenance window postponing the look: nothing depends on the twin.
    if (!(await deps.store.writeTransition(logger, plain.next))) return 'skipped';
    if (!plain.notice) return 'skipped';
    await publishOutbox(deps, plain.next);
    return 'published';
  }
  // Going DOWN: the alarm says how the twin is, and both DOWN makes the customer blind. The write is
  // guarded by the twin as read, so of two sides going DOWN at once the second always sees the first.
  const twinId = twinOf(logger);
  const twin = await deps.store.get(twinId);
  const transition = sweepLogger(logger, now, { ...options, ...(twin ? { twin } : {}) });
  if (!transition) return 'skipped';
  if (!(await deps.store.writeTransition(logger, transition.next, { twinId, ...(twin ? { twin } : {}) }))) {
    const current = await deps.store.get(logger);
    // The Logger itself is unchanged: its twin moved under us; look again with the twin as it is now.
    return current && current.revision === logger.revision && current.deadline === logger.deadline
      ? 'retry'
      : 'skipped';
  }
  await publishOutbox(deps, transition.next);
  return 'raised';
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
