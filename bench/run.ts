/**
 * Benchmarks against a real DynamoDB Local (started here): DynamoDB requests and latency per heartbeat,
 * ping ingest beside heartbeat ingest and the requests per ping (bench/ingest-pings.ts), and what a sweep reads as the fleet grows while the overdue count stays fixed (and the reverse).
 * Prints figures; asserts nothing. Run: `npm run bench`; the fleet-scale figures (1k/10k/100k Loggers,
 * minutes): `npm run bench -- --scale` (bench/scale.ts); the heartbeat ingest figures alone: `--ingest`;
 * 1,000 Loggers paged at once through a PagerDuty channel: `--channels` (bench/channels.ts);
 * pings beside heartbeats alone: `--pings`.
 */
import { randomUUID } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ensureTable, startDynamoLocal } from '../cli/local/dynamo-local.js';
import { dynamoPorts } from '../shared/adapters/dynamo/dynamo-ports.js';
import { type ListenerDeps, noCounters, quietLog } from '../shared/listener/deps.js';
import { phoneHome } from '../shared/listener/phone-home.js';
import { registerLogger } from '../shared/listener/register.js';
import { sweep } from '../shared/listener/sweep/sweep.js';
import type { NotificationChannel } from '../shared/ports/channels.js';
import { benchPingIngest } from './ingest-pings.js';

const MINUTE = 60_000;
const T0 = Date.UTC(2026, 10, 24, 12);
const IN_FLIGHT = 20;

/** Counts every request the client sends. */
function countRequests(client: DynamoDBClient): { count: number } {
  const counter = { count: 0 };
  client.middlewareStack.add(
    (next) => async (args) => {
      counter.count++;
      return next(args);
    },
    { step: 'initialize', name: 'benchRequestCounter' },
  );
  return counter;
}

const nullChannel: NotificationChannel = { name: 'null', publish: async () => {} };

async function setUp(endpointClient: () => DynamoDBClient) {
  const client = endpointClient();
  const table = `bench-${randomUUID()}`;
  await ensureTable(client, table);
  const requests = countRequests(client);
  const deps: ListenerDeps = {
    ...dynamoPorts(client, table),
    channels: [nullChannel],
    listenerName: 'BENCH',
    outboxRetryMs: 30_000,
    eventRetentionMs: 30 * 24 * 60 * MINUTE,
    log: quietLog,
    counters: noCounters,
  };
  return { deps, requests, client, table };
}

async function register(deps: ListenerDeps, count: number, prefix: string): Promise<string[]> {
  const tokens: string[] = [];
  for (let i = 0; i < count; i += 50) {
    const batch = Array.from({ length: Math.min(50, count - i) }, (_, j) =>
      registerLogger(
        deps.loggers,
        { customer: `${prefix}${i + j}`, side: 'A', eventTimeoutMs: 780 * MINUTE, transport: 'https' },
        T0,
      ),
    );
    tokens.push(...(await Promise.all(batch)).map((r) => r.token));
  }
  return tokens;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

async function benchHeartbeats(endpointClient: () => DynamoDBClient): Promise<void> {
  const { deps, requests } = await setUp(endpointClient);
  const tokens = await register(deps, 100, 'hb');
  const rounds = 50;
  const latencies: number[] = [];
  requests.count = 0;
  const started = performance.now();
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < tokens.length; i += IN_FLIGHT) {
      await Promise.all(
        tokens.slice(i, i + IN_FLIGHT).map(async (token) => {
          const t = performance.now();
          await phoneHome(deps, token, T0 + round * MINUTE, { intervalMs: 720 * MINUTE });
          latencies.push(performance.now() - t);
        }),
      );
    }
  }
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const total = tokens.length * rounds;
  console.log(`## Heartbeats (use case + DynamoDB Local, 100 Loggers × 50 rounds, ${IN_FLIGHT} in flight)`);
  console.log(`heartbeats:                   ${total}`);
  console.log(`DynamoDB requests/heartbeat:  ${(requests.count / total).toFixed(2)}`);
  console.log(`throughput:                   ${Math.round(total / elapsed)} heartbeats/s`);
  console.log(
    `latency p50 / p99:            ${percentile(latencies, 50).toFixed(1)} ms / ${percentile(latencies, 99).toFixed(1)} ms`,
  );
  console.log('');
}

async function benchSweep(
  endpointClient: () => DynamoDBClient,
  fleet: number,
  overdue: number,
): Promise<string> {
  const { deps, requests } = await setUp(endpointClient);
  const tokens = await register(deps, fleet, 'fleet');
  // Everyone but `overdue` Loggers phones home late, so only `overdue` are past their deadline.
  const later = T0 + 700 * MINUTE;
  for (let i = overdue; i < tokens.length; i += 50) {
    await Promise.all(tokens.slice(i, i + 50).map((token) => phoneHome(deps, token, later)));
  }
  requests.count = 0;
  const t = performance.now();
  const report = await sweep(deps, T0 + 781 * MINUTE);
  const ms = performance.now() - t;
  return `| ${fleet} | ${overdue} | ${report.due} | ${report.raised} | ${requests.count} | ${ms.toFixed(0)} ms |`;
}

if (process.argv.includes('--ingest')) {
  const { runIngestBench } = await import('./scale.js');
  await runIngestBench();
  process.exit(0);
}
if (process.argv.includes('--channels')) {
  const { runChannelsBench } = await import('./channels.js');
  await runChannelsBench();
  process.exit(0);
}
if (process.argv.includes('--pings')) {
  const dynamo = await startDynamoLocal();
  try {
    const run = await setUp(dynamo.client);
    await benchPingIngest(run.deps, run.client, run.table, run.requests);
  } finally {
    await dynamo.stop();
  }
  process.exit(0);
}
if (process.argv.includes('--scale')) {
  const { runScaleBench } = await import('./scale.js');
  await runScaleBench();
  process.exit(0);
}

const dynamo = await startDynamoLocal();
try {
  await benchHeartbeats(dynamo.client);
  const pingRun = await setUp(dynamo.client);
  await benchPingIngest(pingRun.deps, pingRun.client, pingRun.table, pingRun.requests);
  console.log('## One sweep: fleet size vs overdue Loggers');
  console.log('| fleet | overdue | items read (due) | alarms raised | DynamoDB requests | duration |');
  console.log('| ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const [fleet, overdue] of [
    [200, 10],
    [2000, 10],
    [2000, 100],
  ] as const) {
    console.log(await benchSweep(dynamo.client, fleet, overdue));
  }
} finally {
  await dynamo.stop();
}
