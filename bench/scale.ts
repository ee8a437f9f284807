/**
 * Scale benchmarks against a real DynamoDB Local (started here), each figure beside a baseline measured in
 * the same run: fleets of 1k/10k/100k Loggers written with BatchWriteItem; a sweep of 10 overdue Loggers
 * through the `due` index vs the same sweep over a Scan; fleet counts and `listener status` (the real CLI);
 * raising 10,000 overdue Loggers in scheduled runs (each paged once, none missed); heartbeat ingest through
 * the full local HTTP stack vs a raw conditional UpdateItem, in alternating rounds.
 * Heavy (minutes): kept out of `npm test`. Run: `npm run bench -- --scale [--fleets 1000,10000,100000] [--parts sweep,counter,mass,ingest]`.
 */
import { execFile, fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  ConditionalCheckFailedException,
  type DynamoDBClient,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  type BatchWriteCommandOutput,
  DynamoDBDocumentClient,
  PutCommand,
  paginateScan,
} from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { ensureTable, startDynamoLocal } from '../cli/local/dynamo-local.js';
import { LOCAL_FILE } from '../cli/local/target-file.js';
import { ADMIN_LIMITS, type CallLimits, dynamoClient } from '../shared/adapters/aws-clients.js';
import { dynamoPorts } from '../shared/adapters/dynamo/dynamo-ports.js';
import { DynamoFleet } from '../shared/adapters/dynamo/fleet/dynamo-fleet.js';
import { addToFleetCount, countFleetIndex } from '../shared/adapters/dynamo/fleet/dynamo-fleet-counter.js';
import {
  LOGGER_SK,
  loggerFromItem,
  loggerItem,
  phoneHomeUpdate,
} from '../shared/adapters/dynamo/logger/dynamo-items.js';
import { type Logger, type LoggerId, newLogger } from '../shared/domain/logger.js';
import type { Notification } from '../shared/domain/notices/notification.js';
import { generateToken, hashToken } from '../shared/domain/token.js';
import { type ListenerDeps, noCounters, quietLog } from '../shared/listener/deps.js';
import { sweep } from '../shared/listener/sweep/sweep.js';
import type { NotificationChannel } from '../shared/ports/channels.js';
import type { StorePorts } from '../shared/ports/stores.js';
import type { DueItem } from '../shared/ports/watchlist.js';

const MINUTE = 60_000;
const BENCH_LIMITS: CallLimits = {
  connectionTimeoutMs: 10_000,
  requestTimeoutMs: 120_000,
  maxAttempts: 3,
  deadlineMs: 400_000,
};
const TIMEOUT = 780 * MINUTE;
const INTERVAL = 720 * MINUTE;
/** The bench clock: the fleet last phoned home at T0; the sweeps run at NOW. */
const NOW = Date.now();
const T0 = NOW - 700 * MINUTE;
const OVERDUE_SEEN = T0 - 100 * MINUTE; // deadline T0 + 680 min: overdue at NOW
const WRITE_CONCURRENCY = 8;

const args = process.argv.slice(2);
const fleetsArg = args[args.indexOf('--fleets') + 1];
const FLEETS = (args.includes('--fleets') && fleetsArg ? fleetsArg : '1000,10000,100000')
  .split(',')
  .map(Number);
const MASS_OVERDUE = Math.min(10_000, Math.floor((FLEETS.at(-1) ?? 0) / 2));
const PARTS = ['sweep', 'counter', 'mass', 'ingest'] as const;
const partsArg = args[args.indexOf('--parts') + 1];
/** `--parts mass,ingest` runs only those parts (the fleets are written whatever the parts). */
const RUN = new Set<string>(args.includes('--parts') && partsArg ? partsArg.split(',') : PARTS);
for (const part of RUN) {
  if (!(PARTS as readonly string[]).includes(part))
    throw new Error(`--parts: ${part}? (${PARTS.join(', ')})`);
}

/** Logger `i`: customer `c<i div 2>`, side A for even `i`, B for odd (both sides of every customer). */
function idOf(i: number): LoggerId {
  return { customer: `c${Math.floor(i / 2)}`, side: i % 2 === 0 ? 'A' : 'B' };
}

