/**
 * A failed delivery on a stage's channel is one EMF line whose dimension set is exactly what the channel's
 * ops alarm watches (`service` and `Channel`: CloudWatch matches the whole set, so any other dimension
 * would leave the alarm blind; test/infra/channels.test.ts holds the alarm to the same two).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

describe('ChannelDeliveryFailed', () => {
  it('is written at once, with the service and the channel as its only dimensions', async () => {
    // The tests turn metrics off (vitest.config.ts): on again for a fresh module.
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
    vi.resetModules();
    const { countChannelFailure } = await import('../../../shared/observability.js');
    const lines: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((s) => lines.push(String(s)) > 0);
    countChannelFailure('pd');
    const emf = lines.map((l) => JSON.parse(l)).find((l) => l.ChannelDeliveryFailed !== undefined);
    expect(emf?._aws.CloudWatchMetrics).toEqual([
      {
        Namespace: 'PhoneHomeListener',
        Dimensions: [['service', 'Channel']],
        Metrics: [{ Name: 'ChannelDeliveryFailed', Unit: 'Count' }],
      },
    ]);
    expect(emf).toMatchObject({ Channel: 'pd', ChannelDeliveryFailed: 1 });
  });
});
