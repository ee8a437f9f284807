/**
 * A notification channel whose adapter, and the SDK client under it, is loaded on its first publish.
 * Heartbeat, events and relay publish only on a state change or a paging event, so they do not pay for
 * the SNS and EventBridge clients at every cold start; a failed load fails that publish like any other
 * channel failure (the notice stays pending and is retried).
 */
import type { Notification } from '../../domain/notices/notification.js';
import type { NotificationChannel, PublishOptions } from '../../ports/channels.js';

export class LazyChannel implements NotificationChannel {
  private loaded: Promise<NotificationChannel> | undefined;

  constructor(
    readonly name: string,
    private readonly load: () => Promise<NotificationChannel>,
  ) {}

  async publish(notifications: readonly Notification[], options?: PublishOptions): Promise<void> {
    this.loaded ??= this.load().then((channel) => {
      // The name is recorded on delivered notices: the loaded channel must be the one announced.
      if (channel.name !== this.name) throw new Error(`channel ${this.name} loaded as ${channel.name}`);
      return channel;
    });
    try {
      return await (await this.loaded).publish(notifications, options);
    } catch (error) {
      if (
        !(await this.loaded.then(
          () => true,
          () => false,
        ))
      )
        this.loaded = undefined; // retry the load next time
      throw error;
    }
  }
}
