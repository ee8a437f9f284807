/**
 * The bridge against a simulated modem: a real socat PTY pair, the bridge on ttyA (in this process), the
 * test playing the modem on ttyB, and a fake relay on 127.0.0.1.
 */
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type BridgeHandle, startBridge } from '../../../bridge/bridge.js';
import { registerBridgeCommands } from '../../../bridge/cli.js';
import { type BridgeConfigInput, parseBridgeConfig } from '../../../bridge/config.js';
import type { Log } from '../../../bridge/log.js';
import { formatRecord, type PhoneHomeRecord } from '../../../bridge/record.js';
import { FakeModem, FakeRelay, type PtyPair, startPtyPair, waitFor } from './harness.js';

const BRIDGE_TOKEN = 'brg_test_0123456789abcdef';
const SELF_TOKEN = 'phl_self_0123456789abcdef';

const heartbeat = (id: string, customer = 'geocust1'): PhoneHomeRecord => ({
  id,
  type: 'heartbeat',
  customer,
  side: 'A',
  at: '2026-11-04T10:15:00Z',
  intervalMinutes: 720,
});
const alarm: PhoneHomeRecord = {
  id: 'ev-4711',
  type: 'event',
  customer: 'geocust1',
  side: 'B',
  at: '2026-11-04T10:16:02+01:00',
  severity: 'critical',
  source: 'Router A',
  message: 'Router A is down',
};

let dir: string;
let pty: PtyPair;
let modem: FakeModem;
let relay: FakeRelay;
let bridge: BridgeHandle | undefined;
let logLines: string[];
const log: Log = (level, scope, message) => {
  logLines.push(`${level} [${scope}] ${message}`);
};

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bridge-modem-'));
  logLines = [];
  pty = await startPtyPair(dir);
  modem = await FakeModem.open(pty.modemSide);
  relay = await new FakeRelay().start();
});

afterEach(async () => {
  await bridge?.stop();
  bridge = undefined;
  await modem.close();
  await pty.kill();
  await relay.stop();
  await rm(dir, { recursive: true, force: true });
});

function configInput(
  port: Record<string, unknown> = {},
  extra: Partial<BridgeConfigInput> = {},
): BridgeConfigInput {
  return {
    site: 'acme-dc1',
    apiUrl: relay.url,
    token: BRIDGE_TOKEN,
    stateDir: join(dir, 'state'),
    ports: [{ path: pty.bridgeSide, name: 'modem1', probeEvery: '1h', commandTimeout: '2s', ...port }],
    relay: { backoffBase: '1s', backoffMax: '2s', every: '1m' },
    ...extra,
  };
}

async function start(
  port: Record<string, unknown> = {},
  extra: Partial<BridgeConfigInput> = {},
): Promise<BridgeHandle> {
  bridge = await startBridge(parseBridgeConfig(configInput(port, extra)), { log, drainDebounceMs: 50 });
  await modem.ready();
  return bridge;
}

const port1 = async () =>
  (await bridge?.status())?.ports[0] as NonNullable<Awaited<ReturnType<BridgeHandle['status']>>['ports'][0]>;

