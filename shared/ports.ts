/**
 * The ports the Listener's use cases talk to. DynamoDB, SNS, EventBridge and the local file implement them
 * (shared/adapters/).
 */
import type { LoggerEvent } from './domain/event.js';
import type { Logger, LoggerId } from './domain/logger.js';
import type { Notification } from './domain/notification.js';
import type { PhoneHomeReport } from './domain/transitions.js';

/** The answer of the one-request heartbeat path. */
export type FastPhoneHome =
  | { readonly recorded: true; readonly logger: Logger }
  /** Not recorded: `current` is the stored Logger (absent if none) so the caller can decide what to do. */
  | { readonly recorded: false; readonly current?: { readonly logger: Logger; readonly tokenHash: string } };

/** Something the sweeper found due: a Logger, or an event whose publication was not confirmed. */
export type DueItem =
  | { readonly type: 'logger'; readonly logger: Logger }
  | {
      readonly type: 'event';
      readonly loggerId: LoggerId;
      readonly event: LoggerEvent;
      readonly dueAt: number;
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
  /** Every registered Logger, ordered by id (admin listings; never used on a hot path). */
  list(): Promise<Logger[]>;
  /**
   * The heartbeat fast path: ONE conditional update that authenticates (token hash), records the
   * phone-home and moves the deadline, for a `NEW`/`UP` Logger with nothing pending. Anything else is not
   * recorded and returns the stored Logger, read by the same request.
   */
  recordPhoneHome(
    id: LoggerId,
    tokenHash: string,
    receivedAt: number,
    report: PhoneHomeReport,
  ): Promise<FastPhoneHome>;
  /** Writes `after` if the stored Logger is still `before` (same revision and deadline). */
  writeTransition(before: Logger, after: Logger): Promise<boolean>;
  /** Items due at `now`: reads grow with what is due, never with the fleet. */
  findDue(now: number): AsyncIterable<DueItem>;
  /** Stores events idempotently by (Logger, event id), each marked unpublished until {@link markEventsPublished}. */
  putEvents(
    id: LoggerId,
    events: readonly LoggerEvent[],
    options: { expiresAt: number; publishRetryAt: number },
  ): Promise<StoredEvents>;
  markEventsPublished(id: LoggerId, eventIds: readonly string[]): Promise<void>;
  /** Claims an unpublished event for republication if it is still due at `seenDueAt`; false if another sweep has it. */
  claimEvent(id: LoggerId, eventId: string, seenDueAt: number, retryAt: number): Promise<boolean>;
  /** Recent events of a Logger, newest first. */
  listEvents(id: LoggerId, limit: number): Promise<LoggerEvent[]>;
}

/** Publishes notifications (SNS pages, EventBridge events, or the local file). Throws if any was not published. */
export interface Notifier {
  publish(notifications: readonly Notification[]): Promise<void>;
}
