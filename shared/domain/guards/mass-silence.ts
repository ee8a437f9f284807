/**
 * The mass-silence guard: when many Loggers go silent together the fault is most likely ours (carrier,
 * dial-in bridge, DNS, certificate), so ops hear it once and the customers' reps are not paged per Logger
 * until the hold ends. Pure: a state, facts and `now` in, the next state out. The store writes each change
 * conditionally on `revision`, so concurrent sweepers raise and clear it exactly once.
 */
import type { Transport } from '../logger.js';

/** Stage settings (`massSilence` in infra/stages.ts). Durations in milliseconds. */
export interface MassSilenceSettings {
  /** At least this many Loggers expected to phone home within the window did not… */
  readonly minLoggers: number;
  /** …and at least this share of the phone-homes the watched fleet was expected to make in the window. */
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
  /** Raised: how many of the watched were expected to phone home within the window. */
  readonly expected?: number;
  readonly customers: readonly string[];
  readonly cause: string;
  /** Raised: when the held pages go out. Cleared: when those still silent page (now, or the hold's end). */
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

/** What a sweep saw of the Loggers newly missing (see {@link isMissing}), not yet declared DOWN. */
export interface OverdueSighting {
  readonly count: number;
  readonly customers: readonly string[];
  readonly transports: readonly Transport[];
  /** The earliest deadline among them: when the first of their pages falls due. */
  readonly firstDeadline?: number;
  /** The dial-in bridge sites every one of them is bound to (see {@link commonSites}); empty: none shared. */
  readonly sites?: readonly string[];
}

/**
 * The bridge sites shared by every Logger of `bindings` (each a modem Logger's bound sites; undefined: an
 * HTTPS or unbound Logger, which shares none): one site left names the bridge a partial outage hit.
 */
export function commonSites(bindings: readonly (readonly string[] | undefined)[]): string[] {
  if (bindings.length === 0) return [];
  let common = new Set(bindings[0] ?? []);
  for (const sites of bindings.slice(1)) common = new Set((sites ?? []).filter((s) => common.has(s)));
  return [...common].sort();
}

/**
 * The fleet's rhythm, kept on the fleet counter item by the writes that keep its count: how many Loggers,
 * how many phone-homes they make a day in all (Σ 1/interval), and the distinct margins (timeout − interval)
 * among them, which say where in the `due` index the late ones are.
 */
export interface FleetRhythm {
  readonly loggers: number;
  readonly phoneHomesPerDay: number;
  readonly margins: readonly number[];
}

export const DAY_MS = 24 * 60 * 60_000;

/**
 * How long past its interval mark a phone-home still counts as on time: a fifth of the window (2 min with
 * the default 10 m). Heartbeat jitter within it never makes a witness; the rest of the window collects them.
 */
export function graceMs(windowMs: number): number {
  return windowMs / 5;
}

/** The facts of a watched (NEW or UP) Logger the guard judges: its deadline and its settings. */
export interface WatchedFacts {
  readonly deadline: number;
  readonly eventTimeoutMs: number;
  readonly heartbeatIntervalMs: number;
}

/**
 * Whether a watched Logger is missing at `now`: its interval mark (last phone-home, or registration, plus
 * its interval: `deadline − timeout + interval`) passed within the window by more than the grace and it has
 * not phoned home since (it would have a later deadline) — a LATE witness, about `timeout − interval` before
 * its page falls due — or its deadline itself passed within the window (overdue, not yet swept). `from`
 * widens the window back to the start of a storm (`since − window`) to count who is still in it.
 */
export function isMissing(
  logger: WatchedFacts,
  now: number,
  windowMs: number,
  from = now - windowMs,
): boolean {
  const mark = logger.deadline - logger.eventTimeoutMs + logger.heartbeatIntervalMs;
  const late = mark > from && mark <= now - graceMs(windowMs);
  const overdue = logger.deadline > from && logger.deadline <= now;
  return late || overdue;
}

/** A range of deadlines `(from, to]` (the `due` index's key for a watched Logger). */
export interface DeadlineRange {
  readonly from: number;
  readonly to: number;
}

/**
 * The deadline ranges holding every Logger {@link isMissing} may count: for each margin m, the marks in the
 * window are deadlines in `(now − window + m, now − grace + m]`; with `overdue`, also `(now − window, now]`.
 * Overlapping ranges are merged, so a fleet of one margin costs one query per shard (two when something is
 * overdue and the margin exceeds the window). Each is narrow: in a healthy fleet it holds almost nobody.
 */
export function sightingRanges(
  margins: readonly number[],
  now: number,
  windowMs: number,
  overdue: boolean,
  from = now - windowMs,
): DeadlineRange[] {
  const grace = graceMs(windowMs);
  const ranges = [
    ...(overdue ? [{ from, to: now }] : []),
    ...margins.map((m) => ({ from: from + m, to: now - grace + m })),
  ]
    .filter((r) => r.to > r.from)
    .sort((a, b) => a.from - b.from);
  const merged: DeadlineRange[] = [];
  for (const range of ranges) {
    const last = merged.at(-1);
    if (last && range.from <= last.to)
      merged[merged.length - 1] = { from: last.from, to: Math.max(last.to, range.to) };
    else merged.push(range);
  }
  return merged;
}

/**
 * How many of the `watched` Loggers were expected to phone home within the window's witness part
 * (`window − grace`): Σ (window − grace)/interval, at most one per Logger. The counter's sum covers every
 * registered Logger; the paused are taken out in proportion. Without a rhythm (a counter written before it
 * was kept: `listener fleet recount` adds it) every watched Logger counts, as the guard counted before.
 */
export function expectedInWindow(rhythm: FleetRhythm | undefined, watched: number, windowMs: number): number {
  if (!rhythm || rhythm.loggers <= 0) return watched;
  const perDayWatched = rhythm.phoneHomesPerDay * Math.min(1, watched / rhythm.loggers);
  return Math.min(watched, (perDayWatched * (windowMs - graceMs(windowMs))) / DAY_MS);
}

/** Customers named in a notice; the count says how many there are in all. */
export const CUSTOMERS_NAMED = 50;

/** Loggers that went DOWN in earlier sweeps within the window. */
export function recentlyDown(state: MassSilence, now: number, windowMs: number): number {
  return state.recent.filter((r) => r.at > now - windowMs).reduce((sum, r) => sum + r.count, 0);
}

/** Whether `missing` Loggers, of the `expected` phone-homes in the window, make a mass silence. */
export function isMassSilence(missing: number, expected: number, settings: MassSilenceSettings): boolean {
  return missing >= settings.minLoggers && missing >= settings.fraction * expected;
}

/**
 * The shared cause the Listener can see: one customer's Loggers alone point at that customer's network,
 * modem Loggers all bound to one bridge site at that site; otherwise the transports point at the bridges
 * and carrier, at the API, or at the Listener itself.
 */
export function likelyCause(
  transports: readonly Transport[],
  customers: readonly string[] = [],
  sites: readonly string[] = [],
): string {
  const distinct = [...new Set(customers)];
  if (distinct.length === 1) {
    return `all of customer ${distinct[0]}: suspect that customer's network or its link to the Listener`;
  }
  const kinds = new Set(transports);
  if (sites.length === 1 && kinds.size === 1 && kinds.has('modem')) {
    return `all dial in through bridge site ${sites[0]}: suspect that site's bridge, its phone lines or its carrier`;
  }
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
  facts: { overdue: number; watched: number; expected?: number; sighting: OverdueSighting },
  settings: MassSilenceSettings,
): MassSilence {
  // Pages are held for `hold` from when the first of them falls due: seen by its LATE witnesses, the
  // silence is declared long before (about timeout − interval), and ops get the whole hold all the same.
  const holdUntil = Math.max(now, facts.sighting.firstDeadline ?? now) + settings.holdMs;
  const customers = [...new Set(facts.sighting.customers)].sort();
  const cause = likelyCause(facts.sighting.transports, customers, facts.sighting.sites);
  const notice: MassSilenceNotice = {
    id: `MASS_SILENCE#${now}`,
    kind: 'MASS_SILENCE',
    at: now,
    count: facts.overdue,
    watched: facts.watched,
    ...(facts.expected === undefined ? {} : { expected: Math.ceil(facts.expected) }),
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
    // Early (few still in it): those still silent page at the hold's end the MASS_SILENCE promised ops,
    // unless released sooner; the notice says when.
    holdUntil: Math.max(state.holdUntil ?? now, now),
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
