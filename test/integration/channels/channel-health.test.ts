/**
 * Channel health against DynamoDB Local and receivers that speak PagerDuty's and Slack's wire protocols
 * (test/support/channel-stubs.ts): what the sweeps record on the Listener's channel-health record, that they
 * write it only when a channel starts failing, recovers or refuses a notice, and that a channel refusing
 * notices for good is told to ops once. Times on an injected clock.
 */
import { PublishCommand } from '@aws-sdk/client-sns';
import { afterEach, beforeEach, describe, expect, inject, it, vi } from 'vitest';
import { watchedHttpChannel } from '../../../shared/adapters/channels/channels-file.js';
import type { ListenerDeps } from '../../../shared/listener/deps.js';
import { ChannelHealthMonitor } from '../../../shared/listener/notices/channel-health.js';
import { phoneHome } from '../../../shared/listener/phone-home.js';
import { registerLogger } from '../../../shared/listener/register.js';
import { sweep } from '../../../shared/listener/sweep/sweep.js';
import { type ChannelStubs, startChannelStubs } from '../../support/channel-stubs.js';
import {
  createTestListener,
  LISTENER_NAME,
  OPS_TOPIC_ARN,
  type TestListener,
} from '../../support/listener.js';

const TIMEOUT = 600_000;
const RETRY = 5_000;

let listener: TestListener;
let stubs: ChannelStubs;
let monitor: ChannelHealthMonitor;
let deps: ListenerDeps;
let tokens: string[];
beforeEach(async () => {
  // A mass-silence variable gives the test Listener its ops topic (2 Loggers never make a mass silence).
  listener = await createTestListener(inject('dynamoEndpoint'), undefined, {
    MASS_SILENCE_MIN_LOGGERS: '20',
  });
  stubs = await startChannelStubs(() => listener.clock.now);
  monitor = new ChannelHealthMonitor();
  const now = () => listener.clock.now;
  const channels = [
    watchedHttpChannel(
      { name: 'pd', type: 'pagerduty', routingKey: 'R'.repeat(32), url: stubs.url('pagerduty') },
      monitor,
      { now },
    ),
    watchedHttpChannel({ name: 'chat', type: 'slack', url: stubs.url('slack') }, monitor, { now }),
  ];
  deps = {
    ...listener.runtime,
    channels: [...listener.runtime.channels, ...channels],
    opsChannels: [...(listener.runtime.opsChannels ?? []), ...channels],
    channelHealth: monitor,
    outboxRetryMs: RETRY,
  };
  tokens = [];
  for (const customer of ['geocust1', 'geocust2']) {
    const request = { customer, side: 'A', eventTimeoutMs: TIMEOUT, transport: 'https' } as const;
    tokens.push((await registerLogger(deps.loggers, request, listener.clock.now)).token);
  }
});
afterEach(async () => {
  await stubs.close();
  await listener.dispose();
});

async function sweepAt(at: number) {
  listener.clock.now = at;
  return sweep(deps, at, () => listener.clock.now);
}

const opsNotices = () =>
  listener.sns
    .commandCalls(PublishCommand)
    .filter((c) => c.args[0].input.TopicArn === OPS_TOPIC_ARN)
    .map((c) => c.args[0].input.MessageAttributes?.kind?.StringValue);

describe('channel health (issue 22)', () => {
  it('records a failing channel once, its recovery once, and a refusing one with ONE ops notice', async () => {
    const start = listener.clock.now;
    stubs.fail('pagerduty', ...Array.from({ length: 6 }, () => ({ status: 503 })));
    stubs.fail('slack', { status: 400 }, { status: 400 });
    const write = vi.spyOn(deps.records, 'writeChannelHealth');

    const failedAt = start + TIMEOUT + 1;
    await sweepAt(failedAt); // both Loggers silent: PagerDuty answers 503, Slack refuses both pages
    let record = await deps.records.getChannelHealth(LISTENER_NAME);
    expect(record.channels.pd).toEqual({ failing: { since: failedAt, reason: 'the receiver answered 503' } });
    expect(record.channels.chat?.rejection).toMatchObject({ status: 400, at: failedAt });
    expect(opsNotices()).toEqual(['CHANNEL_REJECTED']);
    expect(write).toHaveBeenCalledTimes(1);

    // PagerDuty keeps failing for two more sweeps: retried, but nothing new to record.
    await sweepAt(failedAt + RETRY + 1);
    await sweepAt(failedAt + 2 * (RETRY + 1));
    expect(stubs.requests.pagerduty).toBe(6);
    expect(write).toHaveBeenCalledTimes(1);

    // It accepts again: the recovery is the one write more.
    const backAt = failedAt + 3 * (RETRY + 1);
    await sweepAt(backAt);
    expect(stubs.incidents.pagerduty.size).toBe(2);
    record = await deps.records.getChannelHealth(LISTENER_NAME);
    expect(record.channels.pd).toEqual({ lastSuccessAt: backAt });
    expect(write).toHaveBeenCalledTimes(2);
    // Slack refused two pages, ops heard of it once.
    expect(stubs.requests.slack).toBe(2);
    expect(opsNotices()).toEqual(['CHANNEL_REJECTED']);
  });

  it('costs a sweep whose channels delivered and stay healthy no request at all', async () => {
    const silentAt = listener.clock.now + TIMEOUT + 1;
    await sweepAt(silentAt); // the pages: both channels first seen working, written once
    const read = vi.spyOn(deps.records, 'getChannelHealth');
    const write = vi.spyOn(deps.records, 'writeChannelHealth');
    // Both Loggers phone home: their heartbeats deliver the all-clears, the next sweep records nothing new.
    for (const token of tokens) await phoneHome(deps, token, silentAt + 1);
    expect(stubs.incidents.pagerduty.size).toBe(2);
    expect([...stubs.incidents.pagerduty.values()].every((i) => i.resolved === 1)).toBe(true);
    await sweepAt(silentAt + 2);
    await sweepAt(silentAt + 60_000); // idle
    expect(read).not.toHaveBeenCalled();
    expect(write).not.toHaveBeenCalled();
  });
});
