/**
 * The mass-silence guard: when many Loggers go silent together the fault is most likely ours (carrier,
 * dial-in bridge, DNS, certificate), so ops hear it once and the customers' reps are not paged per Logger
 * until the hold ends. Pure: a state, facts and `now` in, the next state out. The store writes each change
 * conditionally on `revision`, so concurrent sweepers raise and clear it exactly once.
 */
import type { Transport } from './logger.js';

/** Stage settings (`massSilence` in infra/stages.ts). Durations in milliseconds. */
export interface MassSilenceSettings {
  /** At least this many Loggers became overdue within the window… */
  readonly minLoggers: number;
  /** …and at least this fraction of the watched fleet. */
  readonly fraction: number;
  readonly windowMs: number;
  /** How long customer pages of the Loggers in a mass silence are held. */
  readonly holdMs: number;
}

export const DEFAULT_MASS_SILENCE: MassSilenceSettings = {
  minLoggers: 20,
  fraction: 0.2,
  windowMs: 10 * 60_000,
  holdMs: 15 * 60_000,
};

/** A notice to ops, kept on the mass-silence item until delivered on every ops channel. */
export interface MassSilenceNotice {
  readonly id: string;
  readonly kind: 'MASS_SILENCE' | 'MASS_SILENCE_CLEARED';
  readonly at: number;
  /** Loggers in the silence (raised), or still silent (cleared). */
  readonly count: number;
  readonly watched?: number;
  readonly customers: readonly string[];
  readonly cause: string;
  readonly holdUntil: number;
  readonly sent?: readonly string[];
}

/** How the hold was ended by an operator (`listener alarm release-mass-silence [--drop]`). */
export interface MassSilenceRelease {
  readonly by: string;
  readonly at: number;
  readonly drop: boolean;
  readonly reason?: string;
  /** Held pages released (or dropped). */
  readonly loggers: number;
}

/** The Listener's mass-silence record (one item). */
export interface MassSilence {
  readonly active: boolean;
  readonly since?: number;
  readonly holdUntil?: number;
  readonly count: number;
  readonly watched?: number;
  readonly customers: readonly string[];
  readonly cause?: string;
  readonly revision: number;
  /** Loggers that went DOWN per sweep, kept over the window: a storm spread over several sweeps adds up. */
  readonly recent: readonly { readonly at: number; readonly count: number }[];
  readonly outbox: readonly MassSilenceNotice[];
  /** A sweep claimed the outbox until then (so concurrent sweeps publish it once). */
  readonly outboxClaimedUntil?: number;
  readonly release?: MassSilenceRelease;
}

export const NO_MASS_SILENCE: MassSilence = {
  active: false,
  count: 0,
  customers: [],
  revision: 0,
  recent: [],
  outbox: [],
};

/** What a sweep saw of the Loggers newly overdue (deadline within the window, not yet declared DOWN). */
export interface OverdueSighting {
  readonly count: number;
  readonly customers: readonly string[];
  readonly transports: readonly Transport[];
}

/** Customers named in a notice; the count says how many there are in all. */
export const CUSTOMERS_NAMED = 50;

/** Loggers that went DOWN in earlier sweeps within the window. */
export function recentlyDown(state: MassSilence, now: number, windowMs: number): number {
  return state.recent.filter((r) => r.at > now - windowMs).reduce((sum, r) => sum + r.count, 0);
}

/** Whether `overdue` Loggers out of `watched` make a mass silence. */
export function isMassSilence(overdue: number, watched: number, settings: MassSilenceSettings): boolean {
  return overdue >= settings.minLoggers && overdue >= settings.fraction * watched;
}

/** The shared cause the Listener can see from the Loggers' transports. */
export function likelyCause(transports: readonly Transport[]): string {
  const kinds = new Set(transports);
  if (kinds.size === 1 && kinds.has('modem')) {
    return 'all dial in by modem: suspect the dial-in bridge, its phone lines or the carrier';
  }
  if (kinds.size === 1 && kinds.has('https')) {
    return 'all phone home over HTTPS: suspect the Listener API, DNS or its certificate';
  }
  return 'modem and HTTPS Loggers alike: suspect the Listener itself (API, sweeper clock, store)';
}

