/**
 * The ways notifications leave the Listener. SNS, EventBridge and local mode's file implement them
 * (shared/adapters/notify/).
 */
import type { Notification, StateNotification } from '../domain/notices/notification.js';

/**
 * One way notifications leave the Listener: SNS pages, the EventBridge bus, or local mode's file. Each
 * channel delivers on its own and records what it delivered, so one failing channel never blocks another
 * and a retry never repeats what a channel already sent.
 */
export interface NotificationChannel {
  /** Recorded on each notice and event it delivered: `sns`, `eventbridge`, `file`. Stable across deploys. */
  readonly name: string;
  /** Delivers all, or throws; a {@link PartialDelivery} says which ids did go out. */
  publish(notifications: readonly Notification[], options?: PublishOptions): Promise<void>;
}

/** How long a publication may wait on its receivers. */
export interface PublishOptions {
  /**
   * The time (Listener clock, epoch ms) by which every request of this call has ended: a channel waits for
   * an answer at most until then, and starts no request it has no time left for (the notice stays pending
   * and is retried). A publication passes the end of its claims (so that it never sends a notice another
   * writer may hold by then), or a request path's budget (a heartbeat answers without waiting on a slow
   * receiver). Channels bounded by their own short call deadline (SNS, EventBridge) may ignore it.
   */
  readonly deadline?: number;
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

/**
 * A channel whose receiver forgets a firing alarm unless told again: Alertmanager ends an alert at its
 * `endsAt`, and its clients re-send firing alerts periodically. The sweep posts each standing alarm to it
 * again every {@link resendEveryMs} (shared/listener/notices/standing-alarms.ts). Idempotent for the receiver (the
 * same labels, one alert), so never a notice of the outbox and nothing in the other channels' accounting.
 */
export interface ResendingChannel extends NotificationChannel {
  readonly resendEveryMs: number;
  /**
   * Posts these alarms (or all-clears) again as they stand at `now`, those the channel takes (its customers);
   * throws unless the receiver took them all.
   */
  resend(notifications: readonly StateNotification[], now: number): Promise<void>;
}

export function isResending(channel: NotificationChannel): channel is ResendingChannel {
  return typeof (channel as Partial<ResendingChannel>).resend === 'function';
}
