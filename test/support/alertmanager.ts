/**
 * A real Alertmanager for tests (Debian's `prometheus-alertmanager`, started as the suites start DynamoDB
 * Local), routing every alert to a webhook receiver that keeps what it was told. Grouped by outage
 * (`alertname`, `customer`, `side`) with short group timings, so a test waits for its notifications in
 * about a second. It runs on the real clock: tests poll for its notifications, never sleep a fixed time.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../cli/local/dynamo-local.js';

export const ALERTMANAGER = '/usr/bin/prometheus-alertmanager';

/** What Alertmanager's webhook receiver gets: one notification per group flush. */
export interface AmNotification {
  readonly status: 'firing' | 'resolved';
  readonly groupLabels: Record<string, string>;
  readonly alerts: readonly { status: string; labels: Record<string, string>; endsAt: string }[];
}

export interface RealAlertmanager {
  /** Its base URL, for an `alertmanager` channel's `url`. */
  readonly url: string;
  /** Every notification its webhook receiver got, in order. */
  readonly received: AmNotification[];
  /** The notifications about `customer`'s outage with this status. */
  count(customer: string, status: 'firing' | 'resolved'): number;
  stop(): Promise<void>;
}

/** Waits until `check` holds, polling every 50 ms; fails after `ms`. */
export async function until(
  what: string,
  check: () => boolean | Promise<boolean>,
  ms = 20_000,
): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((done) => setTimeout(done, 50));
  }
}

/** Starts Alertmanager and its webhook receiver; resolves once `/-/ready` answers. */
export async function startAlertmanager(): Promise<RealAlertmanager> {
  const received: AmNotification[] = [];
  const receiver: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString('utf8');
    });
    req.on('end', () => {
      received.push(JSON.parse(body) as AmNotification);
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((done) => receiver.listen(0, '127.0.0.1', done));
  const hook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/`;
  const dir = mkdtempSync(join(tmpdir(), 'alertmanager-'));
  writeFileSync(
    join(dir, 'alertmanager.yml'),
    [
      'route:',
      '  receiver: hook',
      "  group_by: ['alertname', 'customer', 'side']",
      '  group_wait: 200ms',
      '  group_interval: 1s',
      '  repeat_interval: 1h',
      'receivers:',
      '  - name: hook',
      '    webhook_configs:',
      `      - url: ${hook}`,
      '        send_resolved: true',
      '',
    ].join('\n'),
  );
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const am: ChildProcess = spawn(
    ALERTMANAGER,
    [
      `--config.file=${join(dir, 'alertmanager.yml')}`,
      `--storage.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--cluster.listen-address=',
      '--log.level=warn',
    ],
    { stdio: 'ignore' },
  );
  const kill = () => am.kill('SIGKILL');
  process.once('exit', kill);
  await until(
    'Alertmanager to be ready',
    () =>
      fetch(`${url}/-/ready`).then(
        (r) => r.ok,
        () => false,
      ),
    30_000,
  );
  return {
    url,
    received,
    count: (customer, status) =>
      received.filter((n) => n.groupLabels.customer === customer && n.status === status).length,
    stop: async () => {
      process.removeListener('exit', kill);
      if (am.exitCode === null && am.signalCode === null) {
        const exited = new Promise((done) => am.once('exit', done));
        am.kill('SIGTERM');
        await exited;
      }
      receiver.closeAllConnections();
      await new Promise((done) => receiver.close(done));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
