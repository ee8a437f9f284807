/**
 * What one idle sweep costs in DynamoDB, counted against DynamoDB Local with an SDK middleware counter:
 * a steady fleet (every Logger UP, none due), the sweeper wired as createRuntime wires it in AWS. These are
 * the figures docs/deploy.md's monthly cost is built on; the test keeps the doc's count true.
 */
import { readFileSync } from 'node:fs';
import { type DynamoDBClient, ReturnConsumedCapacity } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { localClient } from '../../../cli/local/dynamo-local.js';
import { createHandler as createSweeper } from '../../../functions/sweeper/handler.js';
import { dynamoPorts } from '../../../shared/adapters/dynamo/dynamo-ports.js';
import { recountFleet } from '../../../shared/adapters/dynamo/fleet/dynamo-fleet-counter.js';
import { loggerItem } from '../../../shared/adapters/dynamo/logger/dynamo-items.js';
import { newLogger } from '../../../shared/domain/logger.js';
import type { Runtime } from '../../../shared/runtime.js';
import { lambdaContext } from '../../support/http.js';
import { createTestListener, type TestListener } from '../../support/listener.js';

const MINUTE = 60_000;
const TIMEOUT = 780 * MINUTE;
/** Enough Loggers that every `due` shard holds more than the watched probe reads (13 a shard). */
const FLEET = 240;

let listener: TestListener;
let client: DynamoDBClient;
/** Each DynamoDB command the sweeper sent, with the capacity DynamoDB says it consumed. */
let sent: { command: string; units: number }[];

beforeEach(async () => {
  listener = await createTestListener(inject('dynamoEndpoint'));
  client = localClient(inject('dynamoEndpoint'));
  sent = [];
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { ReturnConsumedCapacity?: string };
      input.ReturnConsumedCapacity = ReturnConsumedCapacity.TOTAL;
      const result = await next(args);
      const consumed = (result.output as { ConsumedCapacity?: { CapacityUnits?: number } }).ConsumedCapacity;
      sent.push({ command: String(context.commandName), units: consumed?.CapacityUnits ?? 0 });
      return result;
    },
    { step: 'initialize', name: 'countSweepRequests' },
  );
  await steadyFleet();
});
afterEach(async () => {
  client.destroy();
  await listener.dispose();
});

/** FLEET Loggers that phoned home over the last ten hours, each with a full arrival history. */
async function steadyFleet(): Promise<void> {
  const doc = DynamoDBDocumentClient.from(localClient(inject('dynamoEndpoint')));
  const now = listener.clock.now;
  const items = Array.from({ length: FLEET }, (_, i) => {
    const seenAt = now - ((i * 7919) % 600) * MINUTE;
    const logger = newLogger(
      { customer: `fleet${Math.floor(i / 2)}`, side: i % 2 ? 'B' : 'A' },
      { eventTimeoutMs: TIMEOUT, heartbeatIntervalMs: 720 * MINUTE, transport: 'https' },
      now - 30 * 720 * MINUTE,
    );
    const arrivals = Array.from({ length: 20 }, (_, k) => seenAt - k * 720 * MINUTE);
    return loggerItem(
      {
        ...logger,
        state: 'UP',
        lastSeenAt: seenAt,
        deadline: seenAt + TIMEOUT,
        dueAt: seenAt + TIMEOUT,
        arrivals,
      },
      'token-hash',
    );
  });
  for (let i = 0; i < items.length; i += 25) {
    const batch = items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
    await doc.send(new BatchWriteCommand({ RequestItems: { [listener.tableName]: batch } }));
  }
  // The fleet counter with the fleet's rhythm, as their registrations would have left it.
  await recountFleet(doc, listener.tableName);
  doc.destroy();
}

/** The sweeper as createRuntime wires it in AWS: the mass-silence guard on, a gauge for watched Loggers. */
function deployed(twinListenerName?: string): Runtime {
  const { runtime } = listener;
  return {
    ...runtime,
    ...dynamoPorts(client, listener.tableName),
    massSilence: runtime.config.massSilence,
    opsChannels: runtime.channels,
    sweepEveryMs: MINUTE,
    ...(twinListenerName ? { twinListenerName } : {}),
    counters: { count() {}, gauge() {} },
  };
}

/** The requests of the third sweep a minute apart (the first ones create the Listener's records), by command. */
async function idleSweep(runtime: Runtime) {
  const sweeper = createSweeper(() => runtime);
  for (let i = 0; i < 2; i++) {
    await sweeper({}, lambdaContext);
    listener.clock.now += MINUTE;
  }
  sent = [];
  await sweeper({}, lambdaContext);
  const by = (command: string) => sent.filter((s) => s.command === command);
  const units = (list: typeof sent) => list.reduce((total, s) => total + s.units, 0);
  return {
    requests: sent.length,
    queries: by('QueryCommand').length,
    gets: by('GetItemCommand').length + by('BatchGetItemCommand').length,
    updates: by('UpdateItemCommand').length,
    /** The watched probe's queries: each reads a page of Loggers, the others find nothing here. */
    probeReadUnits: units(by('QueryCommand')),
    writeUnits: units(by('UpdateItemCommand')),
  };
}

/** docs/deploy.md's idle-sweep row: `| idle sweep | <log> | <requests> (…`. */
function documentedRequests(): number {
  const row = /^\| idle sweep \| [^|]+ \| (\d+) /m.exec(readFileSync('docs/deploy.md', 'utf8'));
  return Number(row?.[1]);
}

describe('an idle sweep', () => {
  it('of a single Listener: 27 requests, as docs/deploy.md counts them', async () => {
    const sweep = await idleSweep(deployed());
    // 24 `due`-index queries (8 shards × due items, the mass-silence witnesses of the fleet's one margin,
    // watched probe), the mass-silence record with the fleet counter (one BatchGetItem), the sweep beacon and
    // the sweeper record. Nothing is due, so the guard spares its overdue query.
    expect(sweep).toMatchObject({ requests: 27, queries: 24, gets: 1, updates: 2, writeUnits: 2 });
    // What DynamoDB Local says the 8 probe queries consumed (13 Loggers a shard): about 1 RRU each.
    expect(sweep.probeReadUnits).toBeLessThanOrEqual(8);
    expect(documentedRequests()).toBe(sweep.requests);
  });

  it('of one side of a pair: two more reads, the twin’s beacon and the twin watch', async () => {
    const sweep = await idleSweep(deployed('GEOCSCLNRB'));
    expect(sweep).toMatchObject({ requests: 29, queries: 24, gets: 3, updates: 2, writeUnits: 2 });
  });
});