function benchLogger(i: number, seenAt: number): Logger {
  const logger = newLogger(
    idOf(i),
    { eventTimeoutMs: TIMEOUT, heartbeatIntervalMs: INTERVAL, transport: 'https' },
    T0 - 1000 * MINUTE,
  );
  return { ...logger, state: 'UP', lastSeenAt: seenAt, deadline: seenAt + TIMEOUT, dueAt: seenAt + TIMEOUT };
}

/** Counts every request a client sends. */
function countRequests(client: DynamoDBClient): { count: number } {
  const counter = { count: 0 };
  client.middlewareStack.add(
    (next) => async (input) => {
      counter.count++;
      return next(input);
    },
    { step: 'initialize', name: 'benchRequestCounter' },
  );
  return counter;
}

/** Runs `task(i)` for i in [0, n) with `concurrency` in flight. */
async function pool(n: number, concurrency: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < n; i = next++) await task(i);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, worker));
}

/** Writes Loggers `indexes` (seen at `seenAt(i)`) with BatchWriteItem, 25 at a time. */
async function writeLoggers(
  doc: DynamoDBDocumentClient,
  table: string,
  indexes: readonly number[],
  seenAt: (i: number) => number,
): Promise<void> {
  const hash = hashToken('phl.bench');
  const batches = Math.ceil(indexes.length / 25);
  await pool(batches, WRITE_CONCURRENCY, async (b) => {
    let requests: Record<string, unknown>[] | undefined = indexes
      .slice(b * 25, b * 25 + 25)
      .map((i) => ({ PutRequest: { Item: loggerItem(benchLogger(i, seenAt(i)), hash) } }));
    for (let attempt = 0; requests && requests.length > 0; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(1000, 20 * 2 ** attempt)));
      const out: BatchWriteCommandOutput = await doc.send(
        new BatchWriteCommand({ RequestItems: { [table]: requests as never } }),
      );
      requests = out.UnprocessedItems?.[table] as Record<string, unknown>[] | undefined;
    }
  });
}

/** A steady fleet: last phone-homes spread over the past 10 hours, so none is LATE or due for 2 hours. */
const steadySeenAt = (i: number) => NOW - ((i * 7919) % 600) * MINUTE;
const progress = (text: string) => console.error(`${new Date().toISOString()} ${text}`);

const range = (from: number, to: number) =>
  Array.from({ length: Math.max(0, to - from) }, (_, k) => from + k);
/** The 10 overdue Loggers of the sweep-time figures: side A of customers spread over the fleet. */
const overdueTen = (fleet: number) => range(0, 10).map((k) => 2 * Math.floor((k * fleet) / 20));

/** The same sweep, finding its work with a Scan of the whole table: the baseline the `due` index replaces. */
function scanning(ports: StorePorts, doc: DynamoDBDocumentClient, table: string): StorePorts {
  const watchlist = new Proxy(ports.watchlist, {
    get(target, name, receiver) {
      if (name !== 'findDue') return Reflect.get(target, name, receiver);
      return async function* (now: number): AsyncIterable<DueItem> {
        const pages = paginateScan(
          { client: doc },
          {
            TableName: table,
            FilterExpression: 'sk = :logger AND dueAt <= :now',
            ExpressionAttributeValues: { ':logger': LOGGER_SK, ':now': now },
          },
        );
        for await (const page of pages) {
          for (const item of page.Items ?? []) yield { type: 'logger', logger: loggerFromItem(item) };
        }
      };
    },
  });
  return { ...ports, watchlist };
}

/** Remembers every Logger paged LOGGER_SILENT, to check none is paged twice and none is missed. */
function recordingNotifier(): NotificationChannel & { silent: Map<string, number> } {
  const silent = new Map<string, number>();
  return {
    name: 'bench',
    silent,
    publish: async (notifications: readonly Notification[]) => {
      for (const n of notifications) {
        if (n.kind !== 'LOGGER_SILENT') continue;
        const id = `${n.logger.customer}/${n.logger.side}`;
        silent.set(id, (silent.get(id) ?? 0) + 1);
      }
    },
  };
}

