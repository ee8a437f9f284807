/** Runs the `listener` CLI as a user does: `node cli/bin.js …` child processes. */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort, localClient } from '../../cli/local/dynamo-local.js';
import { dynamoPorts } from '../../shared/adapters/dynamo/dynamo-ports.js';

const BIN = resolve(import.meta.dirname, '../../cli/bin.js');

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `listener <args>` to completion. */
export function runCli(args: readonly string[]): Promise<CliResult> {
  return new Promise((done) => {
    execFile(process.execPath, [BIN, ...args], { timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      done({ code, stdout, stderr });
    });
  });
}

export interface LocalListener {
  readonly port: number;
  readonly dir: string;
  readonly apiUrl: string;
  readonly process: ChildProcess;
  /** Everything the Listener printed so far. */
  output(): string;
  /** Waits until `predicate(output)` holds, polling; fails after `timeoutMs`. */
  waitFor(predicate: (output: string) => boolean, timeoutMs?: number): Promise<void>;
  /** SIGTERM, as Ctrl-C would; resolves with the exit code. */
  stop(): Promise<number | null>;
}

/** Starts `listener local` in a fresh state directory (or `dir`), on a free port (or `port`: a restart), and waits until it serves. */
export async function startLocalListener(
  extraArgs: readonly string[] = [],
  dir = mkdtempSync(join(tmpdir(), 'listener-e2e-')),
  port?: number,
  /** How long it may take to start (DynamoDB Local's java is slow on a loaded machine). */
  startTimeoutMs = 60_000,
): Promise<LocalListener> {
  port ??= await freePort();
  const child = spawn(process.execPath, [BIN, 'local', '--port', String(port), '--dir', dir, ...extraArgs], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  const waitFor = async (predicate: (text: string) => boolean, timeoutMs = 30_000) => {
    const started = Date.now();
    while (!predicate(output)) {
      if (child.exitCode !== null) throw new Error(`listener local exited (${child.exitCode}):\n${output}`);
      if (Date.now() - started > timeoutMs)
        throw new Error(`timed out after ${timeoutMs} ms; output:\n${output}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  await waitFor((text) => text.includes(`on http://127.0.0.1:${port}`), startTimeoutMs);
  return {
    port,
    dir,
    apiUrl: `http://127.0.0.1:${port}`,
    process: child,
    output: () => output,
    waitFor,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      const code = await exited;
      rmSync(dir, { recursive: true, force: true });
      return code;
    },
  };
}

/** Counts lines of `output` starting with `prefix`. */
export function countLines(output: string, prefix: string): number {
  return output.split('\n').filter((line) => line.startsWith(prefix)).length;
}

/** A line of a local Listener's `notifications.jsonl`. */
export interface WrittenNotification {
  readonly kind: string;
  readonly detail: { readonly logger: string; readonly transport: string; readonly severity: string };
}

/** Every notification a local Listener (state directory `dir`) has written so far. */
export function readNotifications(dir: string): WrittenNotification[] {
  return readFileSync(join(dir, 'notifications.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as WrittenNotification);
}

/** Local mode as the end-to-end tests run it: a sweep every second, nothing kept, Listener GEOCSCLNRA. */
export const FAST_LOCAL: readonly string[] = [
  '--sweep-every',
  '1s',
  '--in-memory',
  '--listener-name',
  'GEOCSCLNRA',
];

/** `listener logger add <customer> <side> <flags> --json` against `listener`; returns the token. */
export async function addLogger(
  listener: LocalListener,
  customer: string,
  side: string,
  ...flags: string[]
): Promise<string> {
  const added = await runCli(['logger', 'add', customer, side, ...flags, '--dir', listener.dir, '--json']);
  if (added.code !== 0 || added.stderr !== '') {
    throw new Error(`logger add ${customer} ${side} failed (${added.code}): ${added.stderr}`);
  }
  return (JSON.parse(added.stdout) as { token: string }).token;
}

/**
 * Waits until the local Listener in `dir` has finished `count` sweeps that all started after `since`
 * (read from the sweeper status each sweep records last): whatever those sweeps would have sent — a
 * duplicate page, say — is in `notifications.jsonl` by then. Deterministic where "wait a few seconds" is
 * not: on a loaded machine a fixed wait may cover no sweep at all.
 */
export async function sweptSince(dir: string, since: number, count = 3, timeoutMs = 60_000): Promise<void> {
  const target = JSON.parse(readFileSync(join(dir, 'local.json'), 'utf8')) as {
    dynamodbEndpoint: string;
    tableName: string;
  };
  const client = localClient(target.dynamodbEndpoint);
  const { records } = dynamoPorts(client, target.tableName);
  const seen = new Set<number>();
  const deadline = Date.now() + timeoutMs;
  try {
    while (seen.size < count) {
      const lastRunAt = (await records.getSweeperStatus())?.lastRunAt;
      if (lastRunAt !== undefined && lastRunAt > since) seen.add(lastRunAt);
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${count} sweeps after ${since}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  } finally {
    client.destroy();
  }
}
