/**
 * Test harness of the bridge: a socat PTY pair (the bridge opens ttyA, the test plays the modem on ttyB),
 * a scripted fake modem, and a fake relay (node:http on 127.0.0.1). Waits are bounded polls, never sleeps.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { SerialPort } from 'serialport';
import { type RelayRecord, relayRequestSchema } from '../../../shared/relay/protocol.js';

/** Polls `condition` every 20 ms until it holds; fails with `what` after `timeoutMs`. */
export async function waitFor<T>(
  condition: () => T | undefined | false | Promise<T | undefined | false>,
  what: string,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await condition();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export interface PtyPair {
  readonly bridgeSide: string;
  readonly modemSide: string;
  kill(): Promise<void>;
}

/** `socat -d -d pty,raw,echo=0,link=$DIR/ttyA pty,raw,echo=0,link=$DIR/ttyB` */
export async function startPtyPair(dir: string, suffix = ''): Promise<PtyPair> {
  const bridgeSide = join(dir, `ttyA${suffix}`);
  const modemSide = join(dir, `ttyB${suffix}`);
  const proc = spawn(
    'socat',
    ['-d', '-d', `pty,raw,echo=0,link=${bridgeSide}`, `pty,raw,echo=0,link=${modemSide}`],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  proc.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  await waitFor(
    () => /starting data transfer loop/.test(stderr) && existsSync(bridgeSide) && existsSync(modemSide),
    `socat PTY pair (${stderr.trim() || 'no output'})`,
    5_000,
  );
  return {
    bridgeSide,
    modemSide,
    async kill() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
      await exited;
    },
  };
}

/**
 * Plays the modem on the far side of the PTY. In command mode it answers `OK` to every `AT…` line except
 * `ATA` (the test decides what the call does), unless `hung`. `lines` is everything the bridge wrote.
 */
/** How long a bridge process may take to start on a busy 2-core machine (seen: 7 s under load). */
export const BRIDGE_PROCESS_START_MS = 20_000;

export class FakeModem {
  readonly lines: string[] = [];
  /** A hung modem answers nothing. `onHungCommand` may revive it. */
  hung = false;
  onHungCommand: ((command: string) => void) | undefined;
  online = false;
  private buffer = '';

  private constructor(private readonly port: SerialPort) {
    port.on('data', (chunk: Buffer) => this.onData(chunk));
  }

  static async open(path: string): Promise<FakeModem> {
    const port = new SerialPort({ path, baudRate: 115200, autoOpen: false });
    await new Promise<void>((resolve, reject) => port.open((error) => (error ? reject(error) : resolve())));
    return new FakeModem(port);
  }

  /** Raw bytes to the bridge. */
  async send(data: string | Buffer): Promise<void> {
    await new Promise<void>((resolve, reject) =>
      this.port.write(data, (error) => (error ? reject(error) : this.port.drain(() => resolve()))),
    );
  }

  /** A result code, framed as a verbose modem does: `\r\nRING\r\n`. */
  async result(code: string): Promise<void> {
    await this.send(`\r\n${code}\r\n`);
  }

  /** Waits for a line from the bridge matching `pattern`, at or after index `from`; returns its index. */
  async expectLine(pattern: RegExp, from = 0, timeoutMs = 5_000): Promise<number> {
    return waitFor(
      () => {
        const index = this.lines.findIndex((line, i) => i >= from && pattern.test(line));
        return index >= 0 ? index + 1 : undefined;
      },
      `the bridge to write ${pattern} (it wrote: ${JSON.stringify(this.lines.slice(from))})`,
      timeoutMs,
    ).then((n) => n - 1);
  }

  /**
   * Waits until the modem was initialised (`ATS0=0`, the last default init string, was answered). A bridge
   * just spawned as a process first compiles the CLI (tsx): give it `BRIDGE_PROCESS_START_MS`.
   */
  async ready(from = 0, timeoutMs = 5_000): Promise<number> {
    return this.expectLine(/^ATS0=0$/, from, timeoutMs);
  }

  /** RING → ATA → CONNECT <speed>. */
  async call(speed = 33600): Promise<void> {
    const from = this.lines.length;
    await this.result('RING');
    await this.expectLine(/^ATA$/, from);
    this.online = true;
    await this.result(`CONNECT ${speed}`);
  }

  /** The far end hangs up: NO CARRIER, then the bridge should send ATH. */
  async hangUp(): Promise<void> {
    const from = this.lines.length;
    this.online = false;
    await this.result('NO CARRIER');
    await this.expectLine(/^ATH$/, from);
  }

  async close(): Promise<void> {
    if (this.port.isOpen) await new Promise<void>((resolve) => this.port.close(() => resolve()));
  }

  private onData(chunk: Buffer): void {
    this.buffer += chunk.toString('latin1');
    const parts = this.buffer.split(/\r\n|\r|\n/);
    this.buffer = parts.pop() ?? '';
    for (const raw of parts) {
      const line = raw.replace(/^\+\+\+/, '');
      if (line === '') continue;
      this.lines.push(line);
      if (this.online || !/^AT/i.test(line) || /^ATA$/i.test(line)) continue;
      if (this.hung) {
        this.onHungCommand?.(line);
        if (this.hung) continue;
      }
      void this.result('OK');
    }
  }
}

export interface RelayRequestLog {
  readonly path: string;
  readonly authorization: string | undefined;
  readonly body: unknown;
}

/**
 * A fake Listener: `POST /v1/relay` answers `accepted` for new ids and `duplicate` for known ones (or
 * whatever `respond` says); `POST /v1/heartbeat` answers 200. Every request is kept.
 */
export class FakeRelay {
  readonly requests: RelayRequestLog[] = [];
  /** Every record received on /v1/relay, including duplicates, in order. */
  readonly received: RelayRecord[] = [];
  readonly accepted = new Map<string, RelayRecord>();
  respond: ((records: RelayRecord[]) => { status: number; body: unknown } | undefined) | undefined;
  private server: Server | undefined;
  port = 0;

  async start(port = 0): Promise<this> {
    const server = createServer((req, res) => {
      void this.handle(req).then(({ status, body }) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
    return this;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage): Promise<{ status: number; body: unknown }> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    let body: unknown;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      return { status: 400, body: { error: { code: 'BAD_JSON', message: 'body is not JSON' } } };
    }
    this.requests.push({ path: req.url ?? '', authorization: req.headers.authorization, body });
    if (req.url === '/v1/heartbeat') return { status: 200, body: { ok: true } };
    if (req.url !== '/v1/relay')
      return { status: 404, body: { error: { code: 'NOT_FOUND', message: 'no route' } } };
    const parsed = relayRequestSchema.safeParse(body);
    if (!parsed.success) {
      return { status: 400, body: { error: { code: 'VALIDATION', message: parsed.error.message } } };
    }
    const records = parsed.data.records;
    this.received.push(...records);
    const custom = this.respond?.(records);
    if (custom) return custom;
    const results = records.map((r) => {
      const known = this.accepted.has(r.id);
      this.accepted.set(r.id, r);
      return { id: r.id, status: known ? 'duplicate' : 'accepted' };
    });
    return { status: 200, body: { results } };
  }
}

/** A TCP port nothing listens on (for an unreachable relay), free for a later `FakeRelay.start(port)`. */
export async function unusedPort(): Promise<number> {
  const relay = await new FakeRelay().start();
  const port = relay.port;
  await relay.stop();
  return port;
}

/** Resolves when a child process exits. */
export function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}
