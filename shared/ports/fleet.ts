/**
 * The fleet as a whole: its counts, what needs attention, and the bulk reads and settings writes of
 * import/export. DynamoDB implements it (shared/adapters/dynamo/fleet/dynamo-fleet.ts).
 */
import type { Logger, LoggerId } from '../domain/logger.js';

/** How many Loggers are in each condition: the counter item and the sparse indexes (never a Scan). */
export interface FleetCounts {
  /** Registered Loggers. */
  readonly total: number;
  /** Loggers whose silence pages: every one not paused (DOWN ones included: their alarm is open). */
  readonly watched: number;
  /** Watched, past their deadline, not yet declared DOWN (the next sweep raises them). */
  readonly overdue: number;
  readonly down: number;
  readonly paused: number;
}

/** The settings a bulk import may change on an existing Logger (its token and history stay). */
export type ImportedSettings = Pick<Logger, 'eventTimeoutMs' | 'heartbeatIntervalMs' | 'transport'>;

/** What `listener fleet recount` found and wrote. */
export interface FleetRecount {
  /** What the counter said before (undefined: the table had none). */
  readonly before: number | undefined;
  /** What the `fleet` index counts, now in the counter. */
  readonly after: number;
}

/** The fleet as a whole: counts, what needs attention, bulk reads and settings updates for import/export. */
export interface Fleet {
  /** The counts: the fleet size from the counter item, the rest from the sparse indexes. */
  counts(now: number): Promise<FleetCounts>;
  /**
   * The fleet counter as stored (undefined: none yet). It is kept by register and remove without a
   * transaction, so a crash between a Logger's write and its count can make it drift; see {@link recount}.
   */
  counter(): Promise<number | undefined>;
  /**
   * Counts the `fleet` index and writes that into the counter, if the counter did not move meanwhile
   * (undefined: it moved on every attempt; run again when the fleet is quieter).
   */
  recount(): Promise<FleetRecount | undefined>;
  /** The Loggers DOWN (open alarms) or PAUSED: the sparse `state` index, never the fleet. */
  inState(state: 'DOWN' | 'PAUSED'): Promise<Logger[]>;
  /** Every registered Logger's id, a page at a time, ordered by id (keys only: no item reads). */
  idPages(pageSize?: number): AsyncIterable<LoggerId[]>;
  /**
   * Loggers needing a look at `now`: DOWN, PAUSED, overdue, or due within `lookaheadMs` (so a LATE one can
   * be shown) — with their twins, so each customer shows both sides. Reads grow with these, not the fleet.
   */
  attention(now: number, lookaheadMs: number): Promise<Logger[]>;
  /** The Loggers among `ids` that are registered (any order). */
  getMany(ids: readonly LoggerId[]): Promise<Logger[]>;
  /** Every Logger, a page at a time, ordered by id. */
  pages(pageSize?: number): AsyncIterable<Logger[]>;
  /** Writes `after`'s settings, deadline and due time if the Logger is still `before`; false if it moved. */
  updateSettings(before: Logger, after: Logger): Promise<boolean>;
}
