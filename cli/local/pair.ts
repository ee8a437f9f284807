/**
 * A local Listener pair (`listener local --pair-with <dir>`): the second Listener runs on the first one's
 * DynamoDB Local and table, with its own API port, sweeper and notifications file. The first owns java
 * (started for its directory, pid in its `dynamodb.pid`); the second records itself in the first one's
 * directory (`twin.json`) and on the first one's sweep beacon, so each watches the other (LISTENER_SILENT).
 * A first Listener restarted after `kill -9` finds its java still serving a live twin and reuses it.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { dynamoPorts } from '../../shared/adapters/dynamo/dynamo-ports.js';
import { FailedError, UsageError } from '../errors.js';
import { isAlive, localClient } from './dynamo-local.js';
import type { LocalTarget } from './target-file.js';

/** Written by the second Listener into the first one's directory while it runs. */
export const TWIN_FILE = 'twin.json';

/** What `twin.json` holds. */
export interface TwinRecord {
  readonly listenerName: string;
  /** The second Listener's state directory. */
  readonly dir: string;
  readonly pid: number;
}

/** What the second Listener needs of the first: its store, its name. */
export interface PairedStore {
  readonly firstDir: string;
  readonly endpoint: string;
  readonly tableName: string;
  readonly twinName: string;
}

/**
 * Joins the pair of the Listener running with `firstDir`: checks it (its `local.json`, its DynamoDB Local
 * answering), records this Listener in its directory, and returns its store. The first starts watching
 * this one at {@link announceToTwin}.
 */
export async function joinPair(
  firstDir: string,
  own: { readonly dir: string; readonly listenerName: string },
): Promise<PairedStore> {
  const dir = resolve(firstDir);
  if (dir === resolve(own.dir)) {
    throw new UsageError(
      `--pair-with ${firstDir} is this Listener's own --dir`,
      'give each Listener its own --dir',
    );
  }
  const first = readTarget(dir);
  if (!first) {
    throw new FailedError(
      `no local Listener has run with ${dir} (no ${join(dir, 'local.json')})`,
      `start the first one (listener local --dir ${firstDir}), then pass its directory to --pair-with`,
    );
  }
  if (first.listenerName === own.listenerName) {
    throw new UsageError(
      `--listener-name ${own.listenerName} is the first Listener's name too`,
      'give the second Listener its own name, e.g. --listener-name GEOCSCLNRB',
    );
  }
  const client = localClient(first.dynamodbEndpoint);
  try {
    await client.send(new ListTablesCommand({}));
  } catch {
    throw new FailedError(
      `the DynamoDB Local of the Listener in ${dir} does not answer on ${first.dynamodbEndpoint}`,
      `start that Listener again (listener local --dir ${firstDir}), then this one`,
    );
  } finally {
    client.destroy();
  }
  const record: TwinRecord = { listenerName: own.listenerName, dir: resolve(own.dir), pid: process.pid };
  writeFileSync(join(dir, TWIN_FILE), `${JSON.stringify(record, null, 2)}\n`);
  return {
    firstDir: dir,
    endpoint: first.dynamodbEndpoint,
    tableName: first.tableName,
    twinName: first.listenerName,
  };
}

/**
 * Records this Listener on the first one's beacon, so the first watches it too: called once this one has
 * swept (its beacon is fresh), or the first would count its start-up as silence.
 */
export async function announceToTwin(pair: PairedStore, listenerName: string): Promise<void> {
  const client = localClient(pair.endpoint);
  try {
    await dynamoPorts(client, pair.tableName).records.pairBeacon(pair.twinName, listenerName);
  } finally {
    client.destroy();
  }
}

/** The second Listener stops: it is no longer attached to the first one's store. */
export function leavePair(firstDir: string): void {
  const twin = readJson<TwinRecord>(join(firstDir, TWIN_FILE));
  if (twin?.pid === process.pid) rmSync(join(firstDir, TWIN_FILE), { force: true });
}

/** Whether the first Listener of the pair (its `local.json` pid) still runs. */
export function firstIsRunning(firstDir: string): boolean {
  const first = readTarget(firstDir);
  return first !== undefined && isAlive(first.pid);
}

/**
 * The twin attached to the Listener of `dir`, if it is running now (its pid alive and its own `local.json`
 * naming that pid): then `dir`'s DynamoDB Local is in use and must not be stopped. A stale record is removed.
 */
export function liveTwin(dir: string): (TwinRecord & { readonly endpoint: string }) | undefined {
  const file = join(dir, TWIN_FILE);
  const twin = readJson<TwinRecord>(file);
  if (!twin) return undefined;
  const target = readTarget(twin.dir);
  if (target && target.pid === twin.pid && isAlive(twin.pid)) {
    return { ...twin, endpoint: target.dynamodbEndpoint };
  }
  rmSync(file, { force: true });
  return undefined;
}

function readTarget(dir: string): LocalTarget | undefined {
  return readJson<LocalTarget>(join(dir, 'local.json'));
}

function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}
