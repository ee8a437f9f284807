/**
 * Issue 22 end to end: `listener local --channels FILE` as a user runs it (a child process), its channels
 * pointing at receivers that speak each vendor's wire protocol (test/support/channel-stubs.ts: PagerDuty,
 * Opsgenie, Slack, Teams, a Standard Webhooks receiver checking signatures with the `standardwebhooks`
 * library) and at a real Alertmanager routing to a webhook receiver (test/support/alertmanager.ts). One
 * Listener serves every case. A silent Logger opens exactly one incident (or posts one message) on every
 * channel, its return closes each exactly once; `listener channel list|test` answer against that running
 * Listener with the exit codes the CLI promises; a channels file others can read is refused with the chmod.
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../cli/local/dynamo-local.js';
import { type RealAlertmanager, startAlertmanager, until } from '../support/alertmanager.js';
import { type ChannelStubs, startChannelStubs, WEBHOOK_SECRET } from '../support/channel-stubs.js';
import {
  addLogger,
  FAST_LOCAL,
  type LocalListener,
  runCli,
  startLocalListener,
  sweptSince,
} from '../support/cli.js';

const CUSTOMER = 'oncall1';
const OUTAGE_WAIT_MS = 30_000;

let stubs: ChannelStubs;
let am: RealAlertmanager;
let listener: LocalListener;
let files: string;
let channelsFile: string;

beforeAll(async () => {
  [stubs, am] = await Promise.all([startChannelStubs(), startAlertmanager()]);
  files = mkdtempSync(join(tmpdir(), 'channels-e2e-'));
  channelsFile = join(files, 'channels.json');
  const channels = [
    { name: 'pd', type: 'pagerduty', routingKey: 'R'.repeat(32), url: stubs.url('pagerduty') },
    { name: 'og', type: 'opsgenie', apiKey: 'genie', url: stubs.url('opsgenie') },
    { name: 'chat', type: 'slack', url: stubs.url('slack') },
    { name: 'teams', type: 'teams', url: stubs.url('teams') },
    { name: 'hook', type: 'webhook', url: stubs.url('webhook'), secret: WEBHOOK_SECRET },
    { name: 'am', type: 'alertmanager', url: am.url },
    // Routed nowhere (no such customer): only `channel test` sends through it, to nobody.
    {
      name: 'dead',
      type: 'webhook',
      url: `http://127.0.0.1:${await freePort()}/hook`,
      secret: WEBHOOK_SECRET,
      customers: ['nobody'],
    },
  ];
  writeFileSync(channelsFile, JSON.stringify({ channels }), { mode: 0o600 });
  listener = await startLocalListener([...FAST_LOCAL, '--channels', channelsFile]);
}, 120_000);

afterAll(async () => {
  await Promise.all([listener?.stop(), am?.stop(), stubs?.close()]);
  if (files) rmSync(files, { recursive: true, force: true });
});

async function heartbeat(token: string): Promise<number> {
  const res = await fetch(`${listener.apiUrl}/v1/heartbeat`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
  });
  await res.body?.cancel();
  return res.status;
}

/** What each receiver holds about `customer`'s outages (the channel test's outage is another customer). */
function seen(customer: string) {
  const about = <T>(map: Map<string, T>) =>
    [...map.entries()].filter(([key]) => key.includes(customer)).map(([, v]) => v);
  const webhooks = stubs.webhooks.bodies as { type: string; data: { logger?: string } }[];
  return {
    pagerduty: about(stubs.incidents.pagerduty),
    opsgenie: about(stubs.incidents.opsgenie),
    slack: stubs.messages.slack.filter((t) => t.includes(customer)),
    teams: stubs.messages.teams.filter((t) => t.includes(customer)),
    webhook: webhooks.filter((b) => b.data.logger === `${customer}/A`).map((b) => b.type),
    alertmanager: { firing: am.count(customer, 'firing'), resolved: am.count(customer, 'resolved') },
  };
}

