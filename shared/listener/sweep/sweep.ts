/**
 * The sweep: find what is due (overdue Loggers, pending notices, unpublished events) through the `due`
 * index — never a Scan — and act on each. One bad item never stops a sweep.
 */
import { awaitsTwin } from '../../domain/guards/blind-customer.js';
import type { MassSilence } from '../../domain/guards/mass-silence.js';
import { formatLoggerId, twinOf } from '../../domain/logger.js';
import type { SweepReport } from '../../ports/listener-records.js';
import type { DueItem } from '../../ports/watchlist.js';
import type { ListenerDeps } from '../deps.js';
import { publishEvents } from '../events.js';
import { recordChannelHealth } from '../notices/channel-health.js';
import { describe, RECORDING_MARGIN_MS } from '../notices/outbox.js';
import { resendStandingAlarms } from '../notices/standing-alarms.js';
import type { TwinRead } from './blind-customer.js';
import { guardMassSilence, recordSweepOutcome } from './mass-silence.js';
import { finishLogger, type Outcome, type Settled, settleLogger } from './sweep-logger.js';
import { beaconWhileSweeping, watchTwinListener } from './twin-watch.js';

export type { SweepReport } from '../../ports/listener-records.js';

export interface SweepLimits {
  /**
   * Stop starting new items after this long (ms), and wait on no receiver past it (a hanging one is cut
   * off, its notice retried by a later run): the rest stays due for the next run.
   */
  readonly budgetMs?: number;
  /** How many due items are handled at once. */
  readonly concurrency?: number;
}

/** Items handled at once: enough to hide request latency, few enough not to throttle a small table. */
export const DEFAULT_SWEEP_CONCURRENCY = 16;

/** Due items handled together: BatchGetItem's limit, so a page's twins are one read. */
export const SWEEP_PAGE_SIZE = 100;

/**
 * Sweeps once at `now` (Listener clock). Items are handled a page at a time, `concurrency` at once; every
 * write is conditional, so concurrent handling (here or in another sweeper) still raises each alarm once.
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
    const report = await sweepDue(deps, now, clock, limits, started);
    // Alertmanager forgets a firing alert not posted again: the first sweep of each period re-sends them.
    await resendStandingAlarms(deps, now).catch((error) =>
      deps.log.error('re-sending standing alarms failed; the next period tries again', {
        error: describe(error),
      }),
    );
    return report;
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
  // Decided before anything is paged, so a storm's Loggers are held from the first sweep that sees them; the
  // first due item is read first, so an idle sweep spares the guard's overdue query.
  const dueItems = deps.watchlist.findDue(now)[Symbol.asyncIterator]();
  const first = await dueItems.next();
  const silence = await massSilenceNow(deps, now, !first.done);
  const page: Page = {
    deps,
    now,
    silence,
    tally,
    concurrency: Math.max(1, limits.concurrency ?? DEFAULT_SWEEP_CONCURRENCY),
    ...(limits.budgetMs === undefined ? {} : { endBy: started + limits.budgetMs }),
  };
  let due = 0;
  let oldestPendingMs = 0;
  let cutShort = false;
  let items: DueItem[] = [];
  for await (const item of withFirst(first, dueItems)) {
    if (limits.budgetMs !== undefined && clock() - started >= limits.budgetMs) {
      cutShort = true;
      break;
    }
    due++;
    oldestPendingMs = Math.max(oldestPendingMs, pendingAge(item, now));
    items.push(item);
    if (items.length < SWEEP_PAGE_SIZE) continue;
    await sweepPage(page, items);
    items = [];
  }
  await sweepPage(page, items);
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
  await recordChannelHealth(deps, now).catch((error) =>
    deps.log.error('recording the channels’ health failed', { error: describe(error) }),
  );
  // The Listener's own heartbeat: `listener doctor` reports a sweeper that has stopped.
  try {
    // A side of a pair records its own: the twin's sweeps must not make a stopped sweeper look fine.
    const side = deps.twinListenerName ? deps.listenerName : undefined;
    await deps.records.recordSweep({ lastRunAt: now, report }, side);
  } catch (error) {
    deps.log.error('recording the sweep failed', { error: describe(error) });
  }
  return report;
}

/** What one sweep's pages share. */
interface Page {
  readonly deps: ListenerDeps;
  readonly now: number;
  readonly silence: MassSilence | undefined;
  readonly tally: Record<Outcome, number>;
  readonly concurrency: number;
  /** The budget's end (on the sweep's clock): no publication waits on a receiver past it. */
  readonly endBy?: number;
}

/**
 * Handles a page of due items: first every transition (conditional writes, `concurrency` at a time), then
 * the twins of the page's new alarms in one strongly consistent BatchGetItem — read after every write of
 * the page landed, the order the blind-customer check rests on — then each alarm's look and publication.
 */
