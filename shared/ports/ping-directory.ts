/**
 * The port that finds a Logger by its ping URL (shared/domain/pings/ping.ts) and keeps that URL. A ping URL's
 * uuid is stored only as a hash: on the Logger (`pingHash`, checked by the very write that records a ping,
 * so a rotated URL is refused at once) and in a directory entry keyed by that hash (how a ping finds its
 * Logger). A `false` from a conditional write means "someone got there first" (or the URL is no longer
 * the Logger's).
 */

import type { Logger, LoggerId, RunStart } from '../domain/logger.js';
import type { RecentPing } from '../domain/pings/history.js';

/** A Logger as read for a ping: with the hash of its current ping URL (absent: it has none yet). */
export interface PingedLogger {
  readonly logger: Logger;
  readonly pingHash?: string;
}

export interface PingDirectory {
  /** The Logger whose ping URL hashes to `pingHash` (one strongly consistent read); undefined if none. */
  find(pingHash: string): Promise<LoggerId | undefined>;
  /**
   * Gives Logger `id` the ping URL hashing to `pingHash`, if its current one is still `before` (undefined:
   * it has none): the directory entry first, then the Logger's hash by a conditional write, then the old
   * entry goes. False (the new entry withdrawn) when the Logger is gone or another rotation got there first.
   */
  assign(id: LoggerId, before: string | undefined, pingHash: string): Promise<boolean>;
  /** Forgets a directory entry (a removed Logger's); the Logger's own hash is what proves a ping. */
  forget(pingHash: string): Promise<void>;
  /** The Logger with its ping hash (strongly consistent); undefined if it is not registered. */
  read(id: LoggerId): Promise<PingedLogger | undefined>;
  /**
   * Records `/log` (`lastLogAt`) or a failure that changes no state (already DOWN, paused: only kept) at
   * `at`, by one write conditional on the Logger's ping hash being `pingHash`, which also takes the ping's
   * history number (`pingSeq`) and appends `ping` to its recent pings: the Logger as written, or undefined
   * if the hash is not the Logger's.
   */
  mark(
    id: LoggerId,
    pingHash: string,
    signal: 'log' | 'fail',
    at: number,
    ping: RecentPing,
  ): Promise<Logger | undefined>;
  /**
   * The one-write `/start` (shared/domain/pings/runs.ts): opens `run` as the Logger's only run, moves the revision,
   * sets `dueAt`, takes the ping's history number (`pingSeq`, in the Logger handed back) and appends `ping`
   * to its recent pings, if the Logger's ping hash is `pingHash`, it is NEW or UP with no run open and no
   * notice pending, its deadline is not before `dueAt` (so `dueAt` is the earlier of the two) and — when
   * `settings` are given — its timeout and interval are still those (the grace `dueAt` was computed from).
   * Anything else is not recorded and hands back the stored Logger read by the same request.
   */
  startRun(
    id: LoggerId,
    pingHash: string,
    opening: RunOpening,
  ): Promise<
    | { readonly recorded: true; readonly logger: Logger }
    | { readonly recorded: false; readonly current?: PingedLogger }
  >;
}

/** A `/start` to record in one write: its run, the due time it sets, the ping to keep, the settings seen. */
export interface RunOpening {
  readonly run: RunStart;
  readonly dueAt: number;
  readonly ping: RecentPing;
  readonly settings?: RunSettings | undefined;
}

/** What a run's grace is computed from (shared/domain/logger.ts `runGraceMs`). */
export type RunSettings = Pick<Logger, 'eventTimeoutMs' | 'heartbeatIntervalMs'>;