function depsFor(ports: StorePorts, notifier: NotificationChannel): ListenerDeps {
  return {
    ...ports,
    channels: [notifier],
    listenerName: 'BENCH',
    outboxRetryMs: 30_000,
    eventRetentionMs: 30 * 24 * 60 * MINUTE,
    log: quietLog,
    counters: noCounters,
  };
}

async function timed<T>(body: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await body();
  return { value, ms: performance.now() - started };
}

/** `listener status` as a user runs it (a child process), pointed at the bench table by a local.json. */
async function timeStatusCli(
  endpoint: string,
  table: string,
): Promise<{ ms: number; startupMs: number; firstLine: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-status-'));
  try {
    writeFileSync(
      join(dir, LOCAL_FILE),
      JSON.stringify({
        apiUrl: 'http://127.0.0.1:9',
        dynamodbEndpoint: endpoint,
        tableName: table,
        listenerName: 'BENCH',
        notificationsFile: join(dir, 'n.jsonl'),
        pid: process.pid,
      }),
    );
    const bin = resolve(import.meta.dirname, '../cli/bin.js');
    // The CLI's start-up alone, for reference: `listener --help` (cli/bin.js: a cached bundle, docs/cli-startup.md).
    const run = (cliArgs: string[]) =>
      timed(
        () =>
          new Promise<string>((done, fail) =>
            execFile(process.execPath, [bin, ...cliArgs], { timeout: 300_000 }, (error, stdout) =>
              error ? fail(error) : done(stdout),
            ),
          ),
      );
    await run(['--help']); // the first start after a source changed builds the bundle: not timed
    const startup = await run(['--help']);
    const status = await run(['status', '--dir', dir]);
    return { ms: status.ms, startupMs: startup.ms, firstLine: status.value.split('\n')[0] ?? '' };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function runScaleBench(): Promise<void> {
  const dynamo = await startDynamoLocal();
  try {
    // Bench limits: the Scan baseline reads 1 MB pages of a 100,000-Logger table, which a loaded DynamoDB
    // Local can take longer than the CLI's 5 s per request (the run of 2026-11-28 01:22 died there).
    const client = dynamoClient(
      { endpoint: dynamo.endpoint, region: 'local', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } },
      BENCH_LIMITS,
    );
    const requests = countRequests(client);
    const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
    const table = `scale-${randomUUID()}`;
    await ensureTable(client, table);
    const ports = dynamoPorts(client, table);
    const fleet = new DynamoFleet(client, table);
    const sweepRows: string[] = [];
    const countRows: string[] = [];
    let written = 0;
    for (const size of FLEETS) {
      const write = await timed(async () => {
        await writeLoggers(doc, table, range(written, size), steadySeenAt);
        // What `listener logger import` would have counted, one ADD per registration, in one ADD.
        await addToFleetCount(doc, table, size - written);
      });
      console.error(`fleet ${size}: wrote ${size - written} Loggers in ${(write.ms / 1000).toFixed(1)} s`);
      written = size;
      if (!RUN.has('sweep')) continue;
      const ten = overdueTen(size);
      const reset = () => writeLoggers(doc, table, ten, () => OVERDUE_SEEN);
      const results: Record<string, { ms: number; requests: number; raised: number }> = {};
      for (const [name, sweepPorts] of [
        ['scan', scanning(ports, doc, table)],
        ['index', ports],
      ] as const) {
        await reset();
        requests.count = 0;
        progress(`fleet ${size}: sweep (${name})`);
        const run = await timed(() => sweep(depsFor(sweepPorts, recordingNotifier()), NOW));
        results[name] = { ms: run.ms, requests: requests.count, raised: run.value.raised };
      }
      const { index, scan } = results as Record<
        'index' | 'scan',
        { ms: number; requests: number; raised: number }
      >;
      sweepRows.push(
        `| ${size} | 10 | ${index.raised} | ${index.ms.toFixed(0)} ms | ${index.requests} | ${scan.raised} | ${scan.ms.toFixed(0)} ms | ${scan.requests} | ${(scan.ms / index.ms).toFixed(1)}× |`,
      );
      progress(`fleet ${size}: ${sweepRows.at(-1)}; counts and status`);
      countRows.push(await countsRow(size, fleet, doc, table, dynamo.endpoint));
      progress(`fleet ${size}: ${countRows.at(-1)}`);
    }
    console.log('## Sweep of 10 overdue Loggers: `due` index vs the same sweep over a Scan\n');
    console.log(
      '| fleet | overdue | raised (index) | sweep (index) | requests (index) | raised (Scan) | sweep (Scan) | requests (Scan) | Scan ÷ index |',
    );
    console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const row of sweepRows) console.log(row);
    console.log('\n## Fleet counts and `listener status`\n');
    console.log(
      '| fleet | counts() | the counter alone (GetItem) | baseline: COUNT query of the fleet index | status data: counts + attention | `listener status` (CLI child process) | its first line |',
    );
    console.log('| ---: | ---: | ---: | ---: | ---: | ---: | --- |');
    for (const row of countRows) console.log(row);
    console.log('');
    if (RUN.has('counter')) {
      progress('counter write cost');
      await counterWriteCost(doc, client);
    }
    if (RUN.has('mass')) {
      progress('mass overdue');
      await massOverdue(ports, fleet, doc, table, requests);
    }
    if (RUN.has('ingest')) {
      progress('ingest ratio');
      await ingestRatio(client, dynamo.endpoint, dynamo.pid);
    }
  } finally {
    await dynamo.stop();
  }
}

