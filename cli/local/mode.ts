/**
 * `listener local` (= `npm start`): the whole Listener on this machine. DynamoDB Local (started here), the
 * same Lambda handlers behind a local HTTP server, the sweeper on a timer, and notifications written to
 * `.listener/notifications.jsonl` and stdout instead of SNS/EventBridge. With `--pair-with`, the second
 * Listener of a pair on the first one's DynamoDB Local and table (cli/local/pair.ts).
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import { join, resolve } from 'node:path';
import { formatDuration } from '../../shared/domain/duration.js';
import { storeOutage } from '../../shared/http/store-outage.js';
import { FailedError } from '../errors.js';
import {
  attachDynamoLocal,
  type DynamoLocal,
  ensureTable,
  startDynamoLocal,
  stopStaleDynamoLocal,
} from './dynamo-local.js';
import { announceToTwin, firstIsRunning, joinPair, leavePair, liveTwin, type PairedStore } from './pair.js';
import { type LambdaHandler, startLocalServer, stopServing } from './server.js';
import { LOCAL_FILE, LOCAL_TABLE, type LocalTarget } from './target-file.js';

export interface LocalOptions {
  readonly port: number;
  readonly sweepEveryMs: number;
  readonly inMemory: boolean;
  readonly dir: string;
  readonly listenerName: string;
  readonly verbose: boolean;
  /** Reminders while DOWN and unacknowledged; absent = off. */
  readonly renotifyEveryMs?: number;
  /** `MASS_SILENCE_*` variables from the `--mass-silence-*` flags (docs/mass-silence.md). */
  readonly massSilenceEnv?: Readonly<Record<string, string>>;
  /** Requests served at once; more are answered 503 + Retry-After at once (server.ts DEFAULT_MAX_IN_FLIGHT). */
  readonly maxInFlight?: number;
  /** The state directory of a running local Listener: run as the second of a pair, on its store. */
  readonly pairWith?: string;
  /** The channels file (absolute, checked): PagerDuty, Slack… besides the notifications file. */
  readonly channelsFile?: string;
}

/**
 * Runs local mode until SIGINT/SIGTERM; resolves once everything (java included) has stopped. If DynamoDB
 * Local dies under it, stops and rejects with one line saying so ({@link dynamoStopped}).
 */
export async function runLocal(options: LocalOptions): Promise<void> {
  const dir = resolve(options.dir);
  await mkdir(dir, { recursive: true });
  await refuseSecondInstance(dir);
  const pair = options.pairWith
    ? await joinPair(options.pairWith, { dir, listenerName: options.listenerName })
    : undefined;
  const dataDir = join(dir, 'dynamodb');
  const dynamo = pair ? await pairedDynamo(pair) : await ownDynamo(options, dir, dataDir);
  let server: Server | undefined;
  let timer: { stop(): void } | undefined;
  const stop = async () => {
    timer?.stop();
    // Within a few seconds even while clients keep connections busy (they were waited for, 40 s and more).
    if (server) await stopServing(server);
    const outage = storeOutage.summary();
    if (outage) process.stderr.write(`${outage}\n`);
    await dynamo.stop();
    if (pair) leaveStore(pair);
    await rm(join(dir, LOCAL_FILE), { force: true });
  };
  try {
    const client = dynamo.client();
    if (!pair) await ensureTable(client, LOCAL_TABLE);
    client.destroy();
    configureEnvironment(options, dir, dynamo.endpoint, pair?.twinName);
    // Imported only now: the handlers read their configuration at load, as on a Lambda cold start.
    const { http, sweep } = await loadHandlers();
    const serverOptions = options.maxInFlight === undefined ? {} : { maxInFlight: options.maxInFlight };
    server = await startLocalServer(http, options.port, serverOptions).catch(
      (error: NodeJS.ErrnoException) => {
        throw error.code === 'EADDRINUSE'
          ? new FailedError(
              `port ${options.port} is already in use`,
              'stop what uses it, or pass --port <another>',
            )
          : error;
      },
    );
    const apiUrl = `http://127.0.0.1:${options.port}`;
    const target: LocalTarget = {
      apiUrl,
      dynamodbEndpoint: dynamo.endpoint,
      tableName: pair?.tableName ?? LOCAL_TABLE,
      listenerName: options.listenerName,
      ...(pair ? { twinListenerName: pair.twinName, pairedWith: pair.firstDir } : {}),
      notificationsFile: join(dir, 'notifications.jsonl'),
      pid: process.pid,
      sweepEveryMs: options.sweepEveryMs,
      massSilence: (await import('../../shared/config.js')).loadConfig(process.env).massSilence,
      ...(options.renotifyEveryMs === undefined ? {} : { renotifyEveryMs: options.renotifyEveryMs }),
      ...(options.channelsFile ? { channelsFile: options.channelsFile } : {}),
    };
    await writeFile(join(dir, LOCAL_FILE), `${JSON.stringify(target, null, 2)}\n`);
    if (pair) {
      // Sweep once (leaving this side's beacon) before the first Listener starts watching this one.
      await sweep().catch(() => undefined);
      await announceToTwin(pair, options.listenerName);
    }
    timer = sweepEvery(options.sweepEveryMs, sweep);
    printBanner(options, apiUrl, dir, pair);
  } catch (error) {
    await stop();
    throw error;
  }
  const ended = await new Promise<string | undefined>((resolveEnd) => {
    process.once('SIGINT', () => resolveEnd(undefined));
    process.once('SIGTERM', () => resolveEnd(undefined));
    dynamo.died.then(resolveEnd);
  });
  if (ended === undefined) process.stdout.write('Stopping the local Listener…\n');
  await stop();
  if (ended !== undefined && pair) throw twinStoreStopped(pair);
  if (ended !== undefined) throw dynamoStopped(ended, options.inMemory ? undefined : dataDir);
}

