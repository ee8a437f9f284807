/**
 * Issue 22, against DynamoDB Local: a receiver that hangs (PagerDuty's stub processes the request and never
 * answers) neither holds a heartbeat's answer beyond its request path's budget nor a sweep beyond its own:
 * its all-clear, or its pages, go on in a later sweep, once per outage, after the page, while the other
 * channels deliver at once. Each channel's own timeout (20 s) is far beyond the budgets, so what is counted
 * here — requests cut off, the wait each log line names, requests still in flight when the call returns —
 * tells which one bounded the wait. Times of the Listener on an injected clock.
 */
import { afterEach, beforeEach, describe, expect, inject, it, vi } from 'vitest';
import { httpChannel } from '../../../shared/adapters/channels/channels-file.js';
import type { ListenerDeps, Log } from '../../../shared/listener/deps.js';
import { REQUEST_PATH_BUDGET_MS } from '../../../shared/listener/notices/outbox.js';
import { phoneHome } from '../../../shared/listener/phone-home.js';
import { registerLogger } from '../../../shared/listener/register.js';
import { sweep } from '../../../shared/listener/sweep/sweep.js';
import { type ChannelStubs, startChannelStubs, WEBHOOK_SECRET } from '../../support/channel-stubs.js';
import { createTestListener, type TestListener } from '../../support/listener.js';

const TIMEOUT = 600_000;
const RETRY = 10_000;
/** Each channel's own timeout: a wait this long would mean the budget did not hold. */
const CHANNEL_TIMEOUT_MS = 20_000;
const SWEEP_BUDGET_MS = 1_500;

let listener: TestListener;
let stubs: ChannelStubs;
let errors: string[];
beforeEach(async () => {
  listener = await createTestListener(inject('dynamoEndpoint'));
  stubs = await startChannelStubs(() => listener.clock.now);
  errors = [];
});
afterEach(async () => {
  await stubs.close();
  await listener.dispose();
});

/** The runtime's SNS and EventBridge, a PagerDuty and a signed-webhook receiver; errors logged are kept. */
function listenerWithReceivers(): ListenerDeps {
  const now = () => listener.clock.now;
  const receivers = [
    httpChannel(
      { name: 'pd', type: 'pagerduty', routingKey: 'R'.repeat(32), url: stubs.url('pagerduty') },
      { now, timeoutMs: CHANNEL_TIMEOUT_MS },
    ),
    httpChannel(
      { name: 'hook', type: 'webhook', url: stubs.url('webhook'), secret: WEBHOOK_SECRET },
      { now, timeoutMs: CHANNEL_TIMEOUT_MS },
    ),
  ];
  const log: Log = {
    info() {},
    warn() {},
    error: (_message, extra) => errors.push(String(extra?.error)),
  };
  const { runtime } = listener;
  return { ...runtime, channels: [...runtime.channels, ...receivers], outboxRetryMs: RETRY, log };
}

async function register(deps: ListenerDeps, count: number): Promise<string[]> {
  const tokens: string[] = [];
  for (let i = 0; i < count; i++) {
    const request = { customer: `hang${i}`, side: 'A', eventTimeoutMs: TIMEOUT, transport: 'https' } as const;
    tokens.push((await registerLogger(deps.loggers, request, listener.clock.now)).token);
  }
  return tokens;
}

const incidents = () => [...stubs.incidents.pagerduty.values()];
const kinds = (kind: string) => listener.published().filter((p) => p.kind === kind).length;

