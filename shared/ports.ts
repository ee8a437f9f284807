/**
 * The ports the Listener's use cases talk to. DynamoDB, SNS, EventBridge and the local file implement them
 * (shared/adapters/).
 */
import type { LoggerEvent } from './domain/event.js';
import type { Logger, LoggerId, Side, Transport } from './domain/logger.js';
import type { DeadlineRange, FleetRhythm, MassSilence, OverdueSighting } from './domain/mass-silence.js';
import type { Notification } from './domain/notification.js';
import type { PhoneHomeReport } from './domain/transitions.js';
import type { SweepBeacon, TwinWatch } from './domain/twin-watch.js';

/**
 * What lets a phone-home be recorded: the Logger's own token (its hash), or — for records relayed by an
 * authenticated dial-in bridge — the Logger being registered with that transport.
 */
export type PhoneHomeProof =
  | { readonly tokenHash: string }
  /** A ping URL (shared/domain/ping.ts): its uuid's hash, stored beside the token's. */
  | { readonly pingHash: string }
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

/** A registered dial-in bridge: its site name and token hash. */
export interface Bridge {
  readonly site: string;
  readonly tokenHash: string;
  readonly registeredAt: number;
  /** Records refused because their Logger is bound to other sites (counted once per relay request). */
  readonly refused?: number;
  readonly lastRefusedAt?: number;
}

/** What one sweep did. */
export interface SweepReport {
  /** Items the due index returned (its reads grow with this, not with the fleet). */
  readonly due: number;
  /** Loggers this sweep declared DOWN (and paged), or whose held pages it paged at a hold's end. */
  readonly raised: number;
  /** Loggers declared DOWN with their pages held by a mass silence (absent: none). */
  readonly held?: number;
  /** Items another worker (a heartbeat, another sweeper) got to first, or stale index entries. */
  readonly skipped: number;
  /** Expired items (events, markers, audit entries, used links) this sweep deleted (absent: none). */
  readonly pruned?: number;
  /** Notifications (pending notices or events) this sweep published. */
  readonly published: number;
  /**
   * Items whose handling failed, including alarms written but not yet delivered on every channel; they
   * stay due and are retried.
   */
  readonly failed: number;
  /** The sweep stopped starting new items at its time budget; the next run continues with the rest. */
  readonly cutShort?: boolean;
  /** Age of the oldest undelivered notification the sweep saw (ms; 0 if none). */
  readonly oldestPendingMs?: number;
  readonly durationMs: number;
}

/** The sweeper's record of its last run (for `listener doctor`). */
export interface SweeperStatus {
  readonly lastRunAt: number;
  readonly report: SweepReport;
}

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

/** Whether each event of a batch was new or already known (a replay). */
export interface StoredEvents {
  readonly stored: readonly LoggerEvent[];
  readonly duplicates: readonly LoggerEvent[];
}

