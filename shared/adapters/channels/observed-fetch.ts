/**
 * A channel's `fetch`, watched: what its receiver answered goes to the channel-health monitor
 * (shared/listener/notices/channel-health.ts) — delivered, or failing and why. Refusals for good arrive through the
 * channel's `onRejected`, which knows the notice. Nothing here names the URL (often a secret).
 */
import type { ChannelHealthMonitor } from '../../listener/notices/channel-health-monitor.js';
import { classify } from './answer.js';

export function observedFetch(
  monitor: ChannelHealthMonitor,
  channel: string,
  inner: typeof fetch = fetch,
  now: () => number = Date.now,
): typeof fetch {
  return async (input, init) => {
    let response: Response;
    try {
      response = await inner(input, init);
    } catch (error) {
      const timedOut = error instanceof Error && error.name === 'TimeoutError';
      monitor.failed(channel, now(), timedOut ? 'no answer within the timeout' : 'could not connect');
      throw error;
    }
    const meaning = classify(response.status);
    if (meaning === 'delivered') monitor.delivered(channel, now());
    if (meaning === 'retry') monitor.failed(channel, now(), `the receiver answered ${response.status}`);
    return response;
  };
}
