/**
 * The mass-silence guard in the sweep (see shared/domain/guards/mass-silence.ts and docs/mass-silence.md). Before a
 * sweep pages anyone it looks at how many watched Loggers expected to phone home within the window did not
 * (LATE witnesses, and the overdue); at the threshold
 * it raises one MASS_SILENCE to ops, and the sweep holds the pages of the Loggers in it. Every change of the
 * record is a conditional write on its revision, so concurrent sweepers raise and clear it once.
 */

import { randomBytes, randomUUID } from 'node:crypto';
import { StoreUnavailableError } from '../../domain/errors.js';
import {
  clearMassSilence,
  expectedInWindow,
  type FleetRhythm,
  isMassSilence,
  isOver,
  type MassSilence,
  type MassSilenceSettings,
  massSilenceDelivered,
  raiseMassSilence,
  recentlyDown,
  releaseMassSilence,
  sightingRanges,
  withSweep,
} from '../../domain/guards/mass-silence.js';
import { formatLoggerId } from '../../domain/logger.js';
import { massSilenceNotification } from '../../domain/notices/notification.js';
import { dropHeld, releaseHeld } from '../../domain/transitions.js';
import type { AuditLog } from '../../ports/audit-log.js';
import { updateLogger } from '../admin.js';
import type { ListenerDeps } from '../deps.js';
import { deliver, describe } from '../notices/delivery.js';
import { type OutboxDeps, publishOutbox } from '../notices/outbox.js';

/**
 * What the mass-silence guard uses: the Listener's records (the mass-silence record), the watchlist (the
 * missing and the held), the ops channels, and the Logger store and channels to release held pages.
 */
export type MassSilenceDeps = OutboxDeps &
  Pick<ListenerDeps, 'records' | 'watchlist' | 'opsChannels' | 'renotifyEveryMs'>;

/** Concurrent sweepers can make a record write lose a few times in a row, not forever. */
const MAX_ATTEMPTS = 5;

/**
 * Evaluates the guard at `now` (before the sweep pages anything) and returns the record as it stands: the
 * sweep holds the pages of Loggers in an active silence ({@link holdFor}).
 */
export async function guardMassSilence(
  deps: MassSilenceDeps,
  settings: MassSilenceSettings,
  now: number,
  somethingDue = true,
): Promise<MassSilence> {
  const view = await deps.records.getMassSilenceAndRhythm();
  let state = view.silence;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const next = await decide(deps, settings, { state, rhythm: view.rhythm, somethingDue }, now);
    if (!next) break;
    if (await deps.records.writeMassSilence(state, next)) {
      state = next;
      break;
    }
    state = await deps.records.getMassSilence();
  }
  return publishMassSilence(deps, state, now);
}

/** What the guard decides on: the record, the fleet's rhythm, whether anything at all is due now. */
interface GuardView {
  readonly state: MassSilence;
  readonly rhythm: FleetRhythm | undefined;
  /** False when the sweep found nothing due: then nothing is overdue, and that query is saved. */
  readonly somethingDue: boolean;
}

async function decide(
  deps: MassSilenceDeps,
  settings: MassSilenceSettings,
  { state, rhythm, somethingDue }: GuardView,
  now: number,
): Promise<MassSilence | undefined> {
  if (state.active) {
    const holdUntil = state.holdUntil ?? now;
    // Still in it: missing since the storm began — LATE and not yet due (seen long before their pages), or
    // overdue and not swept yet (a big storm takes several sweeps) — or held. Counted in that order: a Logger
    // a concurrent sweep holds meanwhile is counted twice, never missed.
    let stillHeld = 0;
    if (now < holdUntil) {
      const from = (state.since ?? now) - settings.windowMs;
      const ranges = sightingRanges(rhythm?.margins ?? [], now, settings.windowMs, true, from);
      stillHeld += (await deps.watchlist.sightMissing(now, settings.windowMs, ranges, from)).count;
      stillHeld += await deps.watchlist.countHeld(holdUntil);
    }
    if (!isOver(state, now, stillHeld, settings)) return undefined;
    deps.log.warn('MASS_SILENCE_CLEARED: the mass silence is over', { stillHeld });
    return clearMassSilence(state, now, stillHeld);
  }
  // Witnesses (past their interval mark, not yet due) and the overdue: narrow ranges of the due index.
  const ranges = sightingRanges(rhythm?.margins ?? [], now, settings.windowMs, somethingDue);
  const sighting = await deps.watchlist.sightMissing(now, settings.windowMs, ranges);
  const missing = sighting.count + recentlyDown(state, now, settings.windowMs);
  if (missing < settings.minLoggers) return undefined;
  // Only at the threshold: the fleet counter (one GetItem) minus the paused (the sparse `state` index).
  const watched = await deps.watchlist.countWatched();
  const expected = expectedInWindow(rhythm, watched, settings.windowMs);
  if (!isMassSilence(missing, expected, settings)) return undefined;
  deps.log.error('MASS_SILENCE: many Loggers went silent together; customer pages are held', {
    missing,
    expected: Math.ceil(expected),
    watched,
    customers: sighting.customers.length,
  });
  return raiseMassSilence(state, now, { overdue: missing, watched, expected, sighting }, settings);
}