/** Above this the COUNT-query baseline is left out: it takes minutes on DynamoDB Local. */
const COUNT_QUERY_MAX_FLEET = 20_000;

async function countsRow(
  size: number,
  fleet: DynamoFleet,
  doc: DynamoDBDocumentClient,
  table: string,
  endpoint: string,
): Promise<string> {
  const counts = await timed(() => fleet.counts(NOW));
  const counter = await timed(() => fleet.counter());
  const counted =
    size <= COUNT_QUERY_MAX_FLEET
      ? `${(await timed(() => countFleetIndex(doc, table))).ms.toFixed(0)} ms`
      : 'not run (minutes)';
  const view = await timed(() =>
    Promise.all([fleet.counts(Date.now()), fleet.attention(Date.now(), 60 * MINUTE)]),
  );
  const cli = await timeStatusCli(endpoint, table);
  return `| ${size} | ${counts.ms.toFixed(0)} ms (total ${counts.value.total}) | ${counter.ms.toFixed(1)} ms | ${counted} | ${view.ms.toFixed(0)} ms (${view.value[1].length} Loggers) | ${cli.ms.toFixed(0)} ms (start-up alone ${cli.startupMs.toFixed(0)} ms) | ${cli.firstLine.replace(/^Fleet on [^:]+: /, '')} |`;
}

