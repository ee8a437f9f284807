/**
 * The Logger store: each registered Logger's own item — its settings, token hash, state, deadline and
 * outbox, and the bridge sites it is bound to — and the customer's blind record beside its two sides.
 * DynamoDB implements it (shared/adapters/dynamo/logger/dynamo-logger-store.ts).
 */

import type { Logger, LoggerId, Side, Transport } from '../domain/logger.js';
import type { RecentPing } from '../domain/pings/history.js';
import type { PhoneHomeReport } from '../domain/transitions.js';

/**
 * What lets a phone-home be recorded: the Logger's own token (its hash), or — for records relayed by an
 * authenticated dial-in bridge — the Logger being registered with that transport.
 */
export type PhoneHomeProof =
  | { readonly tokenHash: string }
  /**
   * A ping URL (shared/domain/pings/ping.ts): its uuid's hash, stored beside the token's; `ping`: the ping as the
   * Logger's recent pings keep it, appended (and counted in `pingSeq`) by the same write.
   */
  | { readonly pingHash: string; readonly ping?: RecentPing }
  /** `bridge`: the relaying bridge's site; the Logger must be bound to it or to no site (bridge-binding.ts). */
  | { readonly transport: Transport; readonly bridge?: string };

/** The answer of the one-request heartbeat path. */
export type FastPhoneHome =
  | { readonly recorded: true; readonly logger: Logger }
  /** Not recorded: `current` is the stored Logger (absent if none) so the caller can decide what to do. */
  | {
      readonly recorded: false;
      readonly current?: { readonly logger: Logger; readonly tokenHash: string; readonly pingHash?: string };
    };

/** Where Loggers live. A `false` from a conditional write means "another worker got there first". */
export interface LoggerStore {
  /** Registers a new Logger; throws `LoggerExistsError` if the id is taken. */
  register(logger: Logger, tokenHash: string): Promise<void>;
  get(id: LoggerId): Promise<Logger | undefined>;
  /**
   * Several Loggers, each read strongly consistent, as `get` would (BatchGetItem: 100 keys a request).
   * Keyed by `formatLoggerId`; an id read but not found maps to `undefined`, and an id the store could
   * not read (still unprocessed after its retries) is missing from the map: the caller reads it alone.
   */
  getMany(ids: readonly LoggerId[]): Promise<ReadonlyMap<string, Logger | undefined>>;
  /** Every registered Logger, ordered by id (admin listings; never used on a hot path). */
  list(): Promise<Logger[]>;
  /**
   * The heartbeat fast path: ONE conditional update that authenticates (token hash), records the
   * phone-home and moves the deadline, for a `NEW`/`UP` Logger with nothing pending. Anything else is not
   * recorded and returns the stored Logger, read by the same request.
   */
  recordPhoneHome(
    id: LoggerId,
    proof: PhoneHomeProof,
    receivedAt: number,
    report: PhoneHomeReport,
    /**
     * `now` when `receivedAt` is in the past (a relayed record): recorded only within the Logger's timeout.
     * `heardBy`: the name of the Listener recording it, kept in the same update (Logger.heardBy).
     */
    options?: { readonly now?: number; readonly heardBy?: string },
  ): Promise<FastPhoneHome>;
  /**
   * Writes `after` if the stored Logger is still `before` (same revision and deadline): one single-item
   * conditional write (no transaction: a multi-Region strongly consistent table has none). False when
   * another writer got there first, or wrote the same item from another region at the same moment.
   */
  writeTransition(before: Logger, after: Logger): Promise<boolean>;
  /**
   * The customer's blind record: `side` raises the page of blind `episode` (shared/domain/guards/blind-customer.ts)
   * unless a side already claimed that episode; returns the side that raises it (idempotent for that side).
   */
  claimBlindEpisode(customer: string, episode: string, side: Side, now: number): Promise<Side>;
  /** The Logger with its token hash (admin: token rotation). */
  getWithToken(id: LoggerId): Promise<{ logger: Logger; tokenHash: string } | undefined>;
  /** Replaces the token hash if it is still `oldHash`; false if another rotation got there first. */
  replaceToken(id: LoggerId, oldHash: string, newHash: string): Promise<boolean>;
  /**
   * Sets the bridge sites bound to a modem Logger (`undefined`: none) if they are still `before` as read;
   * false if another operator changed them first or the Logger is no longer a modem Logger.
   */
  bindBridges(
    id: LoggerId,
    before: readonly string[] | undefined,
    after: readonly string[] | undefined,
  ): Promise<boolean>;
  /** Deletes a Logger item (and so its due index entry) and every item under it; returns how many. */
  remove(id: LoggerId): Promise<number>;
}