/** Where Loggers and their events live. A `false` from a conditional write means "another worker got there first". */
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
   * The customer's blind record: `side` raises the page of blind `episode` (shared/domain/blind-customer.ts)
   * unless a side already claimed that episode; returns the side that raises it (idempotent for that side).
   */
  claimBlindEpisode(customer: string, episode: string, side: Side, now: number): Promise<Side>;
  /** The Logger with its token hash (admin: token rotation). */
  getWithToken(id: LoggerId): Promise<{ logger: Logger; tokenHash: string } | undefined>;
  /** Replaces the token hash if it is still `oldHash`; false if another rotation got there first. */
  replaceToken(id: LoggerId, oldHash: string, newHash: string): Promise<boolean>;
  /** Deletes a Logger item (and so its due index entry) and every item under it; returns how many. */
  remove(id: LoggerId): Promise<number>;
  /**
   * Records the sweeper's last run (one write per sweep). `listenerName`: a side of a Listener pair, whose
   * record is its own (without it, the single Listener's).
   */
  recordSweep(status: SweeperStatus, listenerName?: string): Promise<void>;
  getSweeperStatus(listenerName?: string): Promise<SweeperStatus | undefined>;
  /** Items due at `now`: reads grow with what is due, never with the fleet. */
  findDue(now: number): AsyncIterable<DueItem>;
  /** Stores events idempotently by (Logger, event id), each due for publication until {@link recordEventDelivery} completes it. */
  putEvents(
    id: LoggerId,
    events: readonly LoggerEvent[],
    /** `now`: an id whose stored event has expired by then is stored again (expiry never relies on TTL). */
    options: { expiresAt: number; publishRetryAt: number; now?: number },
  ): Promise<StoredEvents>;
  /**
   * Records which channels delivered an event (added to those recorded before); `complete` takes it out of
   * the due index, `failed` counts a failed attempt.
   */
  recordEventDelivery(
    id: LoggerId,
    eventId: string,
    delivery: { readonly sent: readonly string[]; readonly complete: boolean; readonly failed: boolean },
  ): Promise<void>;
  /**
   * Which of these relayed record ids were already applied to the Logger (a resend after a lost answer);
   * with `now`, markers expired by then do not count.
   */
  relayedRecordsSeen(id: LoggerId, recordIds: readonly string[], now?: number): Promise<ReadonlySet<string>>;
  /** Claims an unpublished event for republication if it is still due at `seenDueAt`; false if another sweep has it. */
  claimEvent(id: LoggerId, eventId: string, seenDueAt: number, retryAt: number): Promise<boolean>;
  /** Registers a dial-in bridge; throws `LoggerExistsError`-like `BridgeExistsError` if the site is taken. */
  registerBridge(bridge: Bridge): Promise<void>;
  getBridge(site: string): Promise<Bridge | undefined>;
  /**
   * The registered bridges, by site. Their sites come from the bridges' own Loggers (`bridge-<site>/A`) in
   * the `fleet` index (a key-range query, never a Scan); admin listings only.
   */
  listBridges(): Promise<Bridge[]>;
  /** Replaces a bridge's token hash if it is still `oldHash`; false if it changed or the bridge is gone. */
  replaceBridgeToken(site: string, oldHash: string, newHash: string): Promise<boolean>;
  /** Deletes a bridge's relay credential if its hash is still `tokenHash`; false if it changed or is gone. */
  removeBridge(site: string, tokenHash: string): Promise<boolean>;
  /** Adds `count` refused records to the bridge's tally (one ADD; nothing if the bridge is gone). */
  countRefused(site: string, count: number, now: number): Promise<void>;
  /**
   * Sets the bridge sites bound to a modem Logger (`undefined`: none) if they are still `before` as read;
   * false if another operator changed them first or the Logger is no longer a modem Logger.
   */
  bindBridges(
    id: LoggerId,
    before: readonly string[] | undefined,
    after: readonly string[] | undefined,
  ): Promise<boolean>;
  /**
   * Remembers that a relayed record was applied (kept until `expiresAt`); false if it already was, so a
   * bridge resending a record after a lost answer changes nothing.
   */
  claimRelayedRecord(id: LoggerId, recordId: string, expiresAt: number, now?: number): Promise<boolean>;
  /**
   * Deletes an item found due past its expiry (`findDue`'s `expired`), if it still is; false if it was
   * stored again or deleted meanwhile. The table may have no TTL (a Listener pair's MRSC table).
   */
  pruneExpired(key: Readonly<Record<string, string>>, now: number): Promise<boolean>;
  /** Recent events of a Logger, newest first. */
  listEvents(id: LoggerId, limit: number): Promise<LoggerEvent[]>;
  /** The mass-silence record (the quiet one if never written). */
  getMassSilence(): Promise<MassSilence>;
  /** Writes `after` if the record is still `before` (same revision); false if another worker wrote first. */
  writeMassSilence(before: MassSilence, after: MassSilence): Promise<boolean>;
  /**
   * The mass-silence record and the fleet's rhythm from the fleet counter item, in one request (the guard
   * reads both every sweep); no rhythm when the counter predates it.
   */
  getMassSilenceAndRhythm(): Promise<{ silence: MassSilence; rhythm?: FleetRhythm }>;
  /**
   * Watched Loggers missing at `now` (shared/domain/mass-silence.ts `isMissing`), looked for in the deadline
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
  /**
   * Records a sweep on the Listener's beacon (one write per sweep) and returns the beacon as it was before
   * (its previous sweep, and a twin another Listener recorded on it: {@link pairBeacon}).
   */
  recordBeacon(listenerName: string, lastSweepAt: number, sweepEveryMs: number): Promise<SweepBeacon>;
  /** A Listener's beacon (strongly consistent); undefined if it never swept nor was paired. */
  getBeacon(listenerName: string): Promise<SweepBeacon | undefined>;
  /** Records `twin` on `listenerName`'s beacon, so that Listener watches it too (local mode's pairing). */
  pairBeacon(listenerName: string, twin: string): Promise<void>;
  /** What `watcher` last judged of `twin` (a fresh watch if never written). */
  getTwinWatch(watcher: string, twin: string): Promise<TwinWatch>;
  /** Writes `after` if the watch is still `before` (same revision); false if another sweep wrote first. */
  writeTwinWatch(before: TwinWatch, after: TwinWatch): Promise<boolean>;
}

