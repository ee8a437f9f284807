/**
 * Puts every notification on the Listener's EventBridge bus as a domain event (source
 * `phone-home.listener`, detail-types `Logger Silent`, `Logger Recovered`, `Logger Event`).
 */
import {
  type EventBridgeClient,
  PutEventsCommand,
  type PutEventsCommandOutput,
} from '@aws-sdk/client-eventbridge';
import {
  DETAIL_TYPES,
  EVENT_SOURCE,
  eventDetail,
  type Notification,
} from '../../domain/notices/notification.js';
import { counted } from '../../domain/words.js';
import { type NotificationChannel, PartialDelivery } from '../../ports/channels.js';

/** PutEvents accepts at most 10 entries per call. */
const MAX_ENTRIES = 10;

/** The `eventbridge` channel: every notification, as a domain event. */
export class EventBridgeNotifier implements NotificationChannel {
  readonly name = 'eventbridge';

  constructor(
    private readonly client: EventBridgeClient,
    private readonly busName: string,
  ) {}

  async publish(notifications: readonly Notification[]): Promise<void> {
    const delivered: string[] = [];
    for (let i = 0; i < notifications.length; i += MAX_ENTRIES) {
      const batch = notifications.slice(i, i + MAX_ENTRIES);
      let out: PutEventsCommandOutput;
      try {
        out = await this.client.send(
          new PutEventsCommand({
            Entries: batch.map((n) => ({
              EventBusName: this.busName,
              Source: EVENT_SOURCE,
              DetailType: DETAIL_TYPES[n.kind],
              Detail: JSON.stringify(eventDetail(n)),
            })),
          }),
        );
      } catch (error) {
        if (delivered.length === 0) throw error;
        throw new PartialDelivery(delivered, 'EventBridge PutEvents failed part-way', { cause: error });
      }
      // PutEvents answers per entry: entries with an ErrorCode were not put, the others were.
      const failedCount = out.FailedEntryCount ?? 0;
      batch.forEach((n, j) => {
        const entry = out.Entries?.[j];
        if (entry ? !entry.ErrorCode : failedCount === 0) delivered.push(n.id);
      });
      if (failedCount > 0) {
        throw new PartialDelivery(
          delivered,
          `EventBridge rejected ${failedCount} of ${counted(batch.length, 'event')}`,
        );
      }
    }
  }
}
