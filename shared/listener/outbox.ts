/**
 * Publishing a Logger's outbox: the notices recorded atomically with its state changes. Each channel
 * delivers on its own and what it delivered is recorded on the notice, so a failing channel is retried
 * alone (by the next sweep) and never repeats or holds back the others. Publication is at-least-once per
 * channel: only a crash between a channel's delivery and the write recording it can repeat that channel.
 */
import { formatLoggerId, type Logger } from '../domain/logger.js';
import { stateNotification } from '../domain/notification.js';
import { outboxDelivered } from '../domain/transitions.js';
import { deliver, deliveredEverywhere } from './delivery.js';
import type { ListenerDeps } from './deps.js';

export { describe } from './delivery.js';

/** How often to re-read and retry recording deliveries when concurrent writes keep winning. */
const MAX_ATTEMPTS = 8;

/**
 * Publishes every pending notice of `logger.outbox` (the caller has claimed it by its own conditional
 * write) on the channels that have not delivered it, and records the outcome. True when every notice is
 * now delivered on every channel.
 */
export async function publishOutbox(deps: ListenerDeps, logger: Logger): Promise<boolean> {
  if (logger.outbox.length === 0) return true;
  const items = logger.outbox.map((notice) => ({
    notification: stateNotification(logger, notice, deps.listenerName),
    sent: notice.sent ?? [],
  }));
  const deliveries = await deliver(deps, items, formatLoggerId(logger));
  const channels = deps.channels.map((c) => c.name);
  let current: Logger | undefined = logger;
  // A heartbeat landing meanwhile moves the deadline and makes the write fail: read again and record the
  // deliveries on the outbox as it is now, so nothing is delivered twice and nothing recorded meanwhile is lost.
  for (let attempt = 0; current && attempt < MAX_ATTEMPTS; attempt++) {
    const next = outboxDelivered(current, deliveries, channels);
    if (await deps.store.writeTransition(current, next)) {
      countDelivered(deps, current, next);
      return deliveredEverywhere(deliveries);
    }
    current = await deps.store.get(logger);
  }
  deps.log.warn('could not record delivered notices; the channels that sent them may repeat them', {
    logger: formatLoggerId(logger),
  });
  return false;
}

/** Alarms and all-clears count once, when they have left the outbox delivered on every channel. */
function countDelivered(deps: ListenerDeps, before: Logger, after: Logger): void {
  for (const notice of before.outbox) {
    if (after.outbox.some((n) => n.id === notice.id)) continue;
    deps.counters.count(notice.kind === 'LOGGER_RECOVERED' ? 'AlarmsCleared' : 'AlarmsRaised');
  }
}
