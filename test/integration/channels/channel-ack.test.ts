/**
 * An acknowledgement in the Listener reaches the incident tools (issue 22): `listener alarm ack`, the
 * console's button and an ack link all call acknowledgeAlarm, whose conditional write records a
 * LOGGER_ACKNOWLEDGED notice after the page in the outbox; the next sweep claims it and sends PagerDuty
 * `acknowledge` (dedup_key = the outage id) and Opsgenie's acknowledge by alias, once per channel even with two
 * sweepers racing, never before the trigger was accepted; chat gets nothing, SNS pages nobody. Against
 * DynamoDB Local and receivers speaking each wire protocol (test/support/channel-stubs.ts).
 */

import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { PublishCommand } from '@aws-sdk/client-sns';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { httpChannel } from '../../../shared/adapters/channels/channels-file.js';
import { acknowledgeAlarm } from '../../../shared/listener/admin.js';
import type { ListenerDeps } from '../../../shared/listener/deps.js';
import { phoneHome } from '../../../shared/listener/phone-home.js';
import { registerLogger } from '../../../shared/listener/register.js';
import { sweep } from '../../../shared/listener/sweep/sweep.js';
import { type ChannelStubs, startChannelStubs } from '../../support/channel-stubs.js';
import { createTestListener, type TestListener } from '../../support/listener.js';

const TIMEOUT = 600_000;
const RETRY = 5_000;
const A = { customer: 'geocust1', side: 'A' } as const;

let listener: TestListener;
let stubs: ChannelStubs;
let deps: ListenerDeps;
let token: string;
beforeEach(async () => {
  listener = await createTestListener(inject('dynamoEndpoint'));
  stubs = await startChannelStubs(() => listener.clock.now);
  const now = () => listener.clock.now;
  const channels = [
    httpChannel(
      { name: 'pd', type: 'pagerduty', routingKey: 'R'.repeat(32), url: stubs.url('pagerduty') },
      { now },
    ),
    httpChannel({ name: 'og', type: 'opsgenie', apiKey: 'k', url: stubs.url('opsgenie') }, { now }),
    httpChannel({ name: 'chat', type: 'slack', url: stubs.url('slack') }, { now }),
  ];
  deps = { ...listener.runtime, channels: [...listener.runtime.channels, ...channels], outboxRetryMs: RETRY };
  const request = { ...A, eventTimeoutMs: TIMEOUT, transport: 'https' } as const;
  token = (await registerLogger(deps.loggers, request, listener.clock.now)).token;
});
afterEach(async () => {
  await stubs.close();
  await listener.dispose();
});

const sweepers = (at: number) => {
  listener.clock.now = at;
  const now = () => listener.clock.now;
  return Promise.all([sweep(deps, at, now), sweep(deps, at, now)]);
};
const ack = (by: string, at: number) =>
  acknowledgeAlarm({ loggers: deps.loggers, actor: by, via: 'cli', now: at }, A);
const outage = (start: number) => `geocust1/A#LOGGER_SILENT#${start + TIMEOUT}`;

describe('acknowledging an alarm (issue 22)', () => {
  it('acknowledges the incident in PagerDuty and Opsgenie once, by the outage id; chat and SNS get nothing', async () => {
    const start = listener.clock.now;
    const silentAt = start + TIMEOUT + 1;
    await sweepers(silentAt);
    expect(stubs.incidents.pagerduty.get(outage(start))).toMatchObject({ opened: 1, open: true });

    expect((await ack('alice', silentAt + 1_000)).after?.ack?.by).toBe('alice');
    expect((await ack('bob', silentAt + 2_000)).after?.ack?.by).toBe('bob'); // already owned: no second notice
    expect(stubs.requests.pagerduty).toBe(1); // the acknowledger holds no channel: the sweep sends it
    await sweepers(silentAt + 3_000);
    await sweepers(silentAt + 3_000 + RETRY + 1);

    for (const tool of ['pagerduty', 'opsgenie'] as const) {
      expect(stubs.incidents[tool].get(outage(start)), tool).toMatchObject({ opened: 1, acknowledged: 1 });
    }
    expect(stubs.unknownAcks).toEqual({ pagerduty: [], opsgenie: [] });
    expect(stubs.messages.slack).toHaveLength(1);
    expect(stubs.requests.slack).toBe(1);
    const kinds = listener.sns
      .commandCalls(PublishCommand)
      .map((c) => c.args[0].input.MessageAttributes?.kind?.StringValue);
    expect(kinds).toEqual(['LOGGER_SILENT']);
    const events = listener.bus.commandCalls(PutEventsCommand).flatMap((c) => c.args[0].input.Entries ?? []);
    expect(events.map((e) => e.DetailType)).toEqual(['Logger Silent', 'Logger Acknowledged']);
    expect((await deps.loggers.get(A))?.outbox).toEqual([]);

    // It phones home: the same incident resolves.
    await phoneHome(deps, token, silentAt + 60_000);
    expect(stubs.incidents.pagerduty.get(outage(start))).toMatchObject({
      opened: 1,
      resolved: 1,
      acknowledged: 1,
      open: false,
    });
  });

  it('never acknowledges before the trigger was accepted: it waits behind a failing page', async () => {
    const start = listener.clock.now;
    const silentAt = start + TIMEOUT + 1;
    stubs.fail('pagerduty', { status: 500 }, { status: 500 });
    await sweepers(silentAt);
    await ack('alice', silentAt + 1_000);
    await sweepers(silentAt + RETRY + 1); // the page fails again: the acknowledgement waits behind it
    expect(stubs.incidents.pagerduty.size).toBe(0);
    await sweepers(silentAt + 2 * (RETRY + 1));
    expect(stubs.incidents.pagerduty.get(outage(start))).toMatchObject({ opened: 1, acknowledged: 1 });
    expect(stubs.unknownAcks.pagerduty).toEqual([]);
  });
});
