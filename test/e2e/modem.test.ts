/**
 * A modem Logger end to end: a simulated modem (socat PTY pair) calls the dial-in bridge, which relays to
 * `listener local`; silence raises the same ALARM as for an HTTPS Logger, with transport modem, and the
 * next call clears it.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { formatRecord } from '../../bridge/record.js';
import {
  BRIDGE_PROCESS_START_MS,
  FakeModem,
  type PtyPair,
  startPtyPair,
  waitFor,
} from '../integration/bridge/harness.js';
import {
  addLogger,
  countLines,
  FAST_LOCAL,
  type LocalListener,
  readNotifications,
  runCli,
  startLocalListener,
} from '../support/cli.js';

const BIN = resolve(import.meta.dirname, '../../cli/bin.js');
let listener: LocalListener;
let pty: PtyPair;
let modem: FakeModem;
let bridge: ChildProcess;
let dir: string;
let bridgeOutput = '';

beforeAll(async () => {
  listener = await startLocalListener(FAST_LOCAL);
  dir = mkdtempSync(join(tmpdir(), 'listener-modem-'));
  const added = await runCli(['bridge', 'add', 'acme-dc1', '--dir', listener.dir, '--json']);
  expect(added.code).toBe(0);
  const tokens = JSON.parse(added.stdout) as { token: string; selfHeartbeat: { token: string } };
  await addLogger(listener, 'geocust3', 'A', '--timeout', '4s', '--transport', 'modem');
  pty = await startPtyPair(dir);
  const config = {
    site: 'acme-dc1',
    apiUrl: listener.apiUrl,
    token: tokens.token,
    stateDir: join(dir, 'state'),
    ports: [{ path: pty.bridgeSide, name: 'modem1', idleTimeout: '30s' }],
    relay: { every: '1s', backoffBase: '1s', backoffMax: '2s' },
    selfHeartbeat: { every: '1m', token: tokens.selfHeartbeat.token },
  };
  writeFileSync(join(dir, 'bridge.json'), JSON.stringify(config));
  modem = await FakeModem.open(pty.modemSide);
  bridge = spawn(process.execPath, [BIN, 'bridge', 'run', '--config', join(dir, 'bridge.json')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  bridge.stderr?.on('data', (chunk: Buffer) => {
    bridgeOutput += chunk.toString();
  });
  await modem.ready(0, BRIDGE_PROCESS_START_MS);
}, 90_000);

afterAll(async () => {
  if (bridge && bridge.exitCode === null) {
    const exited = new Promise((done) => bridge.once('exit', done));
    bridge.kill('SIGTERM');
    await exited;
  }
  await modem?.close();
  await pty?.kill();
  await listener?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function phoneHomeByModem(recordId: string): Promise<void> {
  await modem.call();
  const from = modem.lines.length;
  const at = new Date().toISOString();
  await modem.send(
    `${formatRecord({ id: recordId, type: 'heartbeat', customer: 'geocust3', side: 'A', at, intervalMinutes: 1 })}\r\n`,
  );
  await modem.expectLine(new RegExp(`^ACK ${recordId}$`), from);
  await modem.hangUp();
}

it('alarms a modem Logger that stops calling, with transport modem, and clears it on its next call', async () => {
  await phoneHomeByModem('call-1');
  await waitFor(() => listener.output().includes('ALARM geocust3/A'), 'the ALARM for geocust3/A', 20_000);
  expect(listener.output()).toContain(
    'ALARM geocust3/A Side A Logger of geocust3 has not phoned home to Listener GEOCSCLNRA within configured timeout value (4s).',
  );
  const alarm = readNotifications(listener.dir).find(
    (n) => n.kind === 'LOGGER_SILENT' && n.detail.logger === 'geocust3/A',
  );
  expect(alarm?.detail.transport).toBe('modem');

  await phoneHomeByModem('call-2');
  await waitFor(() => listener.output().includes('CLEARED geocust3/A'), 'the CLEARED for geocust3/A', 20_000);
  expect(countLines(listener.output(), 'ALARM geocust3/A')).toBe(1);
  expect(countLines(listener.output(), 'CLEARED geocust3/A')).toBe(1);
  expect(bridgeOutput).not.toContain('phb.');
}, 90_000);
