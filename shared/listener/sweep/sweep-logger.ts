/**
 * One due Logger, in two steps so that a page of them can share one read of their twins:
 * `settleLogger` makes its transition (one conditional write, or the claim of a pending outbox), and
 * `finishLogger` looks at the twin and publishes what that write put in the outbox. The sweep runs the
 * first step for a whole page, then reads the page's twins, then the second step (shared/listener/sweep/sweep.ts).
 */
import { randomUUID } from 'node:crypto';
import { holdFor, type MassSilence } from '../../domain/guards/mass-silence.js';
import type { Logger } from '../../domain/logger.js';
import { claimOutbox, sweepLogger, type Transition } from '../../domain/transitions.js';
import type { ListenerDeps } from '../deps.js';
import { type OutboxDeps, publishOutbox } from '../notices/outbox.js';
import { lookAtTwin, type TwinRead } from './blind-customer.js';

/** What settling one due Logger uses: the Logger store, the channels and the guard's settings. */
export type SweepLoggerDeps = OutboxDeps & Pick<ListenerDeps, 'massSilence' | 'renotifyEveryMs'>;

/** `held`: declared DOWN with its pages held by a mass silence; `released`: held pages paged at the hold's end. */
export type Outcome = 'raised' | 'held' | 'released' | 'published' | 'pruned' | 'skipped' | 'failed';

/** A Logger this sweep has written: its outbox is this sweep's to publish. */
export interface Settled {
  /** The Logger as read before the write. */
  readonly before: Logger;
  /** The Logger as this sweep stored it. */
  readonly written: Logger;
  /** The transition's notice; absent when the write only claimed a pending outbox to retry it. */
  readonly notice?: Transition['notice'];
  /** This look's claim id: the notices its write claimed are its to publish (shared/domain/notices/notice-claims.ts). */
  readonly claimId: string;
}

/** How often a transition may lose a write with the Logger unchanged (a cross-region conflict) in one sweep. */
const MAX_ATTEMPTS = 3;

/** Step one: the Logger's transition, written; an outcome when there is nothing more to do. */
export async function settleLogger(
  deps: SweepLoggerDeps,
  found: Logger,
  now: number,
  silence: MassSilence | undefined,
): Promise<Outcome | Settled> {
  let logger: Logger | undefined = found;
  for (let attempt = 0; logger && attempt < MAX_ATTEMPTS; attempt++) {
    const holdUntil =
      silence && deps.massSilence
        ? holdFor(silence, logger.deadline, now, deps.massSilence.windowMs)
        : undefined;
    const settled = await settleOnce(deps, logger, now, holdUntil);
    if (settled !== 'retry') return settled;
    logger = await deps.loggers.get(logger);
  }
  return 'skipped';
}

/** One look at a due Logger; `retry` when its write failed yet the Logger is unchanged. */
async function settleOnce(
  deps: SweepLoggerDeps,
  logger: Logger,
  now: number,
  holdUntil: number | undefined,
): Promise<Outcome | Settled | 'retry'> {
  const claimId = randomUUID();
  const options = {
    claimBy: claimId,
    outboxRetryMs: deps.outboxRetryMs,
    ...(deps.renotifyEveryMs === undefined ? {} : { renotifyEveryMs: deps.renotifyEveryMs }),
    ...(holdUntil === undefined ? {} : { holdUntil }),
  };
  const transition = sweepLogger(logger, now, options);
  if (!transition) {
    if (logger.outbox.length === 0) return 'skipped';
    // Claim first so that two sweepers finding the same pending notice publish it once; the notices
    // another writer still holds are left to it.
    const channels = deps.channels.map((c) => c.name);
    const claimed = claimOutbox(logger, now, deps.outboxRetryMs, claimId, channels);
    return claimed && (await deps.loggers.writeTransition(logger, claimed))
      ? { before: logger, written: claimed, claimId }
      : 'skipped';
  }
  const { next, notice } = transition;
  if (!(await deps.loggers.writeTransition(logger, next))) {
    // Another writer won (the Logger moved: nothing to do), or a write from another region collided with
    // ours and neither landed (the Logger is unchanged: look again).
    const current = await deps.loggers.get(logger);
    return current && current.revision === logger.revision && current.deadline === logger.deadline
      ? 'retry'
      : 'skipped';
  }
  return notice ? { before: logger, written: next, notice, claimId } : 'skipped';
}

/**
 * Step two: the look at the twin (shared/listener/sweep/blind-customer.ts; `readAfter` is the twin read after
 * the write of step one), then the outbox published. An alarm counts as raised only once delivered on
 * every channel; otherwise the next sweep retries what is missing.
 */
export async function finishLogger(
  deps: SweepLoggerDeps,
  settled: Settled,
  now: number,
  readAfter?: TwinRead,
  endBy?: number,
): Promise<Outcome> {
  const { before, written, notice, claimId } = settled;
  const looked = await lookAtTwin(deps, written, now, claimId, readAfter);
  if (notice && written.held && !before.held) {
    await recordHeldLook(deps, written, looked);
    return 'held';
  }
  if (!(await publishOutbox(deps, looked, claimId, now, endBy === undefined ? {} : { endBy })))
    return 'failed';
  if (notice?.kind !== 'LOGGER_SILENT' || notice.reminder) return 'published';
  return before.held ? 'released' : 'raised';
}

/**
 * Held pages are not published now, so nothing else writes the look at the twin: write it (best effort —
 * if this loses, the held alarm still awaits its twin and is looked at again when the hold ends).
 */
async function recordHeldLook(deps: SweepLoggerDeps, written: Logger, looked: Logger): Promise<void> {
  if (looked === written || looked.revision !== written.revision) return;
  await deps.loggers.writeTransition(written, { ...looked, revision: written.revision + 1 });
}
