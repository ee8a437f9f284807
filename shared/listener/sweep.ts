/**
 * The sweep: find what is due (overdue Loggers, pending notices, unpublished events) through the `due`
 * index — never a Scan — and act on each. One bad item never stops a sweep.
 */
import type { Logger } from '../domain/logger.js';
import { holdFor, type MassSilence } from '../domain/mass-silence.js';
import { claimOutbox, sweepLogger } from '../domain/transitions.js';
import type { DueItem, SweepReport } from '../ports.js';
import { lookAtTwin } from './blind-customer.js';
import type { ListenerDeps } from './deps.js';
import { publishEvents } from './events.js';
import { guardMassSilence, recordSweepOutcome } from './mass-silence.js';
import { describe, publishOutbox } from './outbox.js';
import { beaconWhileSweeping, watchTwinListener } from './twin-watch.js';

export type { SweepReport } from '../ports.js';

/** `held`: declared DOWN with its pages held by a mass silence; `released`: held pages paged at the hold's end. */
type Outcome = 'raised' | 'held' | 'released' | 'published' | 'pruned' | 'skipped' | 'failed';

export interface SweepLimits {
  /** Stop starting new items after this long (ms); the rest stays due for the next run. */
  readonly budgetMs?: number;
  /** How many due items are handled at once. */
  readonly concurrency?: number;
}

/** Items handled at once: enough to hide request latency, few enough not to throttle a small table. */
export const DEFAULT_SWEEP_CONCURRENCY = 16;

/**
 * Sweeps once at `now` (Listener clock). Items are handled `concurrency` at a time; every write is
 * conditional, so concurrent handling (here or in another sweeper) still raises each alarm once.
 */
export async function sweep(
  deps: ListenerDeps,
  now: number,
  clock: () => number = Date.now,
  limits: SweepLimits = {},
): Promise<SweepReport> {
  const started = clock();
  // First the beacon the twin Listener of a pair watches (and this side's watch of the twin): a long sweep
  // must not look like a silent one.
  await watchTwinListener(deps, now).catch((error) =>
    deps.log.error('the twin watch failed; the next sweep tries again', { error: describe(error) }),
  );
  const stopBeacon = beaconWhileSweeping(deps, clock);
  try {
    return await sweepDue(deps, now, clock, limits, started);
  } finally {
    stopBeacon();
  }
}

