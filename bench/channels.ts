/**
 * `npm run bench -- --channels`: 1,000 Loggers silent at once (the mass-silence guard off) paged through a
 * PagerDuty channel to a local receiver speaking Events API v2 (test/support/channel-stubs.ts), against a
 * real DynamoDB Local: the time from the first sweep to the last trigger, the sweeps it took, the requests
 * the receiver and DynamoDB got, and whether any incident was triggered twice. Prints figures; asserts nothing.
 */
import { randomUUID } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ensureTable, startDynamoLocal } from '../cli/local/dynamo-local.js';
import { httpChannel } from '../shared/adapters/channels/channels-file.js';
import type { ListenerDeps } from '../shared/listener/deps.js';
import { registerLogger } from '../shared/listener/register.js';
import { sweep } from '../shared/listener/sweep/sweep.js';
import { startChannelStubs } from '../test/support/channel-stubs.js';
import { benchRuntime } from './bench-runtime.js';

const MINUTE = 60_000;
const T0 = Date.UTC(2026, 10, 24, 12);
const LOGGERS = 1_000;

export async function runChannelsBench(): Promise<void> {
  const dynamo = await startDynamoLocal();
  const stubs = await startChannelStubs();
  try {
    const client: DynamoDBClient = dynamo.client();
    const table = `bench-${randomUUID()}`;
    await ensureTable(client, table);
    let dynamoRequests = 0;
    client.middlewareStack.add(
      (next) => async (args) => {
        dynamoRequests++;
        return next(args);
      },
      { step: 'initialize', name: 'benchRequestCounter' },
    );
    const pd = httpChannel({
      name: 'pd',
      type: 'pagerduty',
      routingKey: 'R'.repeat(32),
      url: stubs.url('pagerduty'),
    });
    const deps: ListenerDeps = { ...benchRuntime(client, table), channels: [pd] };
    for (let i = 0; i < LOGGERS; i += 50) {
      await Promise.all(
        Array.from({ length: Math.min(50, LOGGERS - i) }, (_, j) =>
          registerLogger(
            deps.loggers,
            { customer: `mass${i + j}`, side: 'A', eventTimeoutMs: 780 * MINUTE, transport: 'https' },
            T0,
          ),
        ),
      );
    }
    dynamoRequests = 0;
    const started = performance.now();
    let sweeps = 0;
    let lastTriggerMs = 0;
    // Sweeps a minute apart on the Listener's clock, run back to back, until every Logger was paged.
    while (stubs.incidents.pagerduty.size < LOGGERS && sweeps < 10) {
      await sweep(deps, T0 + (781 + sweeps) * MINUTE, Date.now, { budgetMs: 50_000 });
      sweeps++;
      lastTriggerMs = performance.now() - started;
    }
    const incidents = [...stubs.incidents.pagerduty.values()];
    const twice = incidents.filter((i) => i.opened > 1 || i.merged > 0).length;
    console.log(`## ${LOGGERS} Loggers silent at once → a PagerDuty stub (mass-silence guard off)`);
    console.log(`incidents triggered:          ${incidents.length} of ${LOGGERS}`);
    console.log(`time to the last trigger:     ${(lastTriggerMs / 1000).toFixed(1)} s (${sweeps} sweep(s))`);
    console.log(`requests to PagerDuty:        ${stubs.requests.pagerduty}`);
    console.log(`triggered twice (or merged):  ${twice}`);
    console.log(
      `DynamoDB requests:            ${dynamoRequests} (${(dynamoRequests / LOGGERS).toFixed(1)} per Logger)`,
    );
    client.destroy();
  } finally {
    await stubs.close();
    await dynamo.stop();
  }
}
