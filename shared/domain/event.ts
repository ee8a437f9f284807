/**
 * Alarm events a Logger forwards (ICM alarms sent on to support). Plain data.
 */
export const SEVERITIES = ['info', 'warning', 'error', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** An event as kept by the Listener. `occurredAt` is the Logger's own clock, kept as sent. */
export interface LoggerEvent {
  readonly id: string;
  readonly occurredAt: string;
  readonly severity: Severity;
  readonly source?: string;
  readonly message: string;
  /** Listener clock, epoch ms. */
  readonly receivedAt: number;
}

/** How many events one request may carry, and how long one message may be (bytes, UTF-8). */
export const MAX_EVENTS_PER_BATCH = 100;
export const MAX_EVENT_MESSAGE_BYTES = 2 * 1024;

/** How long forwarded events are kept by default (config `EVENT_RETENTION`, `30d`). */
export const DEFAULT_EVENT_RETENTION_MS = 30 * 86_400_000;
