/**
 * Twin watch in the sweep (see shared/domain/guards/twin-watch.ts): every scheduled sweep leaves this Listener's
 * beacon and, when it has a twin, looks at the twin's. A twin silent for two sweep periods raises one
 * LISTENER_SILENT to ops; its first sweep after that, one LISTENER_RECOVERED. Every change of the watch is a
 * conditional write on its revision, so overlapping sweeps of this Listener raise and clear it once; the
 * twin watches this Listener with its own item.
 */

import {
  claimTwinOutbox,
  type SweepBeacon,
  type TwinWatch,
  twinOutboxDelivered,
  watchTwin,
} from '../../domain/guards/twin-watch.js';
import { twinNotification } from '../../domain/notices/notification.js';
import type { ListenerDeps } from '../deps.js';
import { deliver, describe } from '../notices/delivery.js';

/** What watching the twin Listener uses: the Listener's records (beacons, twin watch) and the ops channels. */
export type TwinWatchDeps = Pick<
  ListenerDeps,
  | 'records'
  | 'listenerName'
  | 'sweepEveryMs'
  | 'twinListenerName'
  | 'opsChannels'
  | 'outboxRetryMs'
  | 'counters'
  | 'log'
>;

/** Overlapping sweeps can make a watch write lose a few times in a row, not forever. */
const MAX_ATTEMPTS = 5;

/**
 * Records this sweep on the beacon and watches the twin at `now`; returns the watch as it stands (undefined
 * when there is no twin, or when this is not the scheduled sweeper).
 */
export async function watchTwinListener(deps: TwinWatchDeps, now: number): Promise<TwinWatch | undefined> {
  const { sweepEveryMs } = deps;
  if (sweepEveryMs === undefined) return undefined;
  const own = await deps.records.recordBeacon(deps.listenerName, now, sweepEveryMs);
  const twin = deps.twinListenerName ?? own.twin;
  const ownGapMs = own.lastSweepAt === undefined ? 0 : Math.max(0, now - own.lastSweepAt);
  if (!twin || twin === deps.listenerName) return undefined;
  let [beacon, state] = await Promise.all([
    deps.records.getBeacon(twin),
    deps.records.getTwinWatch(deps.listenerName, twin),
  ]);
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const next = watchTwin(state, beacon, now, sweepEveryMs, ownGapMs);
    if (!next) break;
    if (await deps.records.writeTwinWatch(state, next)) {
      report(deps, state, next, beacon);
      state = next;
      break;
    }
    [beacon, state] = await Promise.all([
      deps.records.getBeacon(twin),
      deps.records.getTwinWatch(deps.listenerName, twin),
    ]);
  }
  return publishTwinWatch(deps, state, now);
}

function report(deps: TwinWatchDeps, before: TwinWatch, after: TwinWatch, beacon: SweepBeacon | undefined) {
  const extra = { twin: after.twin, lastSweepAt: beacon?.lastSweepAt ?? null };
  if (after.silent && !before.silent) {
    deps.log.error('LISTENER_SILENT: the twin Listener has not swept for two periods; paging alone', extra);
  } else if (before.silent && !after.silent) {
    deps.log.warn('LISTENER_RECOVERED: the twin Listener sweeps again', extra);
  }
}

/**
 * Keeps the beacon fresh while a sweep runs longer than a period (a storm of silent Loggers, a slow store):
 * the twin judges this side by its beacon, and a side in the middle of a long sweep is paging, not silent.
 * A sweep shorter than a period writes nothing more. Returns the function that stops it.
 */
export function beaconWhileSweeping(deps: TwinWatchDeps, clock: () => number): () => void {
  const { sweepEveryMs } = deps;
  if (sweepEveryMs === undefined) return () => {};
  let writing = false;
  const timer = setInterval(() => {
    if (writing) return;
    writing = true;
    deps.records
      .recordBeacon(deps.listenerName, clock(), sweepEveryMs)
      .catch((error) => deps.log.warn('refreshing the sweep beacon failed', { error: describe(error) }))
      .finally(() => {
        writing = false;
      });
  }, sweepEveryMs);
  timer.unref?.();
  return () => clearInterval(timer);
}

/**
 * Publishes the watch's pending notices on the ops channels, once: the outbox is claimed by a conditional
 * write first, and what each channel delivered is recorded (a failed channel alone is retried next sweep).
 */
export async function publishTwinWatch(
  deps: TwinWatchDeps,
  state: TwinWatch,
  now: number,
): Promise<TwinWatch> {
  const claimed = claimTwinOutbox(state, now, now + deps.outboxRetryMs);
  if (!claimed) return state;
  if (!(await deps.records.writeTwinWatch(state, claimed)))
    return deps.records.getTwinWatch(state.watcher, state.twin);
  const ops = { ...deps, channels: deps.opsChannels ?? [] };
  const items = claimed.outbox.map((notice) => ({
    notification: twinNotification(notice),
    sent: notice.sent ?? [],
  }));
  const deliveries = await deliver(ops, items, `twin ${state.twin}`);
  const sent = new Map(
    claimed.outbox.map((n) => [
      n.id,
      deliveries.filter((d) => d.deliveredIds.includes(n.id)).map((d) => d.channel),
    ]),
  );
  const channels = ops.channels.map((c) => c.name);
  let current = claimed;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const next = twinOutboxDelivered(current, sent, channels);
    if (await deps.records.writeTwinWatch(current, next)) return next;
    current = await deps.records.getTwinWatch(state.watcher, state.twin);
  }
  deps.log.error('could not record the delivered twin-watch notices', { error: describe('conflict') });
  return current;
}