/**
 * The first Listener's DynamoDB Local: started here — or, when a live twin still uses the one a killed
 * run of this directory left (`kill -9`), that one, reused: stopping it would pull the store from under
 * the twin. Only java nobody uses any more is stopped.
 */
async function ownDynamo(options: LocalOptions, dir: string, dataDir: string): Promise<DynamoLocal> {
  const twin = liveTwin(dir);
  if (twin) {
    const kept = await attachDynamoLocal(dir, twin.endpoint, true);
    if (kept) {
      process.stdout.write(
        `Reusing DynamoDB Local (pid ${kept.pid}) left running by a killed Listener: twin ${twin.listenerName} (pid ${twin.pid}) still uses it\n`,
      );
      return kept;
    }
  }
  const stale = await stopStaleDynamoLocal(dir);
  if (stale)
    process.stdout.write(`Stopped DynamoDB Local (pid ${stale}) left running by a killed Listener\n`);
  if (!options.inMemory) await mkdir(dataDir, { recursive: true });
  return startDynamoLocal({ owner: dir, ...(options.inMemory ? {} : { path: dataDir }) });
}

/** The second Listener of a pair runs on the first one's DynamoDB Local, which it never stops. */
async function pairedDynamo(pair: PairedStore): Promise<DynamoLocal> {
  const attached = await attachDynamoLocal(pair.firstDir, pair.endpoint, false);
  if (attached) return attached;
  leavePair(pair.firstDir);
  throw twinStoreStopped(pair);
}

/**
 * The second Listener leaves the pair; if the first was killed meanwhile, nobody uses its DynamoDB Local
 * any more: it is stopped.
 */
function leaveStore(pair: PairedStore): void {
  leavePair(pair.firstDir);
  if (firstIsRunning(pair.firstDir)) return;
  void stopStaleDynamoLocal(pair.firstDir).then((pid) => {
    if (pid) process.stdout.write(`Stopped DynamoDB Local (pid ${pid}): the pair's first Listener is gone\n`);
  });
}

/** The second Listener's store (the first one's DynamoDB Local) is gone. */
function twinStoreStopped(pair: PairedStore): Error {
  return new FailedError(
    `the DynamoDB Local of ${pair.twinName} (${pair.firstDir}) stopped`,
    `start ${pair.twinName} again (listener local --dir ${pair.firstDir}), then this one with --pair-with ${pair.firstDir}`,
  );
}

/** The one line local mode ends with when DynamoDB Local dies under it (main prints it `listener: …`). */
export function dynamoStopped(how: string, dataDir: string | undefined): Error {
  const data = dataDir ? `its data in ${dataDir} is kept` : 'its in-memory data is gone';
  return new FailedError(
    'DynamoDB Local stopped',
    `start the Listener again with "npm start" (java was ${how}; ${data})`,
  );
}

/**
 * Runs the sweep every `ms`, never overlapping a slow one: a tick that comes during a sweep starts the next
 * one as soon as it ends (as the scheduler retries a throttled sweeper), so a sweep just over a period
 * long does not cost a whole period — a pair's twin judges this side by its sweeps. A failing sweep is
 * reported once, when it starts failing, and once more when it works again — not on every tick of an outage.
 */
function sweepEvery(ms: number, sweep: () => Promise<unknown>): { stop(): void } {
  let sweeping = false;
  let missed = false;
  let stopped = false;
  let failing = false;
  const run = () => {
    if (stopped) return;
    if (sweeping) {
      missed = true;
      return;
    }
    sweeping = true;
    missed = false;
    sweep()
      .then(() => {
        if (failing) process.stderr.write('sweep: working again\n');
        failing = false;
      })
      .catch((error: Error) => {
        if (!failing) process.stderr.write(`sweep failed: ${error.message}; retrying every tick, quietly\n`);
        failing = true;
      })
      .finally(() => {
        sweeping = false;
        if (missed) run();
      });
  };
  const timer = setInterval(run, ms);
  return {
    stop() {
      stopped = true;
      clearInterval(timer);
    },
  };
}

