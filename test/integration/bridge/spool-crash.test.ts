/**
 * Nothing lost: records ACKed while the relay is unreachable survive `kill -9` of the bridge process and are
 * delivered exactly once when the bridge restarts and the relay is back.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatRecord } from '../../../bridge/record.js';
import {
  BRIDGE_PROCESS_START_MS,
  exited,
  FakeModem,
  FakeRelay,
  type PtyPair,
  startPtyPair,
  unusedPort,
  waitFor,
} from './harness.js';

const ROOT = resolve(import.meta.dirname, '../../..');
const RECORDS = 130; // more than one relay batch

let dir: string;
const cleanup: (() => Promise<void>)[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bridge-spool-'));
});

afterEach(async () => {
  for (const fn of cleanup.reverse()) await fn().catch(() => undefined);
  cleanup.length = 0;
  await rm(dir, { recursive: true, force: true });
});

/** Runs `bridge run` as its own process, like the systemd unit does. */
function runBridge(configFile: string): { child: ChildProcess; output: () => string } {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'bridge/bin.ts', 'bridge', 'run', '--config', configFile],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout?.on('data', (c: Buffer) => {
    output += c.toString();
  });
  child.stderr?.on('data', (c: Buffer) => {
    output += c.toString();
  });
  cleanup.push(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited(child);
  });
  return { child, output: () => output };
}

async function pair(suffix: string): Promise<{ pty: PtyPair; modem: FakeModem }> {
  const pty = await startPtyPair(dir, suffix);
  const modem = await FakeModem.open(pty.modemSide);
  cleanup.push(
    () => pty.kill(),
    () => modem.close(),
  );
  return { pty, modem };
}

async function writeConfig(name: string, devicePath: string, apiUrl: string): Promise<string> {
  const file = join(dir, name);
  await writeFile(
    file,
    JSON.stringify({
      site: 'acme-dc1',
      apiUrl,
      token: 'brg_test_0123456789abcdef',
      stateDir: join(dir, 'state'),
      ports: [{ path: devicePath, name: 'modem1', probeEvery: '1h' }],
      relay: { backoffBase: '1s', backoffMax: '2s', every: '1m' },
      logLevel: 'debug',
    }),
  );
  return file;
}

describe('spool', () => {
  it('keeps ACKed records through kill -9 while the relay is unreachable, then delivers each exactly once', async () => {
    const relayPort = await unusedPort();
    const apiUrl = `http://127.0.0.1:${relayPort}`;
    const ids = Array.from({ length: RECORDS }, (_, i) => `hb-${String(i).padStart(4, '0')}`);

    // 1. The relay is down; the bridge still answers the call and ACKs every record.
    const first = await pair('1');
    const bridge1 = runBridge(await writeConfig('bridge1.json', first.pty.bridgeSide, apiUrl));
    await first.modem.ready(0, BRIDGE_PROCESS_START_MS).catch((error: Error) => {
      throw new Error(`${error.message}\n--- bridge output ---\n${bridge1.output()}`);
    });
    const lines = ids.map((id) =>
      formatRecord({ id, type: 'heartbeat', customer: 'geocust1', side: 'A', at: '2026-11-04T10:15:00Z' }),
    );
    const sendAndAwaitAcks = async (batch: string[]): Promise<void> => {
      const from = first.modem.lines.length;
      await first.modem.send(batch.map((l) => `${l}\r\n`).join(''));
      await waitFor(
        () => first.modem.lines.slice(from).filter((l) => l.startsWith('ACK ')).length === batch.length,
        `${batch.length} ACKs`,
        15_000,
      );
    };
    // First call: 100 records, ACKed although the relay is unreachable.
    await first.modem.call();
    await sendAndAwaitAcks(lines.slice(0, 100));
    await first.modem.hangUp();
    await waitFor(() => /relay unreachable/.test(bridge1.output()), 'a failed relay attempt', 10_000);

    // Second call, relay still down: the bridge keeps answering.
    await first.modem.call();
    await sendAndAwaitAcks(lines.slice(100));

    // 2. kill -9 right after the last ACK, mid-call: an ACK promises the record is already on disk.
    bridge1.child.kill('SIGKILL');
    await exited(bridge1.child);
    expect((await readdir(join(dir, 'state', 'spool'))).filter((n) => n.endsWith('.json'))).toHaveLength(
      RECORDS,
    );

    // 3. The relay is back; a new bridge process starts on the same state directory.
    const relay = await new FakeRelay().start(relayPort);
    cleanup.push(() => relay.stop());
    const second = await pair('2');
    const bridge2 = runBridge(await writeConfig('bridge2.json', second.pty.bridgeSide, apiUrl));
    await waitFor(
      async () => (await readdir(join(dir, 'state', 'spool'))).length === 0,
      'an empty spool',
      20_000,
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n--- bridge output ---\n${bridge2.output()}`);
    });

    const counts = new Map<string, number>();
    for (const r of relay.received) counts.set(r.id, (counts.get(r.id) ?? 0) + 1);
    expect(relay.received).toHaveLength(RECORDS);
    expect([...counts.keys()].sort()).toEqual(ids);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    expect(
      relay.requests
        .filter((r) => r.path === '/v1/relay')
        .every((r) => (r.body as { records: unknown[] }).records.length <= 100),
    ).toBe(true);

    bridge2.child.kill('SIGTERM');
    await exited(bridge2.child);
    expect(bridge2.child.exitCode).toBe(0);
  });
});
