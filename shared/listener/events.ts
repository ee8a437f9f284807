/**
 * Alarm events forwarded by a Logger: they count as phoning home, are kept (until they expire), and are published to
 * EventBridge (and paged over SNS when error or critical). Idempotent per (Logger, event id).
 */
import type { LoggerEvent } from '../domain/event.js';
import { formatLoggerId, type Logger } from '../domain/logger.js';
import { eventNotification } from '../domain/notices/notification.js';
import type { ListenerDeps } from './deps.js';
import { deliver, deliveredEverywhere, sentAfter } from './notices/delivery.js';
import { RECORDING_MARGIN_MS, requestPathEnd } from './notices/outbox.js';
import { type PhoneHomeDeps, phoneHome } from './phone-home.js';

/** What ingesting events uses: a phone-home's ports, the event log and its retention. */
export type EventDeps = PhoneHomeDeps & Pick<ListenerDeps, 'events' | 'eventRetentionMs'>;

/** What publishing stored events uses: the event log and the channels. */
export type EventPublishingDeps = Pick<
  ListenerDeps,
  'events' | 'channels' | 'listenerName' | 'counters' | 'log'
>;

/** An event as the Logger sent it (before the Listener stamps its arrival). */
export type IncomingEvent = Omit<LoggerEvent, 'receivedAt'>;

export interface IngestResult {
  readonly logger: Logger;
  readonly receivedAt: number;
  readonly accepted: readonly string[];
  /** Ids already received before: a replayed batch changes nothing and says so. */
  readonly duplicates: readonly string[];
}

/** Authenticates the Logger, records the phone-home, stores new events and publishes them. */
export async function ingestEvents(
  deps: EventDeps,
  token: string,
  receivedAt: number,
  incoming: readonly IncomingEvent[],
): Promise<IngestResult> {
  const { logger } = await phoneHome(deps, token, receivedAt);
  const events = incoming.map((event) => ({ ...event, receivedAt }));
  const { stored, duplicates } = await deps.events.putEvents(logger, events, {
    expiresAt: receivedAt + deps.eventRetentionMs,
    // Until confirmed published, each event sits in the due index; the sweeper republishes it after this.
    publishRetryAt: receivedAt + deps.outboxRetryMs,
    now: receivedAt,
  });
  deps.counters.count('Events', stored.length);
  await publishEvents(deps, logger, stored, new Map(), inlineDeadline(deps, receivedAt));
  return { logger, receivedAt, accepted: stored.map((e) => e.id), duplicates: duplicates.map((e) => e.id) };
}

/**
 * Publishes events on the channels that have not delivered them (`sent`: those that already did) and
 * records each channel's delivery on the event; an event leaves the due index once every channel has it.
 * A failing channel is retried alone by the sweeper. True when every event is delivered everywhere.
 */
export async function publishEvents(
  deps: EventPublishingDeps,
  logger: Logger,
  events: readonly LoggerEvent[],
  sent: ReadonlyMap<string, readonly string[]> = new Map(),
  deadline?: number,
): Promise<boolean> {
  if (events.length === 0) return true;
  const items = events.map((event) => ({
    notification: eventNotification(logger, event, deps.listenerName),
    sent: sent.get(event.id) ?? [],
  }));
  const deliveries = await deliver(
    deps,
    items,
    formatLoggerId(logger),
    deadline === undefined ? {} : { deadline },
  );
  const channels = deps.channels.map((c) => c.name);
  await Promise.all(
    events.map((event, i) => {
      const id = items[i]?.notification.id ?? '';
      const delivered = sentAfter(id, sent.get(event.id) ?? [], deliveries);
      return deps.events.recordEventDelivery(logger, event.id, {
        sent: delivered,
        complete: channels.every((c) => delivered.includes(c)),
        failed: deliveries.some((d) => d.failedIds.includes(id)),
      });
    }),
  );
  return deliveredEverywhere(deliveries);
}

/**
 * A request path's events are published inline until its budget ends, and before the sweeper may take them
 * over (their retry time, less the time to record the delivery): a slow receiver's share goes on in the sweep.
 */
export function inlineDeadline(
  deps: Pick<EventDeps, 'outboxRetryMs' | 'requestPathBudgetMs'>,
  now: number,
): number {
  return Math.min(requestPathEnd(deps, now), now + deps.outboxRetryMs - RECORDING_MARGIN_MS);
}