async function refuseSecondInstance(dir: string): Promise<void> {
  const file = join(dir, LOCAL_FILE);
  if (!existsSync(file)) return;
  const { pid } = JSON.parse(await readFile(file, 'utf8')) as LocalTarget;
  try {
    process.kill(pid, 0);
  } catch {
    return; // a stale file from a Listener that was killed
  }
  throw new FailedError(
    `a local Listener (pid ${pid}) is already running with ${dir}`,
    'stop it first, or pass --dir <another directory>',
  );
}

function configureEnvironment(
  options: LocalOptions,
  dir: string,
  endpoint: string,
  twinName: string | undefined,
): void {
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_DYNAMODB: endpoint,
    AWS_REGION: 'local',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    TABLE_NAME: LOCAL_TABLE,
    LISTENER_NAME: options.listenerName,
    SWEEP_EVERY: `${Math.max(1, Math.round(options.sweepEveryMs / 1000))}s`,
    NOTIFICATIONS_FILE: join(dir, 'notifications.jsonl'),
    ...(options.channelsFile ? { CHANNELS_FILE: options.channelsFile } : {}),
    POWERTOOLS_SERVICE_NAME: 'phone-home-listener-local',
    POWERTOOLS_LOG_LEVEL: options.verbose ? 'INFO' : 'WARN',
    POWERTOOLS_METRICS_DISABLED: 'true',
    AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE: '1',
    CONSOLE_AUTH: 'local',
    RENOTIFY_EVERY:
      options.renotifyEveryMs === undefined ? 'off' : `${Math.round(options.renotifyEveryMs / 1000)}s`,
  });
  Object.assign(process.env, options.massSilenceEnv ?? {});
  // The first of a pair learns its twin from its beacon (the second records itself there).
  if (twinName) process.env.TWIN_LISTENER_NAME = twinName;
  // Pending notices are retried after a sweep period, but not sooner than 10 s: a pair's two sweepers retry
  // each other's unconfirmed notices, and a sweep on a busy machine needs that long to record what it sent
  // (sooner, the twin would page it again).
  const retryMs = Math.min(Math.max(options.sweepEveryMs, 10_000), 30_000);
  process.env.OUTBOX_RETRY ??= `${Math.round(retryMs / 1000)}s`;
}

async function loadHandlers(): Promise<{
  http: Record<'heartbeat' | 'events' | 'relay' | 'health' | 'console' | 'ping', LambdaHandler>;
  sweep: () => Promise<unknown>;
}> {
  const [heartbeat, events, relay, health, sweeper, { runtime }, webConsole, ping] = await Promise.all([
    import('../../functions/heartbeat/handler.js'),
    import('../../functions/events/handler.js'),
    import('../../functions/relay/handler.js'),
    import('../../functions/health/handler.js'),
    import('../../functions/sweeper/handler.js'),
    import('../../shared/runtime.js'),
    import('../../functions/console/handler.js'),
    import('../../functions/ping/handler.js'),
  ]);
  // As in AWS (a 55 s function timeout): the sweep keeps to its time budget and leaves the rest for the next run.
  const context = {
    functionName: 'sweeper',
    awsRequestId: 'local-sweep',
    getRemainingTimeInMillis: () => 55_000,
  } as never;
  return {
    http: {
      heartbeat: heartbeat.handler as LambdaHandler,
      events: events.handler as LambdaHandler,
      relay: relay.handler as LambdaHandler,
      // Locally, /v1/health also reads the store: a stalled or dead DynamoDB Local makes it 503.
      health: health.createHandler(() => runtime().records.getSweeperStatus()) as LambdaHandler,
      console: webConsole.handler as LambdaHandler,
      ping: ping.handler as LambdaHandler,
    },
    sweep: () => sweeper.handler({}, context),
  };
}

function printBanner(options: LocalOptions, apiUrl: string, dir: string, pair?: PairedStore): void {
  const storage = pair
    ? `${pair.twinName}'s (${pair.firstDir}), paired with it: each watches the other's sweeper`
    : options.inMemory
      ? 'in memory (nothing kept)'
      : `kept in ${join(dir, 'dynamodb')}`;
  process.stdout.write(
    [
      `Phone Home Listener ${options.listenerName} (local mode) on ${apiUrl}`,
      `  DynamoDB Local: ${storage}`,
      `  sweeping every ${formatDuration(options.sweepEveryMs)}; notifications → ${join(dir, 'notifications.jsonl')}`,
      '  register a Logger:  npx listener logger add geocust1 A',
      `  web console:        npx listener console-url${dir === resolve('.listener') ? '' : ` --dir ${dir}`}`,
      '  stop: Ctrl-C',
      '',
    ].join('\n'),
  );
}
