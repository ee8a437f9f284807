/**
 * Does refusing a heartbeat tell whether its Logger id exists? Times `phoneHome` (the heartbeat use case on
 * DynamoDB Local) refusing a wrong token for a registered Logger and a token for an unregistered id,
 * alternating, and prints the medians and their difference (docs/scale.md). Run:
 * `node --no-warnings --import tsx bench/unknown-or-wrong-token.ts` (BENCH_TOKEN_ROUNDS, default 2000).
 */
import { randomUUID } from 'node:crypto';
import { ensureTable, startDynamoLocal } from '../cli/local/dynamo-local.js';
import { dynamoPorts } from '../shared/adapters/dynamo/dynamo-ports.js';
import { type ListenerDeps, noCounters, quietLog } from '../shared/listener/deps.js';
import { phoneHome } from '../shared/listener/phone-home.js';
import { registerLogger } from '../shared/listener/register.js';

const ROUNDS = Number(process.env.BENCH_TOKEN_ROUNDS ?? 2000);
const dynamo = await startDynamoLocal({});
try {
  const client = dynamo.client();
  const table = `bench-${randomUUID()}`;
  await ensureTable(client, table);
  const deps: ListenerDeps = {
    ...dynamoPorts(client, table),
    channels: [],
    listenerName: 'BENCH',
    outboxRetryMs: 30_000,
    eventRetentionMs: 86_400_000,
    log: quietLog,
    counters: noCounters,
  };
  const request = {
    customer: 'geocust1',
    side: 'A' as const,
    eventTimeoutMs: 3_600_000,
    transport: 'https' as const,
  };
  const { token } = await registerLogger(deps.loggers, request, Date.now());
  const wrong = `${token.slice(0, token.lastIndexOf('.'))}.${'x'.repeat(43)}`;
  const unknown = `phl.nobody.A.${'x'.repeat(43)}`;
  const refuse = async (t: string) => {
    const started = process.hrtime.bigint();
    await phoneHome(deps, t, Date.now()).catch(() => undefined);
    return Number(process.hrtime.bigint() - started) / 1e6;
  };
  for (let i = 0; i < 200; i++) await refuse(i % 2 ? wrong : unknown); // warm-up
  const times = { wrong: [] as number[], unknown: [] as number[] };
  for (let i = 0; i < ROUNDS; i++) {
    times.wrong.push(await refuse(wrong));
    times.unknown.push(await refuse(unknown));
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
  const [w, u] = [median(times.wrong), median(times.unknown)];
  console.log(
    `refused heartbeats, ${ROUNDS} each, alternating: wrong token ${w.toFixed(3)} ms, unknown id ${u.toFixed(3)} ms (median), difference ${(w - u).toFixed(3)} ms`,
  );
  client.destroy();
} finally {
  await dynamo.stop();
}