/** Records what a sweep did (Loggers declared DOWN over the window; Loggers held), on the record as it is now. */
export async function recordSweepOutcome(
  deps: MassSilenceDeps,
  settings: MassSilenceSettings,
  now: number,
  outcome: { down: number; held: number },
): Promise<void> {
  if (outcome.down === 0 && outcome.held === 0) return;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const state = await deps.records.getMassSilence();
    if (await deps.records.writeMassSilence(state, withSweep(state, now, outcome, settings.windowMs))) return;
  }
  deps.log.warn('could not record the sweep on the mass-silence record; the next sweep counts again');
}

/**
 * Publishes the record's pending ops notices on the ops channels, once: the outbox is claimed by a
 * conditional write first, and what each channel delivered is recorded (a failed channel alone is retried).
 */
export async function publishMassSilence(
  deps: MassSilenceDeps,
  state: MassSilence,
  now: number,
): Promise<MassSilence> {
  if (state.outbox.length === 0 || (state.outboxClaimedUntil ?? 0) > now) return state;
  const claimed: MassSilence = {
    ...state,
    outboxClaimedUntil: now + deps.outboxRetryMs,
    revision: state.revision + 1,
  };
  if (!(await deps.records.writeMassSilence(state, claimed))) return deps.records.getMassSilence();
  const ops = { ...deps, channels: deps.opsChannels ?? [] };
  const items = claimed.outbox.map((notice) => ({
    notification: massSilenceNotification(notice, deps.listenerName),
    sent: notice.sent ?? [],
  }));
  const deliveries = await deliver(ops, items, 'mass silence');
  const sent = new Map(
    claimed.outbox.map((n) => [
      n.id,
      [
        ...new Set([
          ...(n.sent ?? []),
          ...deliveries.filter((d) => d.deliveredIds.includes(n.id)).map((d) => d.channel),
        ]),
      ],
    ]),
  );
  const channels = ops.channels.map((c) => c.name);
  let current = claimed;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const next = massSilenceDelivered(current, sent, channels);
    if (await deps.records.writeMassSilence(current, next)) return next;
    current = await deps.records.getMassSilence();
  }
  deps.log.error('could not record the delivered mass-silence notices', { error: describe('conflict') });
  return current;
}

/** What an operator's release did. */
export interface ReleaseOutcome {
  readonly silence: MassSilence;
  /** Loggers whose held pages were paged now (or dropped). */
  readonly loggers: readonly string[];
}

/**
 * Ends the hold now (`listener alarm release-mass-silence`): the held pages of the Loggers still silent go
 * out now, or with `drop` are discarded (who and why recorded on the record and in the log). Undefined when
 * no mass silence is on. The next sweep clears the silence (MASS_SILENCE_CLEARED to ops).
 */
export async function releaseHold(
  deps: MassSilenceDeps,
  request: { by: string; drop: boolean; reason?: string; audit?: AuditLog },
  now: number,
): Promise<ReleaseOutcome | undefined> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const state = await deps.records.getMassSilence();
    if (!state.active || state.holdUntil === undefined) return undefined;
    const held = await deps.watchlist.findHeld(state.holdUntil);
    const release = {
      by: request.by,
      at: now,
      drop: request.drop,
      ...(request.reason ? { reason: request.reason } : {}),
      loggers: held.length,
    };
    const next = releaseMassSilence(state, release);
    // The record first: from now on no sweep holds another page.
    if (!next || !(await deps.records.writeMassSilence(state, next))) continue;
    deps.log.warn(request.drop ? 'held pages dropped by an operator' : 'held pages released by an operator', {
      ...release,
    });
    const loggers: string[] = [];
    for (const logger of held) {
      // The released pages are this release's to deliver: claimed in the write that moves them to the outbox.
      const claimId = randomUUID();
      const { after } = await updateLogger(deps.loggers, logger, (current) =>
        request.drop
          ? dropHeld(current, request.by, now)
          : releaseHeld(current, now, deps.outboxRetryMs, deps.renotifyEveryMs, claimId)?.next,
      );
      if (!after) continue;
      loggers.push(formatLoggerId(after));
      await request.audit?.append({
        id: randomBytes(6).toString('hex'),
        at: now,
        loggerId: { customer: after.customer, side: after.side },
        action: request.drop ? 'mass-silence-drop' : 'mass-silence-release',
        actor: request.by,
        via: 'cli',
        ...(request.reason ? { detail: request.reason } : {}),
      });
      if (!request.drop) await publishOutbox(deps, after, claimId, now);
    }
    return { silence: next, loggers };
  }
  throw new StoreUnavailableError('the mass-silence record is being updated by sweeps; retry shortly');
}
