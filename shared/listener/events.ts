/**
 * Alarm events forwarded by a Logger: they count as phoning home, are kept (TTL), and are published to
 * EventBridge (and paged over SNS when error or critical). Idempotent per (Logger, event id).
 */
import type { LoggerEvent } from '../domain/event.js';
import { formatLoggerId, type Logger } from '../domain/logger.js';
import { eventNotification } from '../domain/notification.js';
import type { ListenerDeps } from './deps.js';
import { describe } from './outbox.js';
import { phoneHome } from './phone-home.js';

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
  deps: ListenerDeps,
  token: string,
  receivedAt: number,
  incoming: readonly IncomingEvent[],
): Promise<IngestResult> {
  const { logger } = await phoneHome(deps, token, receivedAt);
  const events = incoming.map((event) => ({ ...event, receivedAt }));
  const { stored, duplicates } = await deps.store.putEvents(logger, events, {
    expiresAt: receivedAt + deps.eventRetentionMs,
    // Until confirmed published, each event sits in the due index; the sweeper republishes it after this.
    publishRetryAt: receivedAt + deps.outboxRetryMs,
  });
  deps.counters.count('Events', stored.length);
  await publishEvents(deps, logger, stored);
  return { logger, receivedAt, accepted: stored.map((e) => e.id), duplicates: duplicates.map((e) => e.id) };
}

/** Publishes stored events and marks them published; on failure they stay due and the sweeper retries. */
export async function publishEvents(
  deps: ListenerDeps,
  logger: Logger,
  events: readonly LoggerEvent[],
): Promise<boolean> {
  if (events.length === 0) return true;
  try {
    await deps.notifier.publish(events.map((event) => eventNotification(logger, event, deps.listenerName)));
  } catch (error) {
    deps.counters.count('NotificationsFailed', events.length);
    deps.log.error('publishing events failed; the sweeper retries them', {
      logger: formatLoggerId(logger),
      events: events.map((e) => e.id),
      error: describe(error),
    });
    return false;
  }
  await deps.store.markEventsPublished(
    logger,
    events.map((e) => e.id),
  );
  return true;
}