async function sweepDue(
  deps: ListenerDeps,
  now: number,
  clock: () => number,
  limits: SweepLimits,
  started: number,
): Promise<SweepReport> {
  const tally: Record<Outcome, number> = {
    raised: 0,
    held: 0,
    released: 0,
    published: 0,
    pruned: 0,
    skipped: 0,
    failed: 0,
  };
  // Decided before anything is paged, so a storm's Loggers are held from the first sweep that sees them.
  const silence = await massSilenceNow(deps, now);
  const concurrency = Math.max(1, limits.concurrency ?? DEFAULT_SWEEP_CONCURRENCY);
  let due = 0;
  let oldestPendingMs = 0;
  let cutShort = false;
  const inFlight = new Set<Promise<void>>();
  const run = async (item: DueItem) => {
    oldestPendingMs = Math.max(oldestPendingMs, pendingAge(item, now));
    try {
      tally[await handle(deps, item, now, silence)]++;
    } catch (error) {
      tally.failed++;
      deps.log.error('sweeping an item failed; it stays due', {
        item: describeItem(item),
        error: describe(error),
      });
    }
  };
  for await (const item of deps.store.findDue(now)) {
    if (limits.budgetMs !== undefined && clock() - started >= limits.budgetMs) {
      cutShort = true;
      break;
    }
    due++;
    const task: Promise<void> = run(item).finally(() => inFlight.delete(task));
    inFlight.add(task);
    if (inFlight.size >= concurrency) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  const { held, released, raised, pruned, ...rest } = tally;
  const report: SweepReport = {
    due,
    raised: raised + released,
    ...rest,
    ...(held > 0 ? { held } : {}),
    ...(pruned > 0 ? { pruned } : {}),
    ...(cutShort ? { cutShort } : {}),
    oldestPendingMs,
    durationMs: clock() - started,
  };
  deps.counters.count('SweepItemsFailed', report.failed);
  await reportWatched(deps);
  deps.counters.gauge?.('PendingNotificationMaxAgeSeconds', Math.round(oldestPendingMs / 1000));
  if (cutShort) deps.log.warn('the sweep reached its time budget; the next run continues', { due });
  if (deps.massSilence) {
    await recordSweepOutcome(deps, deps.massSilence, now, { down: raised + held, held }).catch((error) =>
      deps.log.error('recording the sweep on the mass-silence record failed', { error: describe(error) }),
    );
  }
  // The Listener's own heartbeat: `listener doctor` reports a sweeper that has stopped.
  try {
    await deps.store.recordSweep({ lastRunAt: now, report });
  } catch (error) {
    deps.log.error('recording the sweep failed', { error: describe(error) });
  }
  return report;
}

/** How long the oldest undelivered notification of an item has waited (0: nothing pending). */
function pendingAge(item: DueItem, now: number): number {
  if (item.type === 'expired') return 0;
  if (item.type === 'event') return Math.max(0, now - item.event.receivedAt);
  const oldest = Math.min(...item.logger.outbox.map((n) => n.at));
  return Number.isFinite(oldest) ? Math.max(0, now - oldest) : 0;
}

/** How often a transition may lose a write with the Logger unchanged (a cross-region conflict) in one sweep. */
const MAX_ATTEMPTS = 3;

/** The mass-silence record, when the guard is on; a failing guard pages as usual (never holds blindly). */
async function massSilenceNow(deps: ListenerDeps, now: number): Promise<MassSilence | undefined> {
  if (!deps.massSilence) return undefined;
  try {
    return await guardMassSilence(deps, deps.massSilence, now);
  } catch (error) {
    deps.log.error('the mass-silence guard failed; this sweep pages as usual', { error: describe(error) });
    return undefined;
  }
}

async function handle(
  deps: ListenerDeps,
  item: DueItem,
  now: number,
  silence: MassSilence | undefined,
): Promise<Outcome> {
  if (item.type === 'event') return republishEvent(deps, item, now);
  // No TTL on a pair's table: expired items are deleted here, a budget's worth per sweep.
  if (item.type === 'expired') return (await deps.store.pruneExpired(item.key, now)) ? 'pruned' : 'skipped';
  let logger: Logger | undefined = item.logger;
  for (let attempt = 0; logger && attempt < MAX_ATTEMPTS; attempt++) {
    const holdUntil =
      silence && deps.massSilence
        ? holdFor(silence, logger.deadline, now, deps.massSilence.windowMs)
        : undefined;
    const outcome = await sweepOne(deps, logger, now, holdUntil);
    if (outcome !== 'retry') return outcome;
    logger = await deps.store.get(logger);
  }
  return 'skipped';
}

/** One look at a due Logger; `retry` when its write failed yet the Logger is unchanged. */
async function sweepOne(
  deps: ListenerDeps,
  logger: Logger,
  now: number,
  holdUntil: number | undefined,
): Promise<Outcome | 'retry'> {
  const options = {
    outboxRetryMs: deps.outboxRetryMs,
    ...(deps.renotifyEveryMs === undefined ? {} : { renotifyEveryMs: deps.renotifyEveryMs }),
    ...(holdUntil === undefined ? {} : { holdUntil }),
  };
  const transition = sweepLogger(logger, now, options);
  if (!transition) return logger.outbox.length > 0 ? retryOutbox(deps, logger, now) : 'skipped';
  const { next, notice } = transition;
  if (!(await deps.store.writeTransition(logger, next))) {
    // Another writer won (the Logger moved: nothing to do), or a write from another region collided with
    // ours and neither landed (the Logger is unchanged: look again).
    const current = await deps.store.get(logger);
    return current && current.revision === logger.revision && current.deadline === logger.deadline
      ? 'retry'
      : 'skipped';
  }
  if (!notice) return 'skipped';
  // Going DOWN: only now, with DOWN stored, is the twin looked at (shared/listener/blind-customer.ts).
  const looked = await lookAtTwin(deps, next, now);
  if (next.held && !logger.held) {
    await recordHeldLook(deps, next, looked);
    return 'held';
  }
  // Counted as raised only once delivered on every channel; otherwise the next sweep retries what is missing.
  const delivered = await publishOutbox(deps, looked);
  if (!delivered) return 'failed';
  if (notice.kind !== 'LOGGER_SILENT' || notice.reminder) return 'published';
  return logger.held ? 'released' : 'raised';
}

/**
 * Held pages are not published now, so nothing else writes the look at the twin: write it (best effort —
 * if this loses, the held alarm still awaits its twin and is looked at again when the hold ends).
 */
async function recordHeldLook(deps: ListenerDeps, written: Logger, looked: Logger): Promise<void> {
  if (looked === written || looked.revision !== written.revision) return;
  await deps.store.writeTransition(written, { ...looked, revision: written.revision + 1 });
}

async function retryOutbox(deps: ListenerDeps, logger: Logger, now: number): Promise<Outcome> {
  // Claim first so that two sweepers finding the same pending notice publish it once.
  const claimed = claimOutbox(logger, now, deps.outboxRetryMs);
  if (!(await deps.store.writeTransition(logger, claimed))) return 'skipped';
  // An alarm whose look at the twin was cut short (a crash, a lost write) gets it now.
  const looked = await lookAtTwin(deps, claimed, now);
  return (await publishOutbox(deps, looked)) ? 'published' : 'failed';
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
    // The Logger was removed: nobody is left to tell; take the event out of the due index.
    await deps.store.recordEventDelivery(item.loggerId, item.event.id, {
      sent: [],
      complete: true,
      failed: false,
    });
    return 'skipped';
  }
  const sent = new Map([[item.event.id, item.sent]]);
  return (await publishEvents(deps, logger, [item.event], sent)) ? 'published' : 'failed';
}

function describeItem(item: DueItem): string {
  if (item.type === 'expired') return `expired ${item.key.pk} ${item.key.sk}`;
  const { customer, side } = item.type === 'logger' ? item.logger : item.loggerId;
  return item.type === 'logger' ? `${customer}/${side}` : `${customer}/${side} event ${item.event.id}`;
}

/** Watched Loggers, capped: the ops alarm on heartbeats stopping needs to know only that some are watched. */
export const WATCHED_PROBE_CAP = 100;

async function reportWatched(deps: ListenerDeps): Promise<void> {
  if (!deps.counters.gauge) return;
  try {
    deps.counters.gauge('WatchedLoggers', await deps.store.probeWatched(WATCHED_PROBE_CAP));
  } catch (error) {
    deps.log.warn('counting watched Loggers failed', { error: describe(error) });
  }
}