/** Raises the mass silence: one MASS_SILENCE notice to ops, pages held until `now + hold`. */
export function raiseMassSilence(
  state: MassSilence,
  now: number,
  facts: { overdue: number; watched: number; sighting: OverdueSighting },
  settings: MassSilenceSettings,
): MassSilence {
  const holdUntil = now + settings.holdMs;
  const customers = [...new Set(facts.sighting.customers)].sort();
  const cause = likelyCause(facts.sighting.transports);
  const notice: MassSilenceNotice = {
    id: `MASS_SILENCE#${now}`,
    kind: 'MASS_SILENCE',
    at: now,
    count: facts.overdue,
    watched: facts.watched,
    customers,
    cause,
    holdUntil,
  };
  const { release: _, ...rest } = state;
  return {
    ...rest,
    active: true,
    since: now,
    holdUntil,
    count: facts.overdue,
    watched: facts.watched,
    customers,
    cause,
    revision: state.revision + 1,
    recent: [],
    outbox: [...state.outbox, notice],
  };
}

/** Whether the silence is over: its hold has ended, or fewer than the threshold are still held. */
export function isOver(state: MassSilence, now: number, stillHeld: number, settings: MassSilenceSettings) {
  if (!state.active) return false;
  return now >= (state.holdUntil ?? now) || stillHeld < settings.minLoggers;
}

/** Clears it: one MASS_SILENCE_CLEARED notice to ops saying how many are still silent. */
export function clearMassSilence(state: MassSilence, now: number, stillSilent: number): MassSilence {
  const notice: MassSilenceNotice = {
    id: `MASS_SILENCE_CLEARED#${state.since ?? now}`,
    kind: 'MASS_SILENCE_CLEARED',
    at: now,
    count: stillSilent,
    customers: state.customers,
    cause: state.cause ?? '',
    holdUntil: Math.min(state.holdUntil ?? now, now),
  };
  return {
    ...state,
    active: false,
    count: stillSilent,
    revision: state.revision + 1,
    recent: [],
    outbox: [...state.outbox, notice],
  };
}

/** Adds what one sweep did: Loggers it declared DOWN (counted over the window) and Loggers it held. */
export function withSweep(
  state: MassSilence,
  now: number,
  outcome: { down: number; held: number },
  windowMs: number,
): MassSilence {
  const recent = state.recent.filter((r) => r.at > now - windowMs);
  return {
    ...state,
    count: state.count + (state.active ? outcome.held : 0),
    recent: outcome.down > 0 ? [...recent, { at: now, count: outcome.down }] : recent,
    revision: state.revision + 1,
  };
}

/** The hold that applies to a Logger whose deadline is `deadline`: only Loggers in the silence are held. */
export function holdFor(
  state: MassSilence,
  deadline: number,
  now: number,
  windowMs: number,
): number | undefined {
  if (!state.active || state.holdUntil === undefined || now >= state.holdUntil) return undefined;
  return deadline > (state.since ?? now) - windowMs ? state.holdUntil : undefined;
}

/** An operator ends the hold now: held pages are released (or dropped); the silence clears next sweep. */
export function releaseMassSilence(state: MassSilence, release: MassSilenceRelease): MassSilence | undefined {
  if (!state.active) return undefined;
  return { ...state, holdUntil: release.at, release, revision: state.revision + 1 };
}

/** Notices delivered on every channel leave the outbox; the claim is released. */
export function massSilenceDelivered(
  state: MassSilence,
  sent: ReadonlyMap<string, readonly string[]>,
  channels: readonly string[],
): MassSilence {
  const outbox = state.outbox
    .map((n) => ({ ...n, sent: sent.get(n.id) ?? n.sent ?? [] }))
    .filter((n) => channels.some((c) => !n.sent.includes(c)));
  const { outboxClaimedUntil: _, ...rest } = state;
  return { ...rest, outbox, revision: state.revision + 1 };
}
