/**
 * Ops notices on an HTTP channel (issue 22), against DynamoDB Local and a receiver speaking PagerDuty's wire
 * protocol: a silent twin Listener, seen by overlapping sweeps of the side still sweeping, opens exactly one
 * incident keyed by its LISTENER_SILENT id, and its return resolves that incident once.
 */
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { httpChannel } from '../../../shared/adapters/channels/channels-file.js';
import { sweep } from '../../../shared/listener/sweep/sweep.js';
import type { Runtime } from '../../../shared/runtime.js';
import { type ChannelStubs, startChannelStubs } from '../../support/channel-stubs.js';
import { createTestListener, type TestListener } from '../../support/listener.js';

const EVERY = 60_000;
const A = 'GEOCSCLNRA';
const B = 'GEOCSCLNRB';
const KINDS = [
  'LOGGER_SILENT',
  'CUSTOMER_BLIND',
  'LOGGER_RECOVERED',
  'LISTENER_SILENT',
  'LISTENER_RECOVERED',
] as const;

let listener: TestListener;
let stubs: ChannelStubs;
let sideA: Runtime;
let sideB: Runtime;
beforeEach(async () => {
  listener = await createTestListener(inject('dynamoEndpoint'));
  stubs = await startChannelStubs(() => listener.clock.now);
  const now = () => listener.clock.now;
  const pd = httpChannel(
    {
      name: 'pd',
      type: 'pagerduty',
      routingKey: 'R'.repeat(32),
      url: stubs.url('pagerduty'),
      kinds: [...KINDS],
    },
    { now },
  );
  const base = { ...listener.runtime, sweepEveryMs: EVERY, opsChannels: [pd] };
  sideA = { ...base, listenerName: A, twinListenerName: B };
  sideB = { ...base, listenerName: B, twinListenerName: A };
});
afterEach(async () => {
  await stubs.close();
  await listener.dispose();
});

const now = () => listener.clock.now;
const tick = (side: Runtime) => Promise.all([1, 2].map(() => sweep(side, now(), now)));

describe('a silent twin Listener on PagerDuty', () => {
  it('is one incident, triggered once and resolved once, whatever the overlapping sweeps', async () => {
    await Promise.all([tick(sideA), tick(sideB)]);
    listener.clock.now += EVERY;
    for (let i = 0; i < 4; i++) {
      await tick(sideA); // B has stopped
      listener.clock.now += EVERY;
    }
    expect([...stubs.incidents.pagerduty.keys()]).toEqual([
      expect.stringMatching(/^LISTENER_SILENT#GEOCSCLNRA#GEOCSCLNRB#\d+$/),
    ]);
    await Promise.all([tick(sideA), tick(sideB)]); // B is back
    listener.clock.now += EVERY;
    await tick(sideA);
    const [incident] = [...stubs.incidents.pagerduty.values()];
    expect(incident).toMatchObject({ opened: 1, resolved: 1, open: false, merged: 0 });
    expect(stubs.unknownResolves.pagerduty).toEqual([]);
    expect(stubs.requests.pagerduty).toBe(2);
  });
});
