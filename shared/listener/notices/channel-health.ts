/**
 * Channel health in the sweep (see shared/domain/notices/channel-health.ts): the HTTP channels tell a
 * {@link ChannelHealthMonitor} what their receivers answered, and each sweep records what changed on the
 * Listener's channel-health record — one conditional write, only when a channel starts failing, recovers or
 * refuses a new notice; a sweep whose channels are healthy writes (and, with the record in memory, reads)
 * nothing. A channel that begins refusing notices for good sends ONE ops notice, from the sweep whose write
 * recorded it.
 */
import {
  type ChannelHealthRecord,
  channelRejectedNotice,
  observeChannels,
} from '../../domain/notices/channel-health.js';
import { channelNotification } from '../../domain/notices/notification.js';
import type { ListenerDeps } from '../deps.js';
import { deliver, describe } from './delivery.js';

export { ChannelHealthMonitor, HEALTH_TRUSTED_MS } from './channel-health-monitor.js';

/** Concurrent sweeps can make a health write lose a few times in a row, not forever. */
const MAX_ATTEMPTS = 3;

export type ChannelHealthDeps = Pick<
  ListenerDeps,
  'records' | 'listenerName' | 'channelHealth' | 'opsChannels' | 'counters' | 'log'
>;

/** Records what the channels did since the last sweep, if that changes the record (once, conditionally). */
export async function recordChannelHealth(deps: ChannelHealthDeps, now: number): Promise<void> {
  const monitor = deps.channelHealth;
  if (!monitor) return;
  const seen = monitor.drain();
  if (seen.size === 0) return;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const record = monitor.trusted(now) ?? (await deps.records.getChannelHealth(deps.listenerName));
    const change = observeChannels(record, seen);
    if (!change) {
      monitor.remember(record, now);
      return;
    }
    if (!(await deps.records.writeChannelHealth(record, change.next))) {
      monitor.remember(undefined, now); // someone else wrote: read it again
      continue;
    }
    monitor.remember(change.next, now);
    report(deps, record, change.next);
    await notifyOps(deps, change.next, change.rejecting);
    return;
  }
  deps.log.warn('could not record the channels’ health; the next sweep tries again');
}

function report(deps: ChannelHealthDeps, before: ChannelHealthRecord, after: ChannelHealthRecord): void {
  for (const [channel, health] of Object.entries(after.channels)) {
    const was = before.channels[channel];
    if (health.failing && !was?.failing) {
      deps.log.error('a notification channel is failing; its notices wait and are retried', {
        channel,
        reason: health.failing.reason,
      });
    } else if (was?.failing && !health.failing) {
      deps.log.warn('a notification channel delivers again', { channel });
    }
  }
}

/** One ops notice per channel whose refusals just began (the write that recorded it was this sweep's). */
async function notifyOps(
  deps: ChannelHealthDeps,
  record: ChannelHealthRecord,
  rejecting: readonly string[],
): Promise<void> {
  const items = rejecting.flatMap((channel) => {
    const rejection = record.channels[channel]?.rejection;
    if (!rejection) return [];
    const notice = channelRejectedNotice(deps.listenerName, channel, rejection);
    return [{ notification: channelNotification(notice, deps.listenerName), sent: [] }];
  });
  if (items.length === 0) return;
  try {
    await deliver({ ...deps, channels: deps.opsChannels ?? [] }, items, 'channel health');
  } catch (error) {
    deps.log.error('telling ops about a refusing channel failed', { error: describe(error) });
  }
}