/**
 * One way notifications leave the Listener: SNS pages, the EventBridge bus, or local mode's file. Each
 * channel delivers on its own and records what it delivered, so one failing channel never blocks another
 * and a retry never repeats what a channel already sent.
 */
export interface NotificationChannel {
  /** Recorded on each notice and event it delivered: `sns`, `eventbridge`, `file`. Stable across deploys. */
  readonly name: string;
  /** Delivers all, or throws; a {@link PartialDelivery} says which ids did go out. */
  publish(notifications: readonly Notification[]): Promise<void>;
}

/** Thrown by a channel that delivered some notifications of a call but not all. */
export class PartialDelivery extends Error {
  override readonly name = 'PartialDelivery';
  constructor(
    readonly deliveredIds: readonly string[],
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

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

/** What an operator did to a Logger (console or CLI), as the audit record keeps it. */
export const AUDIT_ACTIONS = [
  'ack',
  'unack',
  'pause',
  'resume',
  'maintenance-add',
  'maintenance-remove',
  /** `listener alarm release-mass-silence`: the held page went out now; with `--drop`, it was discarded. */
  'mass-silence-release',
  'mass-silence-drop',
  /** `listener logger add --bridge`, `logger bind`, `logger unbind`: which bridge sites may relay for it. */
  'bridge-bind',
  /** `listener logger set`: timeout, interval, transport or Phone Home configuration changed in place. */
  'settings',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** One line of the audit record: who did what to which Logger, when, and through what. */
export interface AuditEntry {
  readonly id: string;
  readonly at: number;
  readonly loggerId: LoggerId;
  readonly action: AuditAction;
  /** The person: a CLI `--by`/login name, a console user, or the name typed on an email link's page. */
  readonly actor: string;
  /** Where the action came from. */
  readonly via: 'cli' | 'console' | 'email-link';
  /** Ticket, note, window id and times… in a short human sentence. */
  readonly detail?: string;
}

/** The audit record of operators' actions, kept beside each Logger. */
export interface AuditLog {
  append(entry: AuditEntry): Promise<void>;
  /** The Logger's most recent entries, newest first. */
  list(loggerId: LoggerId, limit: number): Promise<AuditEntry[]>;
}

/** One-time links (console sign-in, email acknowledge): each link id is accepted once. */
export interface UsedLinks {
  /** Marks the link used; false if it already was (kept until `expiresAt`, the link's own expiry). */
  claim(linkId: string, expiresAt: number): Promise<boolean>;
}

/** The console's signing key (sessions, CSRF, one-time links); created once, shared by every function. */
export interface ConsoleKeys {
  /** The key, creating it first if `create` and none exists; undefined if none exists and `create` is false. */
  key(create: boolean): Promise<Buffer | undefined>;
}
