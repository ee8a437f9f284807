/**
 * The event log: the events Loggers send (stored idempotently by id, kept for the retention period) and
 * which channels delivered each. DynamoDB implements it (shared/adapters/dynamo/dynamo-event-log.ts).
 */
import type { LoggerEvent } from '../domain/event.js';
import type { LoggerId } from '../domain/logger.js';

/** Whether each event of a batch was new or already known (a replay). */
export interface StoredEvents {
  readonly stored: readonly LoggerEvent[];
  readonly duplicates: readonly LoggerEvent[];
}

export interface EventLog {
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
  /** Claims an unpublished event for republication if it is still due at `seenDueAt`; false if another sweep has it. */
  claimEvent(id: LoggerId, eventId: string, seenDueAt: number, retryAt: number): Promise<boolean>;
  /** Recent events of a Logger, newest first. */
  listEvents(id: LoggerId, limit: number): Promise<LoggerEvent[]>;
}
