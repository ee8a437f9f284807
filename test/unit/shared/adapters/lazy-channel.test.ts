import { describe, expect, it } from 'vitest';
import { LazyChannel } from '../../../../shared/adapters/notify/lazy-channel.js';
import type { Notification } from '../../../../shared/domain/notices/notification.js';
import type { NotificationChannel } from '../../../../shared/ports/channels.js';

const none: readonly Notification[] = [];

function recordingChannel(name: string, published: number[]): NotificationChannel {
  return {
    name,
    publish: async (n) => {
      published.push(n.length);
    },
  };
}

describe('LazyChannel', () => {
  it('loads its channel on the first publish only, then reuses it', async () => {
    let loads = 0;
    const published: number[] = [];
    const channel = new LazyChannel('sns', async () => {
      loads++;
      return recordingChannel('sns', published);
    });
    expect(loads).toBe(0);
    await channel.publish(none);
    await channel.publish(none);
    expect(loads).toBe(1);
    expect(published).toEqual([0, 0]);
  });

  it('fails the publish when loading fails, and loads again on the next publish', async () => {
    let loads = 0;
    const channel = new LazyChannel('sns', async () => {
      loads++;
      if (loads === 1) throw new Error('module not found');
      return recordingChannel('sns', []);
    });
    await expect(channel.publish(none)).rejects.toThrow('module not found');
    await expect(channel.publish(none)).resolves.toBeUndefined();
    expect(loads).toBe(2);
  });

  it('keeps the loaded channel when a publish fails (the channel failed, not the load)', async () => {
    let loads = 0;
    const channel = new LazyChannel('sns', async () => {
      loads++;
      return { name: 'sns', publish: async () => Promise.reject(new Error('Throttling')) };
    });
    await expect(channel.publish(none)).rejects.toThrow('Throttling');
    await expect(channel.publish(none)).rejects.toThrow('Throttling');
    expect(loads).toBe(1);
  });

  it('refuses a loaded channel under another name: the name is recorded on delivered notices', async () => {
    const channel = new LazyChannel('sns', async () => recordingChannel('eventbridge', []));
    await expect(channel.publish(none)).rejects.toThrow('channel sns loaded as eventbridge');
  });
});
