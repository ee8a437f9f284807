/**
 * Issue 22's Alertmanager channel against a real Alertmanager (Debian's `prometheus-alertmanager`, started
 * here as the suite starts DynamoDB Local), routing to a webhook receiver: each outage's page, posted twice
 * (a retry after an ambiguous failure), makes exactly one firing notification, and its all-clear exactly
 * one resolved. Alertmanager runs on the real clock: the test waits for its notifications (group_wait 200 ms,
 * group_interval 1 s), never sleeps a fixed time.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpChannel } from '../../shared/adapters/channels/channels-file.js';
import { testOutage } from '../../shared/adapters/channels/test-outage.js';

const ALERTMANAGER = '/usr/bin/prometheus-alertmanager';

interface AmNotification {
  status: 'firing' | 'resolved';
  groupLabels: Record<string, string>;
}

let dir: string;
let am: ChildProcess;
let receiver: Server;
let amUrl: string;
const received: AmNotification[] = [];

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  await new Promise((done) => server.close(done));
  return port;
}

async function until(what: string, check: () => boolean | Promise<boolean>, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((done) => setTimeout(done, 50));
  }
}

beforeAll(async () => {
  receiver = createServer((req, res) => {
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
  dir = mkdtempSync(join(tmpdir(), 'alertmanager-'));
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
  amUrl = `http://127.0.0.1:${port}`;
  am = spawn(
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
  process.once('exit', () => am.kill('SIGKILL'));
  await until('Alertmanager to be ready', () =>
    fetch(`${amUrl}/-/ready`).then(
      (r) => r.ok,
      () => false,
    ),
  );
}, 30_000);

afterAll(async () => {
  am?.kill('SIGTERM');
  await new Promise((done) => receiver?.close(done));
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('a real Alertmanager (issue 22)', () => {
  it('notifies exactly one firing and one resolved per outage, whatever was posted twice', async () => {
    const channel = httpChannel({ name: 'am', type: 'alertmanager', url: amUrl });
    const customers = ['amcust1', 'amcust2'];
    const outages = customers.map((c) => testOutage(Date.now(), c));
    for (const o of outages) {
      await channel.publish([o.page]);
      await channel.publish([o.page]); // a retry after a timeout that had landed
    }
    const count = (customer: string, status: string) =>
      received.filter((n) => n.groupLabels.customer === customer && n.status === status).length;
    await until('the firing notifications', () => customers.every((c) => count(c, 'firing') > 0));
    for (const o of outages) await channel.publish([o.allClear]);
    await until('the resolved notifications', () => customers.every((c) => count(c, 'resolved') > 0));
    // One more group interval (real time, Alertmanager's): no further notification arrives.
    await new Promise((done) => setTimeout(done, 1_500));
    for (const c of customers) {
      expect({ c, firing: count(c, 'firing'), resolved: count(c, 'resolved') }).toEqual({
        c,
        firing: 1,
        resolved: 1,
      });
    }
  }, 40_000);
});
