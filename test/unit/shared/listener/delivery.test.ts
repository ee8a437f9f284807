import { describe, expect, it } from 'vitest';
import { newLogger } from '../../../../shared/domain/logger.js';
import { type Notification, stateNotification } from '../../../../shared/domain/notices/notification.js';
import { noCounters, quietLog } from '../../../../shared/listener/deps.js';
import {
  deliver,
  deliveredEverywhere,
  deliverInOrder,
  sentAfter,
} from '../../../../shared/listener/notices/delivery.js';
import { type NotificationChannel, PartialDelivery } from '../../../../shared/ports/channels.js';
import { T0 } from '../../fixtures.js';

const logger = newLogger(
  { customer: 'geocust1', side: 'A' },
  { eventTimeoutMs: 60_000, heartbeatIntervalMs: 30_000, transport: 'https' },
  T0,
);
const notice = (n: number) =>
  stateNotification(
    logger,
    { id: `geocust1/A#LOGGER_SILENT#${n}`, kind: 'LOGGER_SILENT', at: T0, deadline: T0 },
    'GEOCSCLNRA',
  );

/** A channel that records what it was asked to publish and fails as told. */
function channel(name: string, behaviour: (n: readonly Notification[]) => void = () => {}) {
  const calls: string[][] = [];
  const c: NotificationChannel = {
    name,
    publish: async (notifications) => {
      calls.push(notifications.map((n) => n.id));
      behaviour(notifications);
    },
  };
  return { c, calls };
}

const deps = (channels: NotificationChannel[]) => ({ channels, counters: noCounters, log: quietLog });

describe('deliver: each channel on its own', () => {
  it('still delivers on the other channels when one throws', async () => {
    const sns = channel('sns');
    const bus = channel('eventbridge', () => {
      throw new Error('EventBridge is down');
    });
    const items = [{ notification: notice(1), sent: [] }];
    const deliveries = await deliver(deps([bus.c, sns.c]), items, 'geocust1/A');
    expect(sns.calls).toEqual([[notice(1).id]]);
    expect(deliveries).toEqual([
      { channel: 'eventbridge', deliveredIds: [], failedIds: [notice(1).id] },
      { channel: 'sns', deliveredIds: [notice(1).id], failedIds: [] },
    ]);
    expect(deliveredEverywhere(deliveries)).toBe(false);
  });

  it('gives a channel only what it has not delivered before', async () => {
    const sns = channel('sns');
    const bus = channel('eventbridge');
    const items = [
      { notification: notice(1), sent: ['sns'] },
      { notification: notice(2), sent: [] },
    ];
    const deliveries = await deliver(deps([sns.c, bus.c]), items, 'geocust1/A');
    expect(sns.calls).toEqual([[notice(2).id]]);
    expect(bus.calls).toEqual([[notice(1).id, notice(2).id]]);
    expect(deliveredEverywhere(deliveries)).toBe(true);
    expect(sentAfter(notice(1).id, ['sns'], deliveries)).toEqual(['sns', 'eventbridge']);
  });

  it('takes a partial delivery at its word: what went out is not sent again', async () => {
    const sns = channel('sns', () => {
      throw new PartialDelivery([notice(1).id], 'one of two failed');
    });
    const items = [1, 2].map((n) => ({ notification: notice(n), sent: [] }));
    const [delivery] = await deliver(deps([sns.c]), items, 'geocust1/A');
    expect(delivery).toEqual({ channel: 'sns', deliveredIds: [notice(1).id], failedIds: [notice(2).id] });
  });

  it('logs a failing channel with the Logger, the channel and the error, never a stack', async () => {
    const lines: Record<string, unknown>[] = [];
    const log = {
      ...quietLog,
      error: (_: string, extra?: Record<string, unknown>) => lines.push(extra ?? {}),
    };
    const bad = channel('sns', () => {
      throw new Error('throttled');
    });
    await deliver(
      { channels: [bad.c], counters: noCounters, log },
      [{ notification: notice(1), sent: [] }],
      'geocust1/A',
    );
    expect(lines).toEqual([
      { logger: 'geocust1/A', channel: 'sns', notifications: [notice(1).id], error: 'Error: throttled' },
    ]);
  });
});

describe('deliverInOrder: a Logger’s notices, one at a time per channel', () => {
  it('sends them in order and stops a channel at its first failure, so nothing overtakes it', async () => {
    const sns = channel('sns', (n) => {
      if (n[0]?.id === notice(1).id) throw new Error('SNS is down');
    });
    const bus = channel('eventbridge');
    const deliveries = await deliverInOrder(deps([sns.c, bus.c]), () => [notice(1), notice(2)], 'geocust1/A');
    expect(sns.calls).toEqual([[notice(1).id]]);
    expect(bus.calls).toEqual([[notice(1).id], [notice(2).id]]);
    expect(deliveries).toEqual([
      { channel: 'sns', deliveredIds: [], failedIds: [notice(1).id] },
      { channel: 'eventbridge', deliveredIds: [notice(1).id, notice(2).id], failedIds: [] },
    ]);
  });
});
