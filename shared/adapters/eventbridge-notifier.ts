/**
 * Puts every notification on the Listener's EventBridge bus as a domain event (source
 * `phone-home.listener`, detail-types `Logger Silent`, `Logger Recovered`, `Logger Event`).
 */
import { type EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { DETAIL_TYPES, EVENT_SOURCE, eventDetail, type Notification } from '../domain/notification.js';
import type { Notifier } from '../ports.js';

/** PutEvents accepts at most 10 entries per call. */
const MAX_ENTRIES = 10;

export class EventBridgeNotifier implements Notifier {
  constructor(
    private readonly client: EventBridgeClient,
    private readonly busName: string,
  ) {}

  async publish(notifications: readonly Notification[]): Promise<void> {
    for (let i = 0; i < notifications.length; i += MAX_ENTRIES) {
      const batch = notifications.slice(i, i + MAX_ENTRIES);
      const out = await this.client.send(
        new PutEventsCommand({
          Entries: batch.map((n) => ({
            EventBusName: this.busName,
            Source: EVENT_SOURCE,
            DetailType: DETAIL_TYPES[n.kind],
            Detail: JSON.stringify(eventDetail(n)),
          })),
        }),
      );
      // PutEvents reports per-entry failures in a 200 answer; treat any as a failed publish to retry.
      if ((out.FailedEntryCount ?? 0) > 0) {
        throw new Error(`EventBridge rejected ${out.FailedEntryCount} of ${batch.length} event(s)`);
      }
    }
  }
}