async function sweepPage(page: Page, items: readonly DueItem[]): Promise<void> {
  const { deps, now, silence, tally, endBy } = page;
  const settled: Settled[] = [];
  await eachAtMost(page.concurrency, items, async (item) => {
    const outcome = await guarded(deps, item, () =>
      item.type === 'logger'
        ? settleLogger(deps, item.logger, now, silence)
        : handleOther(deps, item, now, endBy),
    );
    if (typeof outcome === 'string') tally[outcome]++;
    else settled.push(outcome);
  });
  const twins = await readTwins(deps, settled);
  await eachAtMost(page.concurrency, settled, async (s) => {
    const item: DueItem = { type: 'logger', logger: s.written };
    const readAfter = twins.get(formatLoggerId(twinOf(s.written)));
    tally[await guarded(deps, item, () => finishLogger(deps, s, now, readAfter, endBy))]++;
  });
}

/** One bad item never stops a sweep: it is counted as failed, logged, and stays due. */
async function guarded<T>(deps: ListenerDeps, item: DueItem, body: () => Promise<T>): Promise<T | 'failed'> {
  try {
    return await body();
  } catch (error) {
    deps.log.error('sweeping an item failed; it stays due', {
      item: describeItem(item),
      error: describe(error),
    });
    return 'failed';
  }
}

/**
 * The twins of the alarms awaiting a look at them, in one request per 100. A twin this read missed (or a
 * failed read) is read alone by its alarm's look, as before batching.
 */
async function readTwins(deps: ListenerDeps, settled: readonly Settled[]): Promise<Map<string, TwinRead>> {
  const twins = new Map<string, TwinRead>();
  const ids = settled.filter((s) => awaitsTwin(s.written)).map((s) => twinOf(s.written));
  if (ids.length === 0) return twins;
  try {
    for (const [key, twin] of await deps.loggers.getMany(ids)) twins.set(key, { twin });
  } catch (error) {
    deps.log.warn("reading a page's twins failed; each alarm reads its own", { error: describe(error) });
  }
  return twins;
}

/** Runs `task` over `items` with at most `limit` in flight. */
async function eachAtMost<T>(limit: number, items: readonly T[], task: (item: T) => Promise<void>) {
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) await task(items[i] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** How long the oldest undelivered notification of an item has waited (0: nothing pending). */
function pendingAge(item: DueItem, now: number): number {
  if (item.type === 'expired') return 0;
  if (item.type === 'event') return Math.max(0, now - item.event.receivedAt);
  const oldest = Math.min(...item.logger.outbox.map((n) => n.at));
  return Number.isFinite(oldest) ? Math.max(0, now - oldest) : 0;
}

/** The items of `rest` after the `first` one already read. */
async function* withFirst<T>(first: IteratorResult<T>, rest: AsyncIterator<T>): AsyncIterable<T> {
  for (let next = first; !next.done; next = await rest.next()) yield next.value;
}

/** The mass-silence record, when the guard is on; a failing guard pages as usual (never holds blindly). */
async function massSilenceNow(
  deps: ListenerDeps,
  now: number,
  somethingDue: boolean,
): Promise<MassSilence | undefined> {
  if (!deps.massSilence) return undefined;
  try {
    return await guardMassSilence(deps, deps.massSilence, now, somethingDue);
  } catch (error) {
    deps.log.error('the mass-silence guard failed; this sweep pages as usual', { error: describe(error) });
    return undefined;
  }
}

/** An unpublished event or an expired item: one step each. */
async function handleOther(
  deps: ListenerDeps,
  item: Exclude<DueItem, { type: 'logger' }>,
  now: number,
  endBy: number | undefined,
): Promise<Outcome> {
  if (item.type === 'event') return republishEvent(deps, item, now, endBy);
  // No TTL on a pair's table: expired items are deleted here, a budget's worth per sweep.
  return (await deps.watchlist.pruneExpired(item.key, now)) ? 'pruned' : 'skipped';
}

async function republishEvent(
  deps: ListenerDeps,
  item: Extract<DueItem, { type: 'event' }>,
  now: number,
  endBy: number | undefined,
): Promise<Outcome> {
  if (!(await deps.events.claimEvent(item.loggerId, item.event.id, item.dueAt, now + deps.outboxRetryMs)))
    return 'skipped';
  const logger = await deps.loggers.get(item.loggerId);
  if (!logger) {
    // The Logger was removed: nobody is left to tell; take the event out of the due index.
    await deps.events.recordEventDelivery(item.loggerId, item.event.id, {
      sent: [],
      complete: true,
      failed: false,
    });
    return 'skipped';
  }
  const sent = new Map([[item.event.id, item.sent]]);
  const deadline = Math.min(
    now + deps.outboxRetryMs - RECORDING_MARGIN_MS,
    endBy ?? Number.POSITIVE_INFINITY,
  );
  return (await publishEvents(deps, logger, [item.event], sent, deadline)) ? 'published' : 'failed';
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
    deps.counters.gauge('WatchedLoggers', await deps.watchlist.probeWatched(WATCHED_PROBE_CAP));
  } catch (error) {
    deps.log.warn('counting watched Loggers failed', { error: describe(error) });
  }
}