describe('a hanging receiver and a heartbeat (issue 22)', () => {
  it('answers the heartbeat within its budget; the all-clear goes on in the sweep, once, after the page', async () => {
    const deps = listenerWithReceivers();
    const [token = ''] = await register(deps, 1);
    listener.clock.now += TIMEOUT + 1;
    await sweep(deps, listener.clock.now, () => listener.clock.now);
    expect(incidents()).toEqual([{ opened: 1, resolved: 0, open: true, merged: 0 }]);

    stubs.fail('pagerduty', { hang: true });
    const back = await phoneHome(deps, token, listener.clock.now);
    expect(back.recovered).toBe(true);
    // The heartbeat stopped waiting at its budget, not at the channel's 20 s timeout, and closed the request
    // (the receiver sees the connection close a moment later).
    expect(errors).toEqual([`RetryLater: channel pd: no answer within ${REQUEST_PATH_BUDGET_MS} ms`]);
    await vi.waitFor(() => expect(stubs.abandoned.pagerduty).toBe(1));
    expect(stubs.hanging()).toBe(0);
    // The other channels delivered the all-clear at once; PagerDuty's waits, claimed, for the sweep.
    expect(kinds('LOGGER_RECOVERED')).toBe(1);
    expect(stubs.webhooks.ids).toHaveLength(2);
    const [allClear] = (await deps.loggers.get(back.logger))?.outbox ?? [];
    expect(allClear?.kind).toBe('LOGGER_RECOVERED');
    expect(allClear?.sent).not.toContain('pd');
    expect(allClear?.sent).toHaveLength(deps.channels.length - 1);

    // A sweep while the heartbeat's claim stands sends nothing; the one after it ends sends the resolve.
    const requests = stubs.requests.pagerduty;
    await sweep(deps, listener.clock.now, () => listener.clock.now);
    expect(stubs.requests.pagerduty).toBe(requests);
    listener.clock.now += RETRY;
    const report = await sweep(deps, listener.clock.now, () => listener.clock.now);
    expect(report.failed).toBe(0);
    expect(stubs.requests.pagerduty).toBe(requests + 1);
    expect((await deps.loggers.get(back.logger))?.outbox).toEqual([]);
    // The hung request had been processed: the retry is a repeat PagerDuty drops by dedup_key.
    expect(incidents()).toEqual([{ opened: 1, resolved: 1, open: false, merged: 1 }]);
    expect(stubs.unknownResolves.pagerduty).toEqual([]);
    expect(kinds('LOGGER_RECOVERED')).toBe(1);
    expect(stubs.webhooks.repeats).toBe(0);
  });
});

describe('a hanging receiver and the sweep’s time budget (issue 22)', () => {
  it('waits on it no longer than the budget, leaves nothing in flight, and pages it in a later sweep', async () => {
    const deps = listenerWithReceivers();
    await register(deps, 6);
    listener.clock.now += TIMEOUT + 1;
    stubs.fail('pagerduty', ...Array.from({ length: 6 }, () => ({ hang: true as const })));
    const clock = () => listener.clock.now;
    const report = await sweep(deps, listener.clock.now, clock, { budgetMs: SWEEP_BUDGET_MS });
    // Every publication stopped waiting at the budget's end, not at the channel's timeout, and closed its request.
    expect(errors).toEqual(Array(6).fill(`RetryLater: channel pd: no answer within ${SWEEP_BUDGET_MS} ms`));
    await vi.waitFor(() => expect(stubs.abandoned.pagerduty).toBe(6));
    expect(stubs.hanging()).toBe(0);
    expect({ due: report.due, failed: report.failed }).toEqual({ due: 6, failed: 6 });
    // The other channels paged all six at once.
    expect(kinds('LOGGER_SILENT')).toBe(6);
    expect(stubs.webhooks.ids).toHaveLength(6);

    listener.clock.now += RETRY;
    const later = await sweep(deps, listener.clock.now, clock, { budgetMs: SWEEP_BUDGET_MS });
    expect(later.failed).toBe(0);
    // One incident per outage: the hung triggers had been processed, their retries merged by dedup_key.
    expect(incidents()).toEqual(Array(6).fill({ opened: 1, resolved: 0, open: true, merged: 1 }));
    expect(kinds('LOGGER_SILENT')).toBe(6);
    expect(stubs.webhooks.repeats).toBe(0);
  });
});
