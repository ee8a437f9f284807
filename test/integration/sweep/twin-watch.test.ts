/**
 * Twin watch against DynamoDB Local: the two Listeners of a pair share one table; each sweep leaves its
 * beacon and watches the twin's. A twin silent for two periods gives ops exactly one LISTENER_SILENT, its
 * return exactly one LISTENER_RECOVERED — with several overlapping sweeps of the watcher at every tick.
 */
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import type { Notification } from '../../../shared/domain/notices/notification.js';
import { sweep } from '../../../shared/listener/sweep/sweep.js';
import type { NotificationChannel } from '../../../shared/ports/channels.js';
import type { Runtime } from '../../../shared/runtime.js';
import { createTestListener, type TestListener } from '../../support/listener.js';

const EVERY = 60_000;
const A = 'GEOCSCLNRA';
const B = 'GEOCSCLNRB';

/** An ops channel that records what it delivered, and fails while `failing` is set. */
function opsChannel() {
  const delivered: Notification[] = [];
  const state = { failing: false };
  const channel: NotificationChannel = {
    name: 'file',
    async publish(notifications) {
      if (state.failing) throw new Error('the ops channel is down');
      delivered.push(...notifications);
    },
  };
  return { channel, delivered, state };
}

let listener: TestListener;
let ops: ReturnType<typeof opsChannel>;
let sideA: Runtime;
let sideB: Runtime;

beforeEach(async () => {
  listener = await createTestListener(inject('dynamoEndpoint'));
  ops = opsChannel();
  const base = { ...listener.runtime, sweepEveryMs: EVERY, opsChannels: [ops.channel] };
  sideA = { ...base, listenerName: A, twinListenerName: B };
  sideB = { ...base, listenerName: B, twinListenerName: A };
});
afterEach(() => listener.dispose());

const now = () => listener.clock.now;
/** One tick of a side's schedule: two overlapping sweeps, as a late or retried invocation would make. */
const tick = (side: Runtime) => Promise.all([1, 2].map(() => sweep(side, now(), now)));
const kinds = () => ops.delivered.map((n) => `${n.kind} ${n.listener}`);

describe('a pair watching each other', () => {
  it('says nothing while both sweep, then once that B is silent, then once that it is back', async () => {
    for (let i = 0; i < 2; i++) {
      await Promise.all([tick(sideA), tick(sideB)]);
      listener.clock.now += EVERY;
    }
    expect(kinds()).toEqual([]);

    // B stops: A sweeps on alone; B's last sweep is three periods old at the third tick.
    for (let i = 0; i < 3; i++) {
      await tick(sideA);
      listener.clock.now += EVERY;
    }
    expect(kinds()).toEqual([`LISTENER_SILENT ${A}`]);
    expect(ops.delivered[0]?.id).toContain(B);

    // B sweeps again.
    for (let i = 0; i < 2; i++) {
      await Promise.all([tick(sideA), tick(sideB)]);
      listener.clock.now += EVERY;
    }
    expect(kinds()).toEqual([`LISTENER_SILENT ${A}`, `LISTENER_RECOVERED ${A}`]);
  }, 60_000);

  it('watches a twin recorded on its beacon when it has none configured (local pairing)', async () => {
    const unpaired: Runtime = { ...sideA, twinListenerName: undefined } as Runtime;
    await listener.runtime.records.pairBeacon(A, B);
    for (let i = 0; i < 4; i++) {
      await tick(unpaired);
      listener.clock.now += EVERY;
    }
    expect(kinds()).toEqual([`LISTENER_SILENT ${A}`]);
  });

  it('retries a notice whose ops channel failed on the next sweep, and delivers it once', async () => {
    for (let i = 0; i < 3; i++) {
      await tick(sideA);
      listener.clock.now += EVERY;
    }
    ops.state.failing = true;
    await tick(sideA);
    expect(kinds()).toEqual([]);
    ops.state.failing = false;
    listener.clock.now += EVERY;
    await tick(sideA);
    listener.clock.now += EVERY;
    await tick(sideA);
    expect(kinds()).toEqual([`LISTENER_SILENT ${A}`]);
  });

  it('leaves no beacon and watches nothing on a sweep run by hand (no sweep period)', async () => {
    const byHand: Runtime = { ...sideA, sweepEveryMs: undefined } as Runtime;
    await sweep(byHand, now(), now);
    expect(await listener.runtime.records.getBeacon(A)).toBeUndefined();
  });
});
