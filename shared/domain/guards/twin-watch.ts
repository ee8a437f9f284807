/**
 * Twin watch: the two Listeners of a pair (GEOCSCLNRA and GEOCSCLNRB) watch each other's sweeper, as the
 * Listener watches Loggers. Each sweep leaves a beacon (when it swept, how often it means to); a Listener
 * whose twin's beacon is older than two sweep periods raises one LISTENER_SILENT to ops, and one
 * LISTENER_RECOVERED when the twin sweeps again. Pure: a watch state, the twin's beacon and `now` in, the
 * next state out. The store writes each change conditionally on `revision`, so concurrent sweeps of the
 * same watcher raise and clear it exactly once (see shared/listener/sweep/twin-watch.ts).
 */

/** A twin is silent after this many of its sweep periods without a sweep. */
export const SILENT_AFTER_PERIODS = 2;

/** What each sweep of a Listener leaves for its twin to read (`LISTENER#SWEEP#<name>`). */
export interface SweepBeacon {
  readonly listenerName: string;
  /** The `now` of its latest sweep (that Listener's clock). */
  readonly lastSweepAt?: number;
  /** How often it sweeps (ms). */
  readonly sweepEveryMs?: number;
  /**
   * The twin recorded on this beacon by the other side (local mode's `--pair-with`): how a Listener started
   * without `TWIN_LISTENER_NAME` learns whom to watch.
   */
  readonly twin?: string;
}

/** A notice to ops about the twin, kept on the watch item until delivered on every ops channel. */
export interface TwinNotice {
  readonly id: string;
  readonly kind: 'LISTENER_SILENT' | 'LISTENER_RECOVERED';
  readonly at: number;
  /** The Listener that noticed (and raised it). */
  readonly watcher: string;
  /** The Listener it is about. */
  readonly twin: string;
  /** The twin's last sweep as its beacon said (absent: never seen since the watch began). */
  readonly lastSweepAt?: number;
  /** The silence that ended (LISTENER_RECOVERED): from the last sweep seen before it to the first after. */
  readonly silentForMs?: number;
  /** The sweep period the two-period rule used. */
  readonly sweepEveryMs: number;
  /** Channels that delivered it. */
  readonly sent?: readonly string[];
}

/** The twin as the watcher last judged it: one item per watcher and twin. */
export interface TwinWatch {
  readonly watcher: string;
  readonly twin: string;
  /** 0: never written. */
  readonly revision: number;
  /** The first sweep that watched this twin: a twin never seen is silent two periods after it. */
  readonly watchingSince?: number;
  /** Set while LISTENER_SILENT is raised (not yet recovered). */
  readonly silent?: { readonly raisedAt: number; readonly lastSweepAt?: number };
  readonly outbox: readonly TwinNotice[];
  /** A sweep claimed the outbox until then (so concurrent sweeps publish it once). */
  readonly outboxClaimedUntil?: number;
}

/** The watch before anything was written. */
export function newWatch(watcher: string, twin: string): TwinWatch {
  return { watcher, twin, revision: 0, outbox: [] };
}

/**
 * How long the twin may go without a sweep: two periods, of whichever of the two sweeps less often — and
 * no less than this side's own time since its previous sweep (`ownGapMs`): a machine or store slow enough
 * to hold this side's sweeps back holds the twin's back alike, and that is not the twin's silence.
 */
export function silentAfterMs(sweepEveryMs: number, beacon: SweepBeacon | undefined, ownGapMs = 0): number {
  return SILENT_AFTER_PERIODS * Math.max(sweepEveryMs, beacon?.sweepEveryMs ?? 0, ownGapMs);
}

/** The twin's last sweep, or the watch's start if it has never swept. */
function lastSeen(state: TwinWatch, beacon: SweepBeacon | undefined, now: number): number {
  return beacon?.lastSweepAt ?? state.watchingSince ?? now;
}

/** Whether the twin is silent at `now`: no sweep for more than two periods. */
export function isTwinSilent(
  state: TwinWatch,
  beacon: SweepBeacon | undefined,
  now: number,
  sweepEveryMs: number,
  ownGapMs = 0,
): boolean {
  return now - lastSeen(state, beacon, now) > silentAfterMs(sweepEveryMs, beacon, ownGapMs);
}

/**
 * The watch after looking at the twin's beacon at `now`, or undefined when nothing changes (the common
 * case: no write). Raises LISTENER_SILENT once when the twin goes silent, LISTENER_RECOVERED once when it
 * sweeps again.
 */
export function watchTwin(
  state: TwinWatch,
  beacon: SweepBeacon | undefined,
  now: number,
  sweepEveryMs: number,
  /** This side's time since its own previous sweep (see {@link silentAfterMs}). */
  ownGapMs = 0,
): TwinWatch | undefined {
  const started = state.watchingSince === undefined ? { ...state, watchingSince: now } : state;
  const silent = isTwinSilent(started, beacon, now, sweepEveryMs, ownGapMs);
  const seenAt = beacon?.lastSweepAt;
  const period = Math.max(sweepEveryMs, beacon?.sweepEveryMs ?? 0);
  const base = { watcher: state.watcher, twin: state.twin, at: now, sweepEveryMs: period };
  if (silent && !started.silent) {
    const notice: TwinNotice = {
      ...base,
      id: `LISTENER_SILENT#${state.watcher}#${state.twin}#${now}`,
      kind: 'LISTENER_SILENT',
      ...(seenAt === undefined ? {} : { lastSweepAt: seenAt }),
    };
    return {
      ...started,
      silent: { raisedAt: now, ...(seenAt === undefined ? {} : { lastSweepAt: seenAt }) },
      revision: state.revision + 1,
      outbox: [...started.outbox, notice],
    };
  }
  if (!silent && started.silent) {
    const before = started.silent.lastSweepAt ?? started.watchingSince ?? now;
    const notice: TwinNotice = {
      ...base,
      id: `LISTENER_RECOVERED#${state.watcher}#${state.twin}#${started.silent.raisedAt}`,
      kind: 'LISTENER_RECOVERED',
      ...(seenAt === undefined ? {} : { lastSweepAt: seenAt, silentForMs: Math.max(0, seenAt - before) }),
    };
    const { silent: _, ...rest } = started;
    return { ...rest, revision: state.revision + 1, outbox: [...started.outbox, notice] };
  }
  return started === state ? undefined : { ...started, revision: state.revision + 1 };
}

/** Claims the outbox for publishing until `until`; undefined when there is nothing to publish or it is claimed. */
export function claimTwinOutbox(state: TwinWatch, now: number, until: number): TwinWatch | undefined {
  if (state.outbox.length === 0 || (state.outboxClaimedUntil ?? 0) > now) return undefined;
  return { ...state, outboxClaimedUntil: until, revision: state.revision + 1 };
}

/** Notices delivered on every channel leave the outbox; the claim is released. */
export function twinOutboxDelivered(
  state: TwinWatch,
  sent: ReadonlyMap<string, readonly string[]>,
  channels: readonly string[],
): TwinWatch {
  const outbox = state.outbox
    .map((n) => ({ ...n, sent: [...new Set([...(n.sent ?? []), ...(sent.get(n.id) ?? [])])] }))
    .filter((n) => channels.some((c) => !n.sent.includes(c)));
  const { outboxClaimedUntil: _, ...rest } = state;
  return { ...rest, outbox, revision: state.revision + 1 };
}
