/**
 * Which Listener of a pair the bridge relays to, pure: the clock is injected. Like the note's primary and
 * backup Phone Home numbers, the bridge relays to its primary Listener, moves to the backup once the
 * backoff has counted the primary down (a few failed attempts in a row: no answer, a timeout or a 5xx — never
 * a 4xx, which is the record's or the token's fault and would be the same on the backup), and moves back to
 * the primary as soon as a probe finds it answering again.
 *
 * A primary that answers its health probe but fails relays would make the bridge bounce every probe period.
 * So a failover soon after a failback (within {@link STABLE_PROBES} probe periods) doubles the wait before the
 * next probe, up to {@link MAX_PROBE_BACKOFF} times; a primary that stays up that long resets it.
 */

export type ListenerRole = 'primary' | 'backup';

export interface FailoverSettings {
  /** Consecutive failed attempts on the primary (Listener down) before relaying to the backup. */
  readonly failoverAfterFailures: number;
  /** While on the backup, ask the primary this often whether it answers again. */
  readonly probeEveryMs: number;
}

export const DEFAULT_FAILOVER: FailoverSettings = { failoverAfterFailures: 3, probeEveryMs: 60_000 };

/** A primary that stays up this many probe periods after a failback is trusted again (the wait resets). */
export const STABLE_PROBES = 10;
/** The longest wait between probes of a flapping primary, in probe periods. */
export const MAX_PROBE_BACKOFF = 16;

export interface FailoverSnapshot {
  readonly active: ListenerRole;
  /** When the active Listener became active (bridge start, failover or failback). */
  readonly since: number;
  /** Failed attempts on the primary in a row (reset by any answer from it). */
  readonly primaryFailures: number;
  readonly failovers: number;
  readonly failbacks: number;
  readonly lastProbeAt?: number;
  /** Why the last probe of the primary failed (cleared when it answers). */
  readonly lastProbeError?: string;
  /** The wait between probes now: the probe period, longer while the primary flaps. */
  readonly probeWaitMs: number;
}

/** What an attempt did to the choice of Listener. */
export type Switch = 'failed-over' | 'failed-back' | undefined;

export class FailoverPolicy {
  private state: {
    active: ListenerRole;
    since: number;
    primaryFailures: number;
    failovers: number;
    failbacks: number;
    lastProbeAt?: number;
    lastProbeError?: string;
    /** The probe period times this: 1, doubled by each failover that follows a failback too soon. */
    probeBackoff: number;
  };

  constructor(
    readonly settings: FailoverSettings,
    /** Without a backup there is nothing to fail over to: the primary is retried with backoff, as before. */
    private readonly hasBackup: boolean,
    private readonly now: () => number,
  ) {
    this.state = {
      active: 'primary',
      since: now(),
      primaryFailures: 0,
      failovers: 0,
      failbacks: 0,
      probeBackoff: 1,
    };
  }

  get active(): ListenerRole {
    return this.state.active;
  }

  snapshot(): FailoverSnapshot {
    const { probeBackoff, ...rest } = this.state;
    return { ...rest, probeWaitMs: this.probeWaitMs() };
  }

  private probeWaitMs(): number {
    return this.settings.probeEveryMs * this.state.probeBackoff;
  }

  /** A Listener answered (results, or a 4xx about the batch or the token): it is up. */
  answered(role: ListenerRole): Switch {
    if (role !== 'primary') return undefined;
    this.state.primaryFailures = 0;
    return this.state.active === 'backup' ? this.failBack() : undefined;
  }

  /**
   * An attempt on `role` failed. `down`: the Listener did not answer usefully (network error, timeout, 5xx,
   * an unreadable answer); a 429 is an answer (it is up, only busy) and counts for nothing here.
   */
  failed(role: ListenerRole, down: boolean): Switch {
    if (role !== 'primary' || !down) return undefined;
    this.state.primaryFailures += 1;
    const counted = this.state.primaryFailures >= this.settings.failoverAfterFailures;
    if (!this.hasBackup || this.state.active !== 'primary' || !counted) return undefined;
    // Down again soon after a failback: the primary flaps; ask it less often.
    const flapped =
      this.state.failbacks > 0 && this.now() - this.state.since < STABLE_PROBES * this.settings.probeEveryMs;
    this.state = {
      ...this.state,
      probeBackoff: flapped ? Math.min(MAX_PROBE_BACKOFF, this.state.probeBackoff * 2) : 1,
      active: 'backup',
      since: this.now(),
      failovers: this.state.failovers + 1,
      lastProbeAt: this.now(),
    };
    return 'failed-over';
  }

  /** On the backup, and the primary not asked for `probeEveryMs`. */
  probeDue(): boolean {
    if (this.state.active !== 'backup') return false;
    return this.now() - (this.state.lastProbeAt ?? 0) >= this.probeWaitMs();
  }

  /** The result of asking the primary whether it answers: `undefined` = it does, else why not. */
  probed(error: string | undefined): Switch {
    this.state.lastProbeAt = this.now();
    if (error !== undefined) {
      this.state.lastProbeError = error;
      return undefined;
    }
    return this.answered('primary');
  }

  private failBack(): Switch {
    const { lastProbeError: _, ...rest } = this.state;
    this.state = {
      ...rest,
      active: 'primary',
      since: this.now(),
      primaryFailures: 0,
      failbacks: this.state.failbacks + 1,
    };
    return 'failed-back';
  }
}
