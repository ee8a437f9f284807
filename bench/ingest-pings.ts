/**
 * Ping ingest beside heartbeat ingest, in the same run against the same DynamoDB Local: the ping use case
 * (warm cache, history kept, as the ping Lambda runs it) and the heartbeat use case, 100 Loggers × 60
 * rounds each, 20 in flight, interleaved round by round so both see the same machine load. Prints the
 * throughput ratio (goal ≥ 0.8) and the DynamoDB requests per ping, without and with a body. Asserts nothing.
 */
import { loadavg } from 'node:os';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoPingDirectory } from '../shared/adapters/dynamo/logger/dynamo-ping-directory.js';
import type { PingRequestFacts } from '../shared/domain/pings/history.js';
import type { ListenerDeps } from '../shared/listener/deps.js';
import { phoneHome } from '../shared/listener/phone-home.js';
import { type PingDeps, receivePing } from '../shared/listener/pings/ping.js';
import { PingRoutes } from '../shared/listener/pings/ping-routes.js';
import { registerLogger } from '../shared/listener/register.js';

const MINUTE = 60_000;
const T0 = Date.UTC(2026, 10, 24, 12);
const LOGGERS = 100;
// A multiple of PING_CHUNK (shared/domain/pings/history.ts), so the requests a ping costs are the steady state.
const ROUNDS = 60;
const IN_FLIGHT = 20;
const CURL: PingRequestFacts = { method: 'GET', sourceIp: '203.0.113.7', userAgent: 'curl/8.5.0' };
const WITH_BODY: PingRequestFacts = {
  method: 'POST',
  sourceIp: '203.0.113.7',
  userAgent: 'runitor/1.3.0',
  body: Buffer.alloc(2_000, 'backup log line\n'),
};

interface Side {
  readonly name: string;
  readonly send: (i: number, at: number) => Promise<unknown>;
  elapsedMs: number;
  requests: number;
}

/** Runs the ping and heartbeat benches interleaved; `requests` counts the client's requests so far. */
export async function benchPingIngest(
  deps: ListenerDeps,
  client: DynamoDBClient,
  table: string,
  requests: { count: number },
): Promise<void> {
  const directory = new DynamoPingDirectory(client, table);
  const pings: PingDeps = {
    directory,
    routes: new PingRoutes(),
    ...(deps.history ? { history: deps.history } : {}),
  };
  const register = async (prefix: string, withPing: boolean) => {
    const registered = [];
    for (let i = 0; i < LOGGERS; i += IN_FLIGHT) {
      const batch = Array.from({ length: Math.min(IN_FLIGHT, LOGGERS - i) }, (_, j) =>
        registerLogger(
          deps.loggers,
          { customer: `${prefix}${i + j}`, side: 'A', eventTimeoutMs: 780 * MINUTE, transport: 'https' },
          T0,
          withPing ? directory : undefined,
        ),
      );
      registered.push(...(await Promise.all(batch)));
    }
    return registered;
  };
  const beaters = (await register('hbp', false)).map((r) => r.token);
  const pingers = (await register('png', true)).map((r) => r.pingUuid ?? '');
  const bodied = (await register('pbd', true)).map((r) => r.pingUuid ?? '');
  const ping = (uuids: string[], facts: PingRequestFacts) => (i: number, at: number) =>
    receivePing(deps, pings, { path: `/ping/${uuids[i]}`, receivedAt: at, facts });
  // Warm the cache (as a warm Lambda container has it): the steady state is what the goal is about.
  for (const uuids of [pingers, bodied]) {
    for (let i = 0; i < LOGGERS; i += IN_FLIGHT) {
      await Promise.all(uuids.slice(i, i + IN_FLIGHT).map((_, j) => ping(uuids, CURL)(i + j, T0)));
    }
  }
  const sides: Side[] = [
    { name: 'heartbeat', send: (i, at) => phoneHome(deps, beaters[i] ?? '', at), elapsedMs: 0, requests: 0 },
    { name: 'ping', send: ping(pingers, CURL), elapsedMs: 0, requests: 0 },
    { name: 'ping with a 2 kB body', send: ping(bodied, WITH_BODY), elapsedMs: 0, requests: 0 },
  ];
  for (let round = 1; round <= ROUNDS; round++) {
    for (const side of sides) {
      const before = requests.count;
      const started = performance.now();
      for (let i = 0; i < LOGGERS; i += IN_FLIGHT) {
        const batch = Array.from({ length: Math.min(IN_FLIGHT, LOGGERS - i) }, (_, j) => i + j);
        await Promise.all(batch.map((k) => side.send(k, T0 + round * MINUTE)));
      }
      side.elapsedMs += performance.now() - started;
      side.requests += requests.count - before;
    }
  }
  const total = LOGGERS * ROUNDS;
  const rate = (side: Side) => total / (side.elapsedMs / 1000);
  const [heartbeat, plain, body] = sides as [Side, Side, Side];
  console.log(
    `## Pings beside heartbeats (use cases + DynamoDB Local, ${LOGGERS} Loggers × ${ROUNDS} rounds each, ${IN_FLIGHT} in flight, interleaved)`,
  );
  console.log(`load average (1 min) at the end: ${loadavg()[0]?.toFixed(2)}`);
  for (const side of sides) {
    console.log(
      `${`${side.name}:`.padEnd(24)}${Math.round(rate(side))}/s, ${(side.requests / total).toFixed(2)} DynamoDB requests each`,
    );
  }
  console.log(
    `ping ingest ÷ heartbeat ingest: ${(rate(plain) / rate(heartbeat)).toFixed(2)} (with a body: ${(rate(body) / rate(heartbeat)).toFixed(2)})`,
  );
  console.log('');
}