describe('bridge on a dial-in modem', () => {
  it('initialises the modem with the configured init strings, each after the previous OK', async () => {
    await start({ init: ['ATZ', 'ATE0', 'ATV1', 'ATS0=0'] });
    expect(modem.lines.slice(0, 4)).toEqual(['ATZ', 'ATE0', 'ATV1', 'ATS0=0']);
    await waitFor(async () => (await port1()).state === 'idle', 'the port to be idle');
  });

  it('answers RING with ATA and ACKs each good record, hangs up after NO CARRIER, and the records reach the relay', async () => {
    await start({}, { selfHeartbeat: { every: '10m', token: SELF_TOKEN } });
    await modem.call(33600);
    const records = [heartbeat('hb-1'), alarm, heartbeat('hb-2', 'geocust2')];
    const from = modem.lines.length;
    await modem.send(records.map((r) => `${formatRecord(r)}\r\n`).join(''));
    for (const r of records) await modem.expectLine(new RegExp(`^ACK ${r.id}$`), from);
    await modem.hangUp();

    await waitFor(() => relay.accepted.size === 3, 'three records at the relay');
    expect(relay.received.map((r) => r.id)).toEqual(['hb-1', 'ev-4711', 'hb-2']);
    expect(relay.accepted.get('ev-4711')).toEqual({
      id: 'ev-4711',
      type: 'event',
      customer: 'geocust1',
      side: 'B',
      at: '2026-11-04T10:16:02+01:00',
      severity: 'critical',
      source: 'Router A',
      message: 'Router A is down',
      // When this bridge received it: the Listener applies it then, even if delivered much later.
      receivedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
    });
    const relayCall = relay.requests.find((r) => r.path === '/v1/relay');
    expect(relayCall?.authorization).toBe(`Bearer ${BRIDGE_TOKEN}`);
    expect(relayCall?.body).toMatchObject({ bridge: 'acme-dc1' });

    // The bridge phoned home itself, with its own token.
    const self = relay.requests.find((r) => r.path === '/v1/heartbeat');
    expect(self?.authorization).toBe(`Bearer ${SELF_TOKEN}`);
    expect(self?.body).toEqual({
      agent: expect.stringMatching(/^phone-home-bridge\/\d+\.\d+\.\d+/),
      intervalMinutes: 10,
    });

    await waitFor(async () => (await port1()).state === 'idle', 'the port to be idle after ATH');
    expect((await port1()).stats).toMatchObject({ calls: 1, records: 3, naks: 0, lastCallEnd: 'NO CARRIER' });
    await waitFor(() => bridge?.spool.depth === 0, 'an empty spool');
    expect(await readdir(join(dir, 'state', 'spool'))).toEqual([]);
    expect(logLines.join('\n')).not.toContain(BRIDGE_TOKEN);
    expect(logLines.join('\n')).not.toContain(SELF_TOKEN);
  });

  it('NAKs a record whose checksum does not match and relays nothing from it', async () => {
    await start();
    await modem.call();
    const good = formatRecord(heartbeat('hb-good'));
    const corrupted = formatRecord(heartbeat('hb-bad')).replace('geocust1', 'geocust7');
    const from = modem.lines.length;
    await modem.send(`${corrupted}\r\n`);
    await modem.expectLine(/^NAK checksum$/, from);
    await modem.send(`${good}\r\n`);
    await modem.expectLine(/^ACK hb-good$/, from);
    await modem.hangUp();
    await waitFor(() => relay.accepted.has('hb-good'), 'the good record at the relay');
    await bridge?.drainNow();
    expect(relay.received.map((r) => r.id)).toEqual(['hb-good']);
    expect((await port1()).stats).toMatchObject({ records: 1, naks: 1 });
  });

  it('does not relay a record cut off when the call drops mid-line', async () => {
    await start();
    await modem.call();
    const whole = formatRecord(heartbeat('hb-whole'));
    const cut = formatRecord(heartbeat('hb-cut'));
    const from = modem.lines.length;
    await modem.send(`${whole}\r\n${cut.slice(0, 30)}`);
    await modem.expectLine(/^ACK hb-whole$/, from);
    await modem.hangUp(); // the line drops: \r\nNO CARRIER\r\n right after half a record
    await waitFor(async () => (await port1()).state === 'idle', 'the port to be idle');
    await waitFor(() => relay.accepted.has('hb-whole'), 'the whole record at the relay');
    await bridge?.drainNow();
    expect(relay.received.map((r) => r.id)).toEqual(['hb-whole']);
    expect(modem.lines.some((l) => l.startsWith('ACK hb-cut'))).toBe(false);
  });

  it('survives garbage bytes: NAKs them online, ignores them idle, and still ACKs the next good record', async () => {
    await start();
    const noise = Buffer.from([0x00, 0xff, 0xfe, 0x1b, 0x5b, 0x7c, 0x0d, 0x80, 0x41, 0x54, 0x0a, 0xc3, 0x28]);
    await modem.send(noise); // while idle
    await modem.send(Buffer.alloc(10_000, 0x7e)); // line noise with no line end, longer than any record
    await modem.send('\r\n');
    await modem.call();
    const from = modem.lines.length;
    await modem.send(Buffer.concat([noise, Buffer.from('\r\nPH1|||||\r\nPH1|x|y\r\n')]));
    await modem.send(`${formatRecord(heartbeat('hb-after-noise'))}\r\n`);
    await modem.expectLine(/^ACK hb-after-noise$/, from);
    expect(modem.lines.slice(from).filter((l) => l.startsWith('NAK')).length).toBeGreaterThanOrEqual(3);
    await modem.hangUp();
    await waitFor(() => relay.accepted.has('hb-after-noise'), 'the good record at the relay');
    expect(relay.received.map((r) => r.id)).toEqual(['hb-after-noise']);
  });

  it('resets a modem that stops answering the AT probe, reports it, and answers calls again', async () => {
    await start({ probeEvery: '1s', commandTimeout: '1s' });
    modem.hung = true;
    const hungAt = modem.lines.length;
    modem.onHungCommand = (command) => {
      if (command === 'ATZ') modem.hung = false; // the reset revives it
    };
    await modem.expectLine(/^AT$/, hungAt, 5_000); // the probe, unanswered
    const resetAt = await modem.expectLine(/^ATZ$/, hungAt, 5_000);
    await modem.ready(resetAt); // re-initialised
    await waitFor(async () => (await port1()).state === 'idle', 'the port to be idle again');
    expect((await port1()).stats).toMatchObject({ hungModem: 1, resets: 1 });
    expect(logLines.some((l) => l.startsWith('error [modem1] hung modem'))).toBe(true);

    await modem.call();
    const from = modem.lines.length;
    await modem.send(`${formatRecord(heartbeat('hb-after-reset'))}\r\n`);
    await modem.expectLine(/^ACK hb-after-reset$/, from);
    await modem.hangUp();
  });

  it('writes a status file that "bridge status" prints one line per port', async () => {
    await start();
    await modem.call();
    const from = modem.lines.length;
    await modem.send(`${formatRecord(heartbeat('hb-status'))}\r\n`);
    await modem.expectLine(/^ACK hb-status$/, from);
    await modem.hangUp();
    await waitFor(() => relay.accepted.has('hb-status'), 'the record at the relay');
    await bridge?.stop(); // writes the final status
    bridge = undefined;

    const configFile = join(dir, 'bridge.json');
    await writeFile(configFile, JSON.stringify(configInput()));
    const out: string[] = [];
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      out.push(String(chunk));
      return true;
    });
    try {
      const program = new Command('listener').exitOverride();
      registerBridgeCommands(program);
      await program.parseAsync(['node', 'listener', 'bridge', 'status', '--config', configFile]);
    } finally {
      write.mockRestore();
    }
    const text = out.join('');
    expect(text).toMatch(/^bridge acme-dc1 /);
    expect(text).toMatch(/port modem1 \S+ttyA {2}\w+ {2}calls 1 {2}failed 0 {2}records 1 {2}naks 0/);
    expect(text).toMatch(/spool 0 pending/);
    expect(text).toMatch(/relay last success 20\d\d-/);
    expect(text).not.toContain(BRIDGE_TOKEN);
  });
});
