/**
 * Publishes to several notifiers in order: EventBridge before SNS, so that if SNS fails and the outbox
 * retries, the repeat is a domain event (harmless) rather than a second page.
 */
import type { Notification } from '../domain/notification.js';
import type { Notifier } from '../ports.js';

/** Fails if any notifier fails; the outbox then retries the whole notification. */
export class FanoutNotifier implements Notifier {
  constructor(private readonly notifiers: readonly Notifier[]) {}

  async publish(notifications: readonly Notification[]): Promise<void> {
    for (const notifier of this.notifiers) await notifier.publish(notifications);
  }
}
