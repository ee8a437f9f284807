/**
 * The one promise under concurrency, against DynamoDB Local (not a fake): however heartbeats, event
 * batches, relayed records and sweepers race, each outage gives exactly one LOGGER_SILENT and each return
 * exactly one LOGGER_RECOVERED, on every channel.
 */
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { PublishCommand } from '@aws-sdk/client-sns';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { createHandler as createEvents } from '../../../functions/events/handler.js';
import { createHandler as createHeartbeat } from '../../../functions/heartbeat/handler.js';
import { createHandler as createRelay } from '../../../functions/relay/handler.js';
import { createHandler as createSweeper } from '../../../functions/sweeper/handler.js';
import { DETAIL_TYPES } from '../../../shared/domain/notices/notification.js';
import { registerBridge, registerLogger } from '../../../shared/listener/register.js';
import { httpEvent, lambdaContext, parsed } from '../../support/http.js';
import { createTestListener, type TestListener } from '../../support/listener.js';

const MINUTE = 60_000;
const TIMEOUT = 780 * MINUTE;
let listener: TestListener;
let handlers: {
  heartbeat: ReturnType<typeof createHeartbeat>;
  events: ReturnType<typeof createEvents>;
  relay: ReturnType<typeof createRelay>;
  sweeper: ReturnType<typeof createSweeper>;
};

beforeEach(async () => {
  listener = await createTestListener(inject('dynamoEndpoint'));
  const runtime = () => listener.runtime;
  handlers = {
    heartbeat: createHeartbeat(runtime),
    events: createEvents(runtime),
    relay: createRelay(runtime),
    sweeper: createSweeper(runtime),
  };
});
afterEach(() => listener.dispose());

let sequence = 0;
const beat = async (token: string) =>
  parsed(await handlers.heartbeat(httpEvent({ path: '/v1/heartbeat', token }), lambdaContext));
const postEvent = async (token: string) => {
  const event = { id: `e${++sequence}`, occurredAt: '2026-11-24T11:00:00Z', severity: 'info', message: 'x' };
  return parsed(
    await handlers.events(httpEvent({ path: '/v1/events', token, body: { events: [event] } }), lambdaContext),
  );
};
const relayBeat = async (bridgeToken: string, customer: string) => {
  const record = { id: `r${++sequence}`, type: 'heartbeat', customer, side: 'A', at: '2026-11-24T11:00:00Z' };
  return parsed(
    await handlers.relay(
      httpEvent({ path: '/v1/relay', token: bridgeToken, body: { records: [record] } }),
      lambdaContext,
    ),
  );
};
/** Four sweepers at once, as overlapping scheduled runs would be. */
const sweepers = () => Promise.all([1, 2, 3, 4].map(() => handlers.sweeper({}, lambdaContext)));
const advance = (ms: number) => {
  listener.clock.now += ms;
};

/** Successful SNS pages and EventBridge events of a kind, per customer. */
function delivered(kind: 'LOGGER_SILENT' | 'LOGGER_RECOVERED'): {
  sns: Map<string, number>;
  bus: Map<string, number>;
} {
  const sns = new Map<string, number>();
  const bus = new Map<string, number>();
  for (const call of listener.sns.commandCalls(PublishCommand)) {
    const attributes = call.args[0].input.MessageAttributes ?? {};
    if (attributes.kind?.StringValue !== kind) continue;
    const customer = String(attributes.customer?.StringValue);
    sns.set(customer, (sns.get(customer) ?? 0) + 1);
  }
  for (const call of listener.bus.commandCalls(PutEventsCommand)) {
    for (const entry of call.args[0].input.Entries ?? []) {
      if (entry.DetailType !== DETAIL_TYPES[kind]) continue;
      const customer = String((JSON.parse(entry.Detail ?? '{}') as { customer?: string }).customer);
      bus.set(customer, (bus.get(customer) ?? 0) + 1);
    }
  }
  return { sns, bus };
}

describe('races on the alarm path', () => {
  it('gives each of 16 Loggers exactly 2 LOGGER_SILENT and 2 LOGGER_RECOVERED over two outages, whatever races', async () => {
    const { loggers: store } = listener.runtime;
    const { relayToken } = await registerBridge(
      listener.runtime,
      { site: 'dc1', eventTimeoutMs: 10 * TIMEOUT },
      listener.clock.now,
    );
    // 8 HTTPS Loggers raced by heartbeat + events + heartbeat; 8 modem Loggers by relay + heartbeat + relay.
    const loggers = await Promise.all(
      Array.from({ length: 16 }, async (_, i) => {
        const transport = i < 8 ? 'https' : 'modem';
        const customer = `race${i}`;
        const { token } = await registerLogger(
          store,
          { customer, side: 'A', eventTimeoutMs: TIMEOUT, transport },
          listener.clock.now,
        );
        return { customer, token, transport };
      }),
    );
    const comeBack = ({ customer, token, transport }: (typeof loggers)[number]) =>
      transport === 'https'
        ? [beat(token), postEvent(token), beat(token)]
        : [relayBeat(relayToken, customer), beat(token), relayBeat(relayToken, customer)];

    for (let outage = 0; outage < 2; outage++) {
      advance(TIMEOUT + MINUTE);
      await sweepers();
      advance(MINUTE);
      const answers = await Promise.all(loggers.flatMap(comeBack));
      expect(answers.map((a) => a.statusCode)).toEqual(answers.map(() => 200));
      await sweepers();
    }
    // Anything still pending (a lost race to record a delivery) is retried by later sweeps: let them run.
    for (let i = 0; i < 3; i++) {
      advance(listener.runtime.outboxRetryMs);
      await sweepers();
    }

    const silent = delivered('LOGGER_SILENT');
    const recovered = delivered('LOGGER_RECOVERED');
    for (const { customer } of loggers) {
      expect({ customer, silent: silent.sns.get(customer), recovered: recovered.sns.get(customer) }).toEqual({
        customer,
        silent: 2,
        recovered: 2,
      });
      expect({ customer, silent: silent.bus.get(customer), recovered: recovered.bus.get(customer) }).toEqual({
        customer,
        silent: 2,
        recovered: 2,
      });
    }
    const fleet = await store.list();
    expect(fleet.filter((l) => l.customer.startsWith('race')).every((l) => l.outbox.length === 0)).toBe(true);
    // Heartbeats, events, relays and sweeps: single-item requests only (no transactions on an MRSC table).
    const operations = listener.dynamoOperations();
    expect(operations).toEqual(expect.arrayContaining(['UpdateItem', 'PutItem', 'GetItem', 'Query']));
    expect(operations.filter((op) => op.startsWith('Transact'))).toEqual([]);
  }, 120_000);
});
