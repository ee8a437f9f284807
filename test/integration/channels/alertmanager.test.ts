/**
 * Issue 22's Alertmanager channel against a real Alertmanager (test/support/alertmanager.ts) routing to a
 * webhook receiver: each outage's page, posted twice (a retry after an ambiguous failure), makes exactly
 * one firing notification, and its all-clear exactly one resolved; an outage lasting many times the alert's
 * `endsAt` hold stays firing because the sweep re-sends it each period, and resolves once. Alertmanager
 * runs on the real clock: the test waits for its notifications (group_wait 200 ms, group_interval 1 s),
 * and the Listener's injected clock moves one sweep at a time, never ahead of Alertmanager's.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { httpChannel } from '../../../shared/adapters/channels/channels-file.js';
import { testOutage } from '../../../shared/adapters/channels/test-outage.js';
import type { ListenerDeps } from '../../../shared/listener/deps.js';
import { phoneHome } from '../../../shared/listener/phone-home.js';
import { registerLogger } from '../../../shared/listener/register.js';
import { sweep } from '../../../shared/listener/sweep/sweep.js';
import { type RealAlertmanager, startAlertmanager, until } from '../../support/alertmanager.js';
import { createTestListener } from '../../support/listener.js';

let am: RealAlertmanager;
beforeAll(async () => {
  am = await startAlertmanager();
}, 30_000);
afterAll(async () => {
  await am?.stop();
});

describe('a real Alertmanager (issue 22)', () => {
  it('notifies exactly one firing and one resolved per outage, whatever was posted twice', async () => {
    const channel = httpChannel({ name: 'am', type: 'alertmanager', url: am.url });
    const customers = ['amcust1', 'amcust2'];
    const outages = customers.map((c) => testOutage(Date.now(), c));
    for (const o of outages) {
      await channel.publish([o.page]);
      await channel.publish([o.page]); // a retry after a timeout that had landed
    }
    await until('the firing notifications', () => customers.every((c) => am.count(c, 'firing') > 0));
    for (const o of outages) await channel.publish([o.allClear]);
    await until('the resolved notifications', () => customers.every((c) => am.count(c, 'resolved') > 0));
    // One more group interval (real time, Alertmanager's): no further notification arrives.
    await new Promise((done) => setTimeout(done, 1_500));
    for (const c of customers) {
      expect({ c, firing: am.count(c, 'firing'), resolved: am.count(c, 'resolved') }).toEqual({
        c,
        firing: 1,
        resolved: 1,
      });
    }
  }, 40_000);

  it('keeps a long outage firing by re-sending it each period, then resolves it once', async () => {
    const SECOND = 1_000;
    const listener = await createTestListener(inject('dynamoEndpoint'), Date.now());
    try {
      const clock = () => listener.clock.now;
      // Re-sent every 2 s, so its endsAt is 6 s ahead (slack for a slow sweep on a busy machine): the 14 s
      // outage outlasts that more than twice.
      const config = { name: 'am', type: 'alertmanager', url: am.url, resendEverySeconds: 2 } as const;
      const channels = [httpChannel(config, { now: clock })];
      const deps: ListenerDeps = { ...listener.runtime, channels, sweepEveryMs: 2 * SECOND };
      const request = {
        customer: 'amlong',
        side: 'A',
        eventTimeoutMs: 2 * SECOND,
        transport: 'https',
      } as const;
      listener.clock.now = Date.now();
      const { token } = await registerLogger(deps.loggers, request, listener.clock.now);
      /**
       * One scheduled sweep at `at`, on Alertmanager's clock (the real one, which judges `endsAt`): once that
       * has got there, and at the real time if a busy machine ran late.
       */
      const sweepAt = async (at: number) => {
        await until('the real clock to reach the sweep', () => Date.now() >= at);
        listener.clock.now = Math.max(at, Date.now());
        await sweep(deps, listener.clock.now, clock);
      };
      const silentAt = listener.clock.now + 2 * SECOND + 10;
      await sweepAt(silentAt);
      await until('the firing notification', () => am.count('amlong', 'firing') === 1);
      for (let i = 1; i <= 7; i++) await sweepAt(silentAt + 2 * i * SECOND);
      expect({ firing: am.count('amlong', 'firing'), resolved: am.count('amlong', 'resolved') }).toEqual({
        firing: 1,
        resolved: 0,
      });

      listener.clock.now = Date.now();
      await phoneHome(deps, token, listener.clock.now);
      await until('the resolved notification', () => am.count('amlong', 'resolved') === 1);
      // A sweep right after (before its 2 s timeout could make it silent again): nothing is re-sent.
      await sweep(deps, listener.clock.now, clock);
      await new Promise((done) => setTimeout(done, 1_500)); // one more group interval
      expect({ firing: am.count('amlong', 'firing'), resolved: am.count('amlong', 'resolved') }).toEqual({
        firing: 1,
        resolved: 1,
      });
    } finally {
      await listener.dispose();
    }
  }, 60_000);
});
