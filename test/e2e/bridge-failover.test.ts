/**
 * A dial-in bridge relaying to a Listener pair (issue 13), with real processes: two `listener local`
 * Listeners, GEOCSCLNRA the primary and GEOCSCLNRB the backup (`--pair-with`: one DynamoDB Local, one
 * table). The primary is killed with SIGKILL while the bridge relays: the bridge moves to the backup and
 * every record is ACKed exactly once across both; the primary restarts on its port, and the bridge fails
 * back to it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type BridgeHandle, startBridge } from '../../bridge/bridge.js';
import { parseBridgeConfig } from '../../bridge/config.js';
import { silentLog } from '../../bridge/log.js';
import { isDynamoLocalOf, localClient } from '../../cli/local/dynamo-local.js';
import { LOCAL_FILE, type LocalTarget } from '../../cli/local/target-file.js';
import type { RelayRecord } from '../../shared/relay/protocol.js';
import { waitFor } from '../integration/bridge/harness.js';
import { addLogger, type LocalListener, runCli, startLocalListener } from '../support/cli.js';

const PRIMARY_ARGS = ['--sweep-every', '1s', '--in-memory', '--listener-name', 'GEOCSCLNRA'];
const backupArgs = (primaryDir: string) => [
  '--sweep-every',
  '1s',
  '--listener-name',
  'GEOCSCLNRB',
  '--pair-with',
  primaryDir,
];
/** DynamoDB Local's java takes a minute to start on a loaded 2-core machine. */
const START_MS = 150_000;

let primary: LocalListener | undefined;
let backup: LocalListener | undefined;
let bridge: BridgeHandle | undefined;
let bridgeDir: string | undefined;
let primaryDir: string | undefined;
/** Every answer the bridge received per record id: `<Listener port> <status>`. */
const acks = new Map<string, string[]>();

/** The bridge's fetch: the real one, noting each relay answer it hands back to the bridge. */
const recordingFetch: typeof fetch = async (input, init) => {
  const response = await fetch(input, init);
  const url = new URL(String(input));
  if (url.pathname !== '/v1/relay' || response.status !== 200) return response;
  const body = (await response.clone().json()) as { results: { id: string; status: string }[] };
  for (const r of body.results) acks.set(r.id, [...(acks.get(r.id) ?? []), `${url.port} ${r.status}`]);
  return response;
};

const local = (dir: string) => JSON.parse(readFileSync(join(dir, LOCAL_FILE), 'utf8')) as LocalTarget;

/** The relayed-record markers (record ids) in the pair's table. */
async function relayedIn(dir: string): Promise<string[]> {
  const target = local(dir);
  const doc = DynamoDBDocumentClient.from(localClient(target.dynamodbEndpoint));
  const { Items = [] } = await doc.send(new ScanCommand({ TableName: target.tableName }));
  doc.destroy();
  return Items.map((i) => String(i.sk))
    .filter((sk) => sk.startsWith('RELAYED#'))
    .map((sk) => sk.slice('RELAYED#'.length));
}

const heartbeat = (id: string): RelayRecord => ({
  id,
  type: 'heartbeat',
  customer: 'geocust3',
  side: 'A',
  at: new Date().toISOString(),
});

async function spoolWave(prefix: string, count: number): Promise<string[]> {
  const ids = Array.from({ length: count }, (_, i) => `${prefix}-${String(i).padStart(3, '0')}`);
  for (const id of ids) await bridge?.spool.put(heartbeat(id), 'test');
  return ids;
}

const listenerOf = async () => (await bridge?.status())?.relay.listener;

beforeAll(async () => {
  primary = await startLocalListener(PRIMARY_ARGS, undefined, undefined, START_MS);
  primaryDir = primary.dir;
  backup = await startLocalListener(backupArgs(primary.dir), undefined, undefined, START_MS);
  const added = await runCli(['bridge', 'add', 'acme-dc1', '--dir', primary.dir, '--json']);
  expect(added.code).toBe(0);
  const { token } = JSON.parse(added.stdout) as { token: string };
  await addLogger(primary, 'geocust3', 'A', '--transport', 'modem');
  bridgeDir = await mkdtemp(join(tmpdir(), 'bridge-failover-'));
  const config = parseBridgeConfig({
    site: 'acme-dc1',
    apiUrl: primary.apiUrl,
    backupApiUrl: backup.apiUrl,
    token,
    stateDir: join(bridgeDir, 'state'),
    importDirectory: { path: join(bridgeDir, 'import') },
    relay: {
      every: '1s',
      batchSize: 5,
      requestTimeout: '3s',
      backoffBase: '1s',
      backoffMax: '2s',
      failoverAfter: 3,
      probePrimaryEvery: '1s',
    },
  });
  bridge = await startBridge(config, { fetch: recordingFetch, log: silentLog, drainDebounceMs: 20 });
}, 400_000);

afterAll(async () => {
  await bridge?.stop();
  await backup?.stop();
  await primary?.stop();
  // A primary killed and never restarted (a failed test) leaves its java: never let it outlive the test.
  const orphans = readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .filter((pid) => primaryDir !== undefined && isDynamoLocalOf(pid, primaryDir));
  for (const pid of orphans) process.kill(pid, 'SIGKILL');
  if (bridgeDir) await rm(bridgeDir, { recursive: true, force: true });
}, 60_000);

it('fails over to the backup when the primary is killed, loses and repeats nothing, and fails back', async () => {
  const spool = bridge?.spool;
  if (!spool || !primary || !backup || !primaryDir) throw new Error('set up failed');
  const before = await spoolWave('before', 20);
  await waitFor(() => spool.depth === 0, 'the primary to take the first records', 30_000);
  expect(await listenerOf()).toMatchObject({ active: 'primary', url: primary.apiUrl });

  // Killed while the bridge relays: records keep arriving before and after the kill.
  const during = await spoolWave('during', 20);
  primary.process.kill('SIGKILL');
  during.push(...(await spoolWave('after-kill', 20)));
  await waitFor(
    async () => spool.depth === 0 && (await listenerOf())?.active === 'backup',
    'the backup to take over',
    60_000,
  );
  expect(await listenerOf()).toMatchObject({ active: 'backup', url: backup.apiUrl, failovers: 1 });

  // The primary comes back on its port, with its data: the bridge's probe finds it and fails back.
  const port = primary.port;
  primary = await startLocalListener(PRIMARY_ARGS, primaryDir, port, START_MS);
  await waitFor(async () => (await listenerOf())?.active === 'primary', 'the bridge to fail back', 30_000);
  expect(await listenerOf()).toMatchObject({ active: 'primary', failovers: 1, failbacks: 1 });
  const back = await spoolWave('back', 20);
  await waitFor(() => spool.depth === 0, 'the primary to take the last records', 30_000);

  const all = [...before, ...during, ...back];
  // Every record ACKed exactly once across both Listeners, none dead-lettered.
  expect([...acks.keys()].sort()).toEqual([...all].sort());
  const twice = [...acks.entries()].filter(([, answers]) => answers.length !== 1);
  expect(twice).toEqual([]);
  expect(await spool.deadLetters()).toEqual([]);
  const ackedBy = (ids: readonly string[], port: number) =>
    ids.filter((id) => acks.get(id)?.[0]?.startsWith(`${port} `));
  expect(ackedBy(before, port)).toEqual(before);
  expect(ackedBy(back, port)).toEqual(back);
  expect(ackedBy(during, backup.port).length).toBeGreaterThan(0);
  // Applied once, in the pair's one table.
  const applied = await relayedIn(primaryDir);
  expect([...applied].sort()).toEqual([...all].sort());
}, 400_000);
