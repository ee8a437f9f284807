/**
 * Delivering notifications on every channel at once, each on its own: a channel that fails is logged and
 * counted, and never holds back or repeats another. What each channel delivered is returned so that the
 * caller records it (on the notice or the event) and a retry goes only to the channels still missing.
 */
import type { Notification } from '../../domain/notices/notification.js';
import type { ChannelDelivery } from '../../domain/transitions.js';
import { type NotificationChannel, PartialDelivery, type PublishOptions } from '../../ports/channels.js';
import type { ListenerDeps } from '../deps.js';

/** A notification and the channels that already delivered it. */
export interface Deliverable {
  readonly notification: Notification;
  readonly sent: readonly string[];
}

/** Publishes each item on every channel that has not delivered it yet, all channels in parallel. */
export async function deliver(
  deps: Pick<ListenerDeps, 'channels' | 'counters' | 'log'>,
  items: readonly Deliverable[],
  subject: string,
  options: PublishOptions = {},
): Promise<ChannelDelivery[]> {
  return Promise.all(
    deps.channels.map((channel) => {
      const pending = items.filter((i) => !i.sent.includes(channel.name)).map((i) => i.notification);
      return publishOn(deps, channel, pending, subject, options);
    }),
  );
}

/**
 * Publishes on each channel the notifications `pendingOn` lists for it, one at a time and in that order,
 * stopping at the first that fails (what comes after it must not overtake it); channels in parallel.
 */
export async function deliverInOrder(
  deps: Pick<ListenerDeps, 'channels' | 'counters' | 'log'>,
  pendingOn: (channel: string) => readonly Notification[],
  subject: string,
  options: PublishOptions = {},
): Promise<ChannelDelivery[]> {
  return Promise.all(
    deps.channels.map(async (channel): Promise<ChannelDelivery> => {
      const deliveredIds: string[] = [];
      for (const notification of pendingOn(channel.name)) {
        const { failedIds } = await publishOn(deps, channel, [notification], subject, options);
        if (failedIds.length > 0) return { channel: channel.name, deliveredIds, failedIds };
        deliveredIds.push(notification.id);
      }
      return { channel: channel.name, deliveredIds, failedIds: [] };
    }),
  );
}

/** One channel's publication of `pending`: what it delivered and what failed (logged and counted). */
async function publishOn(
  deps: Pick<ListenerDeps, 'counters' | 'log'>,
  channel: NotificationChannel,
  pending: readonly Notification[],
  subject: string,
  options: PublishOptions,
): Promise<ChannelDelivery> {
  const ids = pending.map((n) => n.id);
  if (ids.length === 0) return { channel: channel.name, deliveredIds: [], failedIds: [] };
  try {
    await channel.publish(pending, options);
    return { channel: channel.name, deliveredIds: ids, failedIds: [] };
  } catch (error) {
    const deliveredIds =
      error instanceof PartialDelivery ? ids.filter((id) => error.deliveredIds.includes(id)) : [];
    const failedIds = ids.filter((id) => !deliveredIds.includes(id));
    deps.counters.count('NotificationsFailed', failedIds.length);
    deps.log.error(
      'a notification channel failed; it alone is retried, the other channels are not held back',
      {
        logger: subject,
        channel: channel.name,
        notifications: failedIds,
        error: describe(error),
      },
    );
    return { channel: channel.name, deliveredIds, failedIds };
  }
}

/** Every channel delivered everything it was given. */
export function deliveredEverywhere(deliveries: readonly ChannelDelivery[]): boolean {
  return deliveries.every((d) => d.failedIds.length === 0);
}

/** The channels that have delivered `id`, given those recorded before and this attempt's deliveries. */
export function sentAfter(
  id: string,
  before: readonly string[],
  deliveries: readonly ChannelDelivery[],
): string[] {
  const now = deliveries.filter((d) => d.deliveredIds.includes(id)).map((d) => d.channel);
  return [...new Set([...before, ...now])];
}

/** An error's name and message, never its stack or request payloads. */
export function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
