/**
 * The watchlist: what the sweeper and the mass-silence guard look for by deadline — the items due now, the
 * Loggers missing in a range of deadlines, the pages held until a time, how many Loggers are watched —
 * and the expired items it deletes. Reads grow with what they find, never with the fleet. DynamoDB
 * implements it over the `due` index (shared/adapters/dynamo/logger/dynamo-watchlist.ts).
 */
import type { LoggerEvent } from '../domain/event.js';
import type { DeadlineRange, OverdueSighting } from '../domain/guards/mass-silence.js';
import type { Logger, LoggerId } from '../domain/logger.js';

/**
 * Something the sweeper found due: a Logger, an event whose publication was not confirmed, or an item
 * past its expiry to delete (`key`: the store's own key of it).
 */
export type DueItem =
  | { readonly type: 'logger'; readonly logger: Logger }
  | { readonly type: 'expired'; readonly key: Readonly<Record<string, string>> }
  | {
      readonly type: 'event';
      readonly loggerId: LoggerId;
      readonly event: LoggerEvent;
      readonly dueAt: number;
      /** Channels that already delivered it. */
      readonly sent: readonly string[];
    };

export interface Watchlist {
  /** Items due at `now`: reads grow with what is due, never with the fleet. */
  findDue(now: number): AsyncIterable<DueItem>;
  /**
   * Deletes an item found due past its expiry (`findDue`'s `expired`), if it still is; false if it was
   * stored again or deleted meanwhile. The table may have no TTL (a Listener pair's MRSC table).
   */
  pruneExpired(key: Readonly<Record<string, string>>, now: number): Promise<boolean>;
  /**
   * Watched Loggers missing at `now` (shared/domain/guards/mass-silence.ts `isMissing`), looked for in the deadline
   * `ranges` of the due index only (`sightingRanges`): reads grow with the missing, never with the fleet.
   */
  sightMissing(
    now: number,
    windowMs: number,
    ranges: readonly DeadlineRange[],
    from?: number,
  ): Promise<OverdueSighting>;
  /**
   * Loggers whose silence pages: registered (the fleet counter, one GetItem) minus paused (the sparse
   * `state` index); DOWN ones included. Never reads the fleet.
   */
  countWatched(): Promise<number>;
  /**
   * Loggers being watched (with a deadline in the due index), counted up to `cap` by a few small reads,
   * never the fleet: enough for the "heartbeats stopped while Loggers are watched" alarm, which needs > 0.
   */
  probeWatched(cap: number): Promise<number>;
  /** Loggers whose pages are held until `until` (the due index at exactly that time). */
  findHeld(until: number): Promise<Logger[]>;
  /** How many Loggers are held until `until` (counted, not read). */
  countHeld(until: number): Promise<number>;
  /** The DOWN Loggers (standing alarms): the sparse `state` index, reads grow with them, never the fleet. */
  findDown(): Promise<Logger[]>;
}