describe('listener local --channels (issue 22)', () => {
  it('pages once on every channel when a Logger goes silent, and clears once when it phones home', async () => {
    const token = await addLogger(listener, CUSTOMER, 'A', '--timeout', '2s');
    expect(await heartbeat(token)).toBe(200);

    await until(
      'the page on every channel',
      () => {
        const s = seen(CUSTOMER);
        return (
          s.pagerduty.length + s.opsgenie.length + s.slack.length + s.teams.length + s.webhook.length === 5 &&
          s.alertmanager.firing === 1
        );
      },
      OUTAGE_WAIT_MS,
    );
    const open = { opened: 1, resolved: 0, open: true };
    expect(seen(CUSTOMER).pagerduty).toMatchObject([open]);
    expect(seen(CUSTOMER).opsgenie).toMatchObject([open]);

    // A longer timeout first (a DOWN Logger keeps its outage's deadline), so that it stays UP once back.
    const set = await runCli(['logger', 'set', `${CUSTOMER}/A`, '--timeout', '10m', '--dir', listener.dir]);
    expect(set.code, set.stderr).toBe(0);
    expect(await heartbeat(token)).toBe(200);
    await until(
      'the all-clear on every channel',
      () => {
        const s = seen(CUSTOMER);
        return (
          s.pagerduty[0]?.open === false &&
          s.opsgenie[0]?.open === false &&
          s.slack.length === 2 &&
          s.teams.length === 2 &&
          s.webhook.length === 2 &&
          s.alertmanager.resolved === 1
        );
      },
      OUTAGE_WAIT_MS,
    );
    // Two more sweeps (and more than Alertmanager's 1 s group interval): nothing is sent again.
    await sweptSince(listener.dir, Date.now(), 2);
    const s = seen(CUSTOMER);
    const once = { opened: 1, resolved: 1, open: false, merged: 0 };
    expect(s.pagerduty).toEqual([once]);
    expect(s.opsgenie).toEqual([once]);
    expect(stubs.unknownResolves).toEqual({ pagerduty: [], opsgenie: [] });
    expect(s.slack).toHaveLength(2);
    expect(s.slack[1]).toContain('phoned home');
    expect(s.teams).toHaveLength(2);
    expect(s.webhook).toEqual(['LOGGER_SILENT', 'LOGGER_RECOVERED']);
    expect(stubs.webhooks.repeats).toBe(0);
    expect(s.alertmanager).toEqual({ firing: 1, resolved: 1 });
  });

  it('lists the running Listener’s channels', async () => {
    const list = await runCli(['channel', 'list', '--dir', listener.dir]);
    expect(list).toMatchObject({ code: 0, stderr: '' });
    const rows = list.stdout.trim().split('\n');
    expect(rows[0]).toMatch(/^NAME\s+TYPE\s+KINDS\s+CUSTOMERS\s+REFUSED$/);
    expect(rows.slice(1).map((r) => r.split(/\s+/).slice(0, 2))).toEqual([
      ['pd', 'pagerduty'],
      ['og', 'opsgenie'],
      ['chat', 'slack'],
      ['teams', 'teams'],
      ['hook', 'webhook'],
      ['am', 'alertmanager'],
      ['dead', 'webhook'],
    ]);
    expect(rows.at(-1)).toMatch(/^dead\s+webhook\s+pages and all-clears\s+nobody\s+0$/);
  });

  it('sends a TEST notice through one channel and prints what the receiver answered (exit 0/1/3)', async () => {
    stubs.fail('slack', { status: 400 });
    const test = (name: string) => runCli(['channel', 'test', name, '--dir', listener.dir]);
    const [pd, alertmanager, refused, unreachable, unknown] = await Promise.all([
      test('pd'),
      test('am'),
      test('chat'),
      test('dead'),
      test('nosuch'),
    ]);
    expect(pd.code).toBe(0);
    expect(pd.stdout).toMatch(/^pd LOGGER_SILENT: 202 .*"status":"success"/m);
    expect(pd.stdout).toMatch(/^pd LOGGER_RECOVERED: 202 /m);

    expect(alertmanager.stdout).toMatch(/^am LOGGER_SILENT: 200 /m);
    expect(alertmanager.code).toBe(0);

    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe('chat LOGGER_SILENT: 400 fault\n');

    expect(unreachable.code).toBe(3);
    // Refused at once, or (on a loaded machine) not connected within the timeout: unreachable either way.
    expect(unreachable.stderr).toMatch(
      /^listener: channel dead: (could not connect \(ECONNREFUSED\)|no answer within \d+ ms) — /,
    );

    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('listener channel list');
  });

  it('refuses a channels file others can read, with the chmod that fixes it', async () => {
    const open = join(files, 'open.json');
    writeFileSync(open, JSON.stringify({ channels: [] }));
    chmodSync(open, 0o644);
    const refusal = `listener: the channels file ${open} is readable by others than its owner (it holds secrets) — run: chmod 600 ${open}`;
    const local = await runCli(['local', '--channels', open, '--dir', join(files, 'never')]);
    expect({ code: local.code, stderr: local.stderr.trim() }).toEqual({ code: 2, stderr: refusal });
    const list = await runCli(['channel', 'list', '--channels', open]);
    expect({ code: list.code, stderr: list.stderr.trim() }).toEqual({ code: 2, stderr: refusal });
  });
});
