/**
 * Publishing a Logger's outbox: the notices recorded atomically with its state changes. Publication is
 * at-least-once: notices are removed only after the notifier confirmed them; a failure leaves them for the
 * next sweep.
 */
import { formatLoggerId, type Logger } from '../domain/logger.js';
import { stateNotification } from '../domain/notification.js';
import { outboxPublished } from '../domain/transitions.js';
import type { ListenerDeps } from './deps.js';

/** How often to re-read and retry removing published notices when concurrent writes keep winning. */
const MAX_ATTEMPTS = 5;

/**
 * Publishes every notice in `logger.outbox` (the caller has claimed it by its own conditional write) and
 * removes them. Returns false, after logging, if the publish failed; the notices then stay pending.
 */
export async function publishOutbox(deps: ListenerDeps, logger: Logger): Promise<boolean> {
  if (logger.outbox.length === 0) return true;
  const notifications = logger.outbox.map((notice) => stateNotification(logger, notice, deps.listenerName));
  try {
    await deps.notifier.publish(notifications);
  } catch (error) {
    deps.counters.count('NotificationsFailed', notifications.length);
    deps.log.error('publishing notifications failed; they stay pending and the next sweep retries them', {
      logger: formatLoggerId(logger),
      notifications: notifications.map((n) => n.id),
      error: describe(error),
    });
    return false;
  }
  for (const n of notifications)
    deps.counters.count(n.kind === 'LOGGER_RECOVERED' ? 'AlarmsCleared' : 'AlarmsRaised');
  const ids = notifications.map((n) => n.id);
  let current: Logger | undefined = logger;
  // A heartbeat landing meanwhile moves the deadline and makes the write fail: read again, remove only what
  // was published, so nothing is published twice and nothing recorded meanwhile is lost.
  for (let attempt = 0; current && attempt < MAX_ATTEMPTS; attempt++) {
    if (await deps.store.writeTransition(current, outboxPublished(current, ids))) return true;
    current = await deps.store.get(logger);
  }
  return true;
}

/** An error's name and message, never its stack or request payloads. */
export function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
