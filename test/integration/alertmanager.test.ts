/**
 * Issue 22's Alertmanager channel against a real Alertmanager (test/support/alertmanager.ts) routing to a
 * webhook receiver: each outage's page, posted twice (a retry after an ambiguous failure), makes exactly
 * one firing notification, and its all-clear exactly one resolved. Alertmanager runs on the real clock:
 * the test waits for its notifications (group_wait 200 ms, group_interval 1 s), never sleeps a fixed time.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpChannel } from '../../shared/adapters/channels/channels-file.js';
import { testOutage } from '../../shared/adapters/channels/test-outage.js';
import { type RealAlertmanager, startAlertmanager, until } from '../support/alertmanager.js';

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
});