/** What the counter costs a registration: the store's conditional Put then ADD, against a plain conditional Put. */
async function counterWriteCost(doc: DynamoDBDocumentClient, client: DynamoDBClient) {
  const table = `counter-${randomUUID()}`;
  await ensureTable(client, table);
  const { loggers } = dynamoPorts(client, table);
  const n = 500;
  const hash = hashToken('phl.bench');
  const plain = await timed(() =>
    pool(n, WRITE_CONCURRENCY, async (i) => {
      await doc.send(
        new PutCommand({
          TableName: table,
          Item: loggerItem(benchLogger(i, T0), hash),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    }),
  );
  const counted = await timed(() =>
    pool(n, WRITE_CONCURRENCY, async (i) => loggers.register(benchLogger(n + i, T0), hash)),
  );
  const counter = await new DynamoFleet(client, table).counter();
  console.log('## The fleet counter: what registration pays (no transaction: Put, then ADD)\n');
  console.log(
    `registrations: ${n} plain conditional Puts in ${plain.ms.toFixed(0)} ms; ${n} registrations with the counter (Put, then ADD; ${WRITE_CONCURRENCY} in flight) in ${counted.ms.toFixed(0)} ms (${(counted.ms / plain.ms).toFixed(1)}×); counter after: ${counter} (expected ${n})\n`,
  );
}

/** Raises MASS_OVERDUE overdue Loggers in the largest fleet with repeated (scheduled) sweeps. */
async function massOverdue(
  ports: StorePorts,
  fleet: DynamoFleet,
  doc: DynamoDBDocumentClient,
  table: string,
  requests: { count: number },
): Promise<void> {
  const size = FLEETS.at(-1) ?? 0;
  const overdue = range(0, MASS_OVERDUE).map((k) => 2 * k); // side A of the first customers: no blind pages
  await writeLoggers(doc, table, overdue, () => OVERDUE_SEEN);
  const before = await fleet.counts(NOW);
  const notifier = recordingNotifier();
  const deps = depsFor(ports, notifier);
  const runs: string[] = [];
  requests.count = 0;
  const started = performance.now();
  for (let run = 1; run <= 20; run++) {
    const report = await sweep(deps, NOW + run * MINUTE);
    runs.push(`${report.raised} in ${(report.durationMs / 1000).toFixed(1)} s`);
    if (report.raised === 0 && report.failed === 0) break;
  }
  const seconds = (performance.now() - started) / 1000;
  const after = await fleet.counts(NOW + 30 * MINUTE);
  const twice = [...notifier.silent.values()].filter((n) => n > 1).length;
  const missed = overdue.filter((i) => !notifier.silent.has(`${idOf(i).customer}/${idOf(i).side}`)).length;
  console.log(`## Raising ${MASS_OVERDUE} overdue Loggers in a ${size} fleet (goal ≤ 60 s)\n`);
  console.log(`overdue before: ${before.overdue}; scheduled runs: ${runs.join(', ')}`);
  console.log(
    `total: ${seconds.toFixed(1)} s, ${requests.count} DynamoDB requests (${(requests.count / MASS_OVERDUE).toFixed(1)} per alarm)`,
  );
  console.log(
    `paged: ${notifier.silent.size}; paged twice: ${twice}; missed: ${missed}; DOWN after: ${after.down}, overdue after: ${after.overdue}\n`,
  );
}

/** CPU time (µs, user + system) process `pid` has used, from /proc (DynamoDB Local's JVM); 0 elsewhere. */
function processCpuMicros(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    // utime and stime (fields 14 and 15 of proc(5)) in clock ticks, 100 per second on Linux.
    return (Number(fields[11]) + Number(fields[12])) * 10_000;
  } catch {
    return 0;
  }
}

/** This process's CPU time (µs) used while `body` ran, and the time it took. */
async function cpuTimed<T>(body: () => Promise<T>, pid?: number) {
  const cpu = process.cpuUsage();
  const other = processCpuMicros(pid);
  const run = await timed(body);
  const used = process.cpuUsage(cpu);
  return { ...run, cpuMicros: used.user + used.system, otherCpuMicros: processCpuMicros(pid) - other };
}

const INGEST_ROUNDS = Number(process.env.BENCH_INGEST_ROUNDS ?? 6);
const INGEST_PER_ROUND = Number(process.env.BENCH_INGEST_PER_ROUND ?? 2000);

/**
 * Heartbeats through the full local HTTP stack ÷ raw conditional UpdateItems, alternating rounds; and what
 * each costs in CPU per request: the Listener's process, the load generator (this process) and DynamoDB
 * Local's JVM (`javaPid`). The raw baseline sends the very UpdateItem the Listener's fast path sends
 * (phoneHomeUpdate: same expression, condition and returned attributes) through a client with the same
 * limits, so the ratio prices the stack, not a cheaper write.
 */
export async function ingestRatio(client: DynamoDBClient, endpoint: string, javaPid?: number): Promise<void> {
  const table = `ingest-${randomUUID()}`;
  await ensureTable(client, table);
  const doc = DynamoDBDocumentClient.from(client);
  const loggers = 1000;
  const tokens = range(0, loggers).map((i) => generateToken(idOf(i)));
  await pool(Math.ceil(loggers / 25), WRITE_CONCURRENCY, async (b) => {
    const items = range(b * 25, Math.min(loggers, b * 25 + 25)).map((i) => ({
      PutRequest: { Item: loggerItem(benchLogger(i, T0), hashToken(tokens[i] ?? '')) },
    }));
    await doc.send(new BatchWriteCommand({ RequestItems: { [table]: items } }));
  });
  // The local server in its own process, as `listener local` runs it: the load generator here does not
  // share its event loop (in one process the client's half of each exchange was charged to the Listener).
  // BENCH_INGEST_PROFILE=<dir> writes its CPU profile there (node --cpu-prof).
  const profileDir = process.env.BENCH_INGEST_PROFILE;
  const child = fork(resolve(import.meta.dirname, 'ingest-server.ts'), [endpoint, table], {
    execArgv: [
      '--no-warnings',
      '--import',
      'tsx',
      ...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []),
    ],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const fromServer = <T>(key: string) =>
    new Promise<T>((done, fail) => {
      const onMessage = (message: Record<string, T>) => {
        if (!(key in message)) return;
        child.off('message', onMessage);
        done(message[key] as T);
      };
      child.on('message', onMessage);
      child.once('exit', (code) => fail(new Error(`the ingest server exited (${code})`)));
    });
  const port = await fromServer<number>('port');
  const serverCount = async () => {
    child.send('count');
    return fromServer<{ requests: number; cpuMicros: number }>('count');
  };
  const agent = new Agent({ keepAlive: true, maxSockets: 16 });
  const post = (token: string) =>
    new Promise<number>((done, fail) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          path: '/v1/heartbeat',
          method: 'POST',
          agent,
          headers: { authorization: `Bearer ${token}`, 'content-length': 0 },
        },
        (res) => {
          res.resume();
          res.on('end', () => done(res.statusCode ?? 0));
        },
      );
      req.on('error', fail);
      req.end();
    });
  // The raw client: the limits ingest-server.ts gives the Listener's client (the CLI's, ADMIN_LIMITS): the
  // request path's 2.5 s deadline fails calls on a machine at load 18 (a run of 28 Nov 04:03 died so), and
  // the limits change nothing in what a call costs when it succeeds.
  const rawClient = dynamoClient(
    { endpoint, region: 'local', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } },
    ADMIN_LIMITS,
  );
  // BENCH_INGEST_BASELINE=minimal: the baseline of the runs before 28 Nov 04:00 — a 3-attribute SET
  // returning nothing, cheaper for DynamoDB than the write a heartbeat needs (kept to compare with them).
  const minimal = async (i: number) => {
    await rawClient.send(
      new UpdateItemCommand({
        TableName: table,
        Key: { pk: { S: `LOGGER#${idOf(i).customer}/${idOf(i).side}` }, sk: { S: LOGGER_SK } },
        UpdateExpression:
          'SET lastSeenAt = :now, deadline = :now + eventTimeoutMs, dueAt = :now + eventTimeoutMs',
        ConditionExpression: 'tokenHash = :hash AND #state IN (:new, :up)',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: {
          ':now': { N: String(Date.now()) },
          ':hash': { S: hashToken(tokens[i] ?? '') },
          ':new': { S: 'NEW' },
          ':up': { S: 'UP' },
        },
      }),
    );
  };
  const same = async (i: number) => {
    const update = phoneHomeUpdate(
      table,
      idOf(i),
      { tokenHash: hashToken(tokens[i] ?? '') },
      Date.now(),
      {},
      {
        heardBy: 'BENCH',
      },
    );
    const Key = marshall(update.Key);
    try {
      const { Attributes } = await rawClient.send(
        new UpdateItemCommand({
          ...update,
          Key,
          ExpressionAttributeValues: marshall(update.ExpressionAttributeValues),
        }),
      );
      if (!Attributes) throw new Error('the raw update returned no Logger');
    } catch (error) {
      // At ARRIVALS_CAP the Listener trims the arrival history in a second write (its state machine's
      // path); the baseline does too, so long runs stay comparable.
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      await rawClient.send(
        new UpdateItemCommand({ TableName: table, Key, UpdateExpression: 'REMOVE arrivals' }),
      );
    }
  };
  const perRound = INGEST_PER_ROUND;
  const inFlight = 16;
  type Phase = { perSecond: number; cpuUs: number; serverCpuUs: number; dynamoCpuUs: number };
  const rounds: { http: Phase; raw: Phase }[] = [];
  const perHeartbeats: number[] = [];
  let failures = 0;
  const raw = process.env.BENCH_INGEST_BASELINE === 'minimal' ? minimal : same;
  try {
    // A warm-up of both paths first, not counted: JIT and lazily loaded modules (the Listener's first
    // round used to run at a third of the others' speed, 0.24-0.58 of raw).
    await pool(perRound / 2, inFlight, async (k) => {
      await post(tokens[k % loggers] ?? '');
    });
    await pool(perRound / 2, inFlight, (k) => raw(k % loggers));
    await serverCount();
    for (let round = 0; round < INGEST_ROUNDS; round++) {
      const http = await cpuTimed(
        () =>
          pool(perRound, inFlight, async (k) => {
            if ((await post(tokens[k % loggers] ?? '')) !== 200) failures++;
          }),
        javaPid,
      );
      const server = await serverCount();
      perHeartbeats.push(server.requests / perRound);
      const direct = await cpuTimed(() => pool(perRound, inFlight, (k) => raw(k % loggers)), javaPid);
      const phase = (run: typeof http, serverCpu: number): Phase => ({
        perSecond: perRound / (run.ms / 1000),
        cpuUs: run.cpuMicros / perRound,
        serverCpuUs: serverCpu / perRound,
        dynamoCpuUs: run.otherCpuMicros / perRound,
      });
      rounds.push({ http: phase(http, server.cpuMicros), raw: phase(direct, 0) });
      const r = rounds.at(-1);
      console.error(
        `ingest round ${round + 1}: ratio ${((r?.http.perSecond ?? 0) / (r?.raw.perSecond ?? 1)).toFixed(2)}, server ${r?.http.serverCpuUs.toFixed(0)} µs CPU per heartbeat, ${(server.requests / perRound).toFixed(3)} DynamoDB requests per heartbeat`,
      );
    }
  } finally {
    agent.destroy();
    rawClient.destroy();
    const exited = new Promise((done) => child.once('exit', done));
    child.send('stop');
    await exited;
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
  const ratios = rounds.map((r) => r.http.perSecond / r.raw.perSecond);
  console.log(
    `## Heartbeat ingest: full local HTTP stack ÷ raw conditional UpdateItem (${perRound} per round, ${inFlight} in flight, alternating)\n`,
  );
  console.log(
    '| round | HTTP heartbeats/s | raw UpdateItem/s | ratio | Listener process CPU µs/heartbeat | load generator CPU µs/heartbeat | raw client CPU µs/update | DynamoDB Local CPU µs (HTTP / raw) |',
  );
  console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const [i, { http, raw: r }] of rounds.entries()) {
    console.log(
      `| ${i + 1} | ${http.perSecond.toFixed(0)} | ${r.perSecond.toFixed(0)} | ${(http.perSecond / r.perSecond).toFixed(2)} | ${http.serverCpuUs.toFixed(0)} | ${http.cpuUs.toFixed(0)} | ${r.cpuUs.toFixed(0)} | ${http.dynamoCpuUs.toFixed(0)} / ${r.dynamoCpuUs.toFixed(0)} |`,
    );
  }
  console.log(
    `\nmedian ratio: ${median(ratios).toFixed(2)} (min ${Math.min(...ratios).toFixed(2)}, max ${Math.max(...ratios).toFixed(2)}); median Listener CPU per heartbeat: ${median(rounds.map((r) => r.http.serverCpuUs)).toFixed(0)} µs; raw client CPU per update: ${median(rounds.map((r) => r.raw.cpuUs)).toFixed(0)} µs; non-200 answers: ${failures}; DynamoDB requests per heartbeat: ${Math.max(...perHeartbeats).toFixed(3)} (the most of any round); load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}\n`,
  );
}

/** `npm run bench -- --ingest`: the ingest figures alone (a few minutes), on their own DynamoDB Local. */
export async function runIngestBench(): Promise<void> {
  const dynamo = await startDynamoLocal();
  try {
    const client = dynamoClient(
      { endpoint: dynamo.endpoint, region: 'local', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } },
      BENCH_LIMITS,
    );
    await ingestRatio(client, dynamo.endpoint, dynamo.pid);
  } finally {
    await dynamo.stop();
  }
}
