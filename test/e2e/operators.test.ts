/**
 * The operators' commands as a user runs them: `listener …` child processes against one `listener local`
 * (started once: each start costs seconds), checking what they print, their --json and their exit codes.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addLogger, FAST_LOCAL, type LocalListener, runCli, startLocalListener } from '../support/cli.js';

let listener: LocalListener;
beforeAll(async () => {
  listener = await startLocalListener(FAST_LOCAL);
});
afterAll(() => listener?.stop());

const cli = (...args: string[]) => runCli([...args, '--dir', listener.dir]);
const json = <T = Record<string, unknown>>(text: string) => JSON.parse(text) as T;

const add = (customer: string, side: string, ...flags: string[]) =>
  addLogger(listener, customer, side, ...flags);

async function post(path: string, token: string, body?: unknown): Promise<number> {
  const res = await fetch(`${listener.apiUrl}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  await res.arrayBuffer();
  return res.status;
}

const beat = (token: string) => post('/v1/heartbeat', token);

function notifications(kind: string): unknown[] {
  return readFileSync(join(listener.dir, 'notifications.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { kind: string })
    .filter((n) => n.kind === kind);
}

describe('listener logger show | rotate-token | pause | resume | remove', () => {
  it('shows settings, the Phone Home configuration and the last phone-homes with the interval between them', async () => {
    const token = await add(
      'showco',
      'A',
      '--transport',
      'modem',
      '--phone',
      '9,19191234567',
      '--import-system',
      'GEOCSCLNRA',
      '--backup-phone',
      '9,14081234567',
      '--backup-import-system',
      'GEOCSCLNRB',
    );
    // Modem Loggers phone home through a bridge; a token works the same for this test.
    for (let i = 0; i < 3; i++) {
      expect(await beat(token)).toBe(200);
      await new Promise((r) => setTimeout(r, 120));
    }
    const shown = await cli('logger', 'show', 'showco/A', '--json');
    expect(shown.code).toBe(0);
    const body = json<{
      state: string;
      phoneHome: unknown;
      arrivals: string[];
      intervalsMinutes: number[];
      events: unknown[];
    }>(shown.stdout);
    expect(body.state).toBe('UP');
    expect(body.phoneHome).toEqual({
      primary: { phone: '9,19191234567', listener: 'GEOCSCLNRA' },
      backup: { phone: '9,14081234567', listener: 'GEOCSCLNRB' },
    });
    expect(body.arrivals).toHaveLength(3);
    expect(body.intervalsMinutes).toHaveLength(2);
    const text = await cli('logger', 'show', 'showco/A');
    expect(text.stdout).toContain('Logger showco/A on local Listener');
    expect(text.stdout).toMatch(/Phone Home:\s+9,19191234567 → GEOCSCLNRA/);
    expect(text.stdout).toContain('Last 3 phone-homes:');
    expect(text.stdout).toMatch(/ARRIVED\s+INTERVAL/);
  });

  it('refuses phone numbers for an HTTPS Logger, and half a pair, saying what to type', async () => {
    const https = await cli(
      'logger',
      'add',
      'nophone',
      'A',
      '--phone',
      '9,19191234567',
      '--import-system',
      'GEOCSCLNRA',
    );
    expect(https.code).toBe(2);
    expect(https.stderr).toContain('add --transport modem');
    const half = await cli(
      'logger',
      'add',
      'nophone',
      'A',
      '--transport',
      'modem',
      '--phone',
      '9,19191234567',
    );
    expect(half.code).toBe(2);
    expect(half.stderr).toContain('--import-system is missing — give --phone and --import-system together');
  });

  it('rotates a token: the new one is printed once and works, the old one stops working', async () => {
    const old = await add('rotco', 'A');
    const rotated = await cli('logger', 'rotate-token', 'rotco/A', '--json');
    expect(rotated.code).toBe(0);
    const { token } = json<{ token: string }>(rotated.stdout);
    expect(token).toMatch(/^phl\.rotco\.A\./);
    expect(token).not.toBe(old);
    expect(await beat(old)).toBe(401);
    expect(await beat(token)).toBe(200);
  });

  it('pauses and resumes a Logger', async () => {
    await add('pauseco', 'B');
    const paused = await cli('logger', 'pause', 'pauseco/B', '--json');
    expect(json(paused.stdout).state).toBe('PAUSED');
    const resumed = await cli('logger', 'resume', 'pauseco/B');
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toContain('resumed: next deadline');
  });

  it('removes a Logger only with confirmation (--yes without a terminal), leaving nothing behind', async () => {
    const registered = Date.now();
    // 15 s: the four CLI runs below must end before the deadline even on a loaded machine (at load 20 an
    // 8 s deadline passed before the removal, and the Logger was rightly alarmed before it was removed).
    const token = await add('rmco', 'A', '--timeout', '15s');
    // Refusing happens before the store is touched, so the confirmed removal beside it must still find it.
    const [refused, removed] = await Promise.all([
      cli('logger', 'remove', 'rmco/A'),
      cli('logger', 'remove', 'rmco/A', '--yes', '--json'),
    ]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('pass --yes: listener logger remove rmco/A --yes');
    expect(removed.code).toBe(0);
    expect(json(removed.stdout)).toMatchObject({ logger: 'rmco/A', removed: true });
    const gone = await cli('logger', 'show', 'rmco/A');
    expect(gone.code).toBe(2);
    expect(gone.stderr).toContain(
      'rmco/A is not registered — see the registered ones with: listener logger list',
    );
    // Past its deadline: anything left in the due index would now be swept and alarmed.
    await new Promise((r) => setTimeout(r, Math.max(0, registered + 16_500 - Date.now())));
    expect(listener.output()).not.toContain('ALARM rmco/A');
    expect(await beat(token)).toBe(401);
  });

  it('answers a malformed Logger id with exit 2 and the form to use', async () => {
    const bad = await cli('logger', 'show', 'geocust1');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('write <customer>/<side>, e.g. geocust1/A');
  });
});

describe('listener status | alarm | events', () => {
  let eventsToken = '';
  beforeAll(async () => {
    // blind: both sides silent; half: A silent, B phones home; fine: both phone home.
    let halfB: string;
    let fineA: string;
    [halfB, fineA, , eventsToken] = await Promise.all([
      add('half', 'B', '--timeout', '10m'),
      add('fine', 'A'),
      add('fine', 'B'),
      add('evco', 'A'),
    ]);
    await Promise.all([beat(halfB), beat(fineA)]);
    await Promise.all([
      add('blind', 'A', '--timeout', '2s'),
      add('blind', 'B', '--timeout', '2s'),
      add('half', 'A', '--timeout', '2s'),
    ]);
    await listener.waitFor((out) => out.includes('BLIND blind/') && out.includes('ALARM half/A'), 20_000);
  });

  it('groups customers with both sides, Down first, then Partial Impaired, plain text when piped', async () => {
    const status = await cli('status', '--json');
    expect(status.code).toBe(0);
    const customers = json<{ customer: string; rollup: string; sides: { side: string; state: string }[] }[]>(
      status.stdout,
    );
    const order = customers.map((c) => c.customer);
    expect(order.indexOf('blind')).toBeLessThan(order.indexOf('half'));
    expect(customers.find((c) => c.customer === 'blind')).toMatchObject({
      rollup: 'Down',
      sides: [
        { side: 'A', state: 'DOWN' },
        { side: 'B', state: 'DOWN' },
      ],
    });
    expect(customers.find((c) => c.customer === 'half')?.rollup).toBe('Partial Impaired');
    const text = await cli('status');
    expect(text.stdout).toMatch(/^blind\s+Down\s+A\s+DOWN/m);
    expect(text.stdout).toMatch(/^half\s+Partial Impaired\s+A\s+DOWN/m);
    expect(text.stdout).not.toContain('\u001b[');
  });

  it('pages the blind customer once, critical, and says a half-silent customer’s twin phones home', () => {
    expect(notifications('CUSTOMER_BLIND')).toHaveLength(1);
    expect(listener.output()).toContain(
      "ALARM half/A Side A Logger of half has not phoned home to Listener GEOCSCLNRA within configured timeout value (2s). Side B phones home normally: check this Logger's own modem, RAS and Phone Home configuration, not the site.",
    );
  });

  it('refreshes with --watch until stopped', async () => {
    const child = spawn(process.execPath, [
      resolve('cli/bin.js'),
      'status',
      '--watch',
      '1s',
      '--dir',
      listener.dir,
    ]);
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    const started = Date.now();
    while ((out.match(/customers? on/g) ?? []).length < 2 && Date.now() - started < 20_000) {
      await new Promise((r) => setTimeout(r, 100));
    }
    child.kill('SIGTERM');
    expect((out.match(/customers? on/g) ?? []).length).toBeGreaterThanOrEqual(2);
  });

  it('acknowledges an alarm: the owner shows in alarm list and status, until the Logger is back', async () => {
    const acked = await cli(
      'alarm',
      'ack',
      'half/A',
      '--by',
      'alice',
      '--ticket',
      'INC-4711',
      '--note',
      'modem reset',
    );
    expect(acked.code).toBe(0);
    // This Listener sends no reminders: the acknowledgement promises none stopping.
    expect(acked.stdout).toBe('Alarm of half/A acknowledged by alice (INC-4711).\n');
    expect((await cli('status', '--all')).stdout).toContain('alice (INC-4711): modem reset');
    const list = json<{ logger: string; owner: { by: string; ticket: string } | null }[]>(
      (await cli('alarm', 'list', '--json')).stdout,
    );
    expect(list.find((a) => a.logger === 'half/A')?.owner).toMatchObject({ by: 'alice', ticket: 'INC-4711' });
    expect(list.find((a) => a.logger === 'blind/A')?.owner).toBeNull();
    expect((await cli('alarm', 'list')).stdout).toMatch(/^half\/A\s+\S+.*alice\s+INC-4711\s+modem reset/m);
    const unacked = await cli('alarm', 'unack', 'half/A');
    expect(unacked.code).toBe(0);
  });

  it('refuses to acknowledge what has no alarm, and an ack without --by', async () => {
    const up = await cli('alarm', 'ack', 'fine/A', '--by', 'alice');
    expect(up.code).toBe(1);
    expect(up.stderr).toContain(
      'fine/A has no open alarm (it is UP) — see the open ones with: listener alarm list',
    );
    const noBy = await cli('alarm', 'ack', 'half/A');
    expect(noBy.code).toBe(2);
    expect(noBy.stderr).toContain("required option '--by <name>' not specified");
  });

  it('lists forwarded events, filtered by severity and time', async () => {
    const token = eventsToken;
    const events = [
      { id: 'e1', occurredAt: '2026-11-24T16:59:00Z', severity: 'info', message: 'Logger started' },
      {
        id: 'e2',
        occurredAt: '2026-11-24T17:00:00Z',
        severity: 'critical',
        source: 'router-a',
        message: 'Router A failed',
      },
    ];
    expect(await post('/v1/events', token, { events })).toBe(200);
    const all = json<{ id: string }[]>((await cli('events', 'evco/A', '--json')).stdout);
    expect(all.map((e) => e.id).sort()).toEqual(['e1', 'e2']);
    const severe = json<{ id: string; logger: string }[]>(
      (await cli('events', '--severity', 'error', '--since', '1h', '--json')).stdout,
    );
    expect(severe).toEqual([expect.objectContaining({ id: 'e2', logger: 'evco/A' })]);
    const text = await cli('events', '--severity', 'critical');
    expect(text.stdout).toMatch(/evco\/A\s+critical\s+router-a\s+Router A failed/);
    const [bad, badSince] = await Promise.all([
      cli('events', '--severity', 'fatal'),
      cli('events', '--since', 'yesterday'),
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(
      '--severity "fatal" is not a severity — use one of info, warning, error, critical',
    );
    expect(badSince.code).toBe(2);
    expect(badSince.stderr).toContain('--since "yesterday" is not a duration');
  });

  it('prints what a Logger sent with its control characters made visible, never raw to the terminal', async () => {
    const retitle = '\u001b]0;owned\u0007';
    const events = [
      {
        id: 'esc1',
        occurredAt: '2026-11-24T17:01:00Z',
        severity: 'critical',
        source: `router${retitle}`,
        message: 'clear\u001b[2J\u009b31m and reorder \u202e',
      },
    ];
    expect(await post('/v1/heartbeat', eventsToken, { agent: `agent${retitle}` })).toBe(200);
    expect(await post('/v1/events', eventsToken, { events })).toBe(200);
    const [listed, shown] = await Promise.all([cli('events', 'evco/A'), cli('logger', 'show', 'evco/A')]);
    /** Raw control characters (newline aside): what a terminal would act on. */
    const raw = (text: string) =>
      [...text].filter((ch) => /\p{Cc}|\u202e/u.test(ch) && ch !== '\n' && ch !== '\t');
    for (const text of [listed.stdout, shown.stdout]) {
      expect(raw(text)).toEqual([]);
      expect(text).toContain('router\\x1b]0;owned\\x07');
      expect(text).toContain('clear\\x1b[2J\\x9b31m and reorder \\u202e');
    }
    expect(shown.stdout).toMatch(/Agent:\s+agent\\x1b\]0;owned\\x07$/m);
    // The Listener's own terminal line for the critical event (local mode's notifier) is printable too.
    await listener.waitFor((out) => out.includes('clear\\x1b[2J'), 10_000);
    expect(raw(listener.output())).toEqual([]);
  });
});

describe('listener maintenance', () => {
  it('adds a window for both sides of a customer, lists it and removes it', async () => {
    await Promise.all([add('mco', 'A'), add('mco', 'B')]);
    const added = await cli('maintenance', 'add', 'mco', '--to', '+2h', '--reason', 'PBX upgrade', '--json');
    expect(added.code).toBe(0);
    const window = json<{ id: string; loggers: string[] }>(added.stdout);
    expect(window.loggers).toEqual(['mco/A', 'mco/B']);
    const listed = json<{ id: string; loggers: string[]; reason: string; active: boolean }[]>(
      (await cli('maintenance', 'list', '--json')).stdout,
    );
    expect(listed).toContainEqual(
      expect.objectContaining({
        id: window.id,
        loggers: ['mco/A', 'mco/B'],
        reason: 'PBX upgrade',
        active: true,
      }),
    );
    const removed = await cli('maintenance', 'remove', window.id);
    expect(removed.stdout).toContain(`Removed maintenance ${window.id} (mco/A, mco/B).`);
    const after = json<{ id: string }[]>((await cli('maintenance', 'list', '--json')).stdout);
    expect(after.map((w) => w.id)).not.toContain(window.id);
  });

  it('answers bad times and unknown windows saying what to type', async () => {
    const badTime = await cli('maintenance', 'add', 'mco', '--to', 'tomorrow');
    expect(badTime.code).toBe(2);
    expect(badTime.stderr).toContain(
      '--to "tomorrow" is not a time — write now, a time such as 2026-11-24T22:00Z',
    );
    const past = await cli(
      'maintenance',
      'add',
      'mco',
      '--from',
      '2020-01-01T00:00Z',
      '--to',
      '2020-01-02T00:00Z',
    );
    expect(past.code).toBe(2);
    expect(past.stderr).toContain('--to is in the past');
    const unknown = await cli('maintenance', 'remove', 'mw-000000');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('see them with: listener maintenance list');
  });
});

describe('listener doctor', () => {
  it('passes a healthy Logger with exit 0', async () => {
    await add('docok', 'A');
    const ok = await cli('doctor', 'docok/A');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('No findings');
  });

  it('reports the 60-minute rule and a crossed Phone Home pair with remedies, exit 1', async () => {
    await add(
      'docbad',
      'A',
      '--timeout',
      '780m',
      '--interval',
      '760m',
      '--transport',
      'modem',
      '--phone',
      '9,14081234567',
      '--import-system',
      'GEOCSCLNRA',
    );
    const bad = await cli('doctor', 'docbad/A', '--json');
    expect(bad.code).toBe(1);
    const report = json<{ ok: boolean; findings: { rule: string; severity: string; remedy: string[] }[] }>(
      bad.stdout,
    );
    expect(report.ok).toBe(false);
    expect(report.findings.map((f) => f.rule)).toEqual(
      expect.arrayContaining(['interval-margin', 'phone-home-config', 'bridge']),
    );
    const text = await cli('doctor', 'docbad/A');
    expect(text.stdout).toContain(
      'ERROR docbad/A [phone-home-config]: the primary phone number 9,14081234567 is paired with Listener GEOCSCLNRA, but 9,14081234567 reaches GEOCSCLNRB',
    );
    expect(text.stdout).toContain('heartbeatIntervalMinutes');
  });

  it('takes the valid pairs from a file, and checks the whole fleet and the Listener with --all', async () => {
    const pairs = join(listener.dir, 'pairs.json');
    writeFileSync(pairs, JSON.stringify([{ phone: '9,14081234567', listener: 'GEOCSCLNRA' }]));
    const withPairs = json<{ findings: { rule: string; subject: string }[] }>(
      (await cli('doctor', 'docbad/A', '--pairs', pairs, '--json')).stdout,
    );
    expect(withPairs.findings.filter((f) => f.rule === 'phone-home-config').map((f) => f.subject)).toEqual([
      'docbad/A',
    ]); // only the missing backup is left
    const all = await cli('doctor', '--all', '--json');
    expect(all.code).toBe(1);
    const fleet = json<{
      checked: string[];
      findings: { rule: string; subject: string; severity: string }[];
    }>(all.stdout);
    expect(fleet.checked).toContain('listener');
    expect(fleet.findings.some((f) => f.rule === 'sweeper')).toBe(false); // it sweeps every second
    expect(fleet.findings).toContainEqual(
      expect.objectContaining({ rule: 'duplex', subject: 'blind/A', severity: 'critical' }),
    );
    const usage = await cli('doctor', 'docok/A', '--all');
    expect(usage.code).toBe(2);
  });
});

describe('listener logger set', () => {
  it('changes the timeout in place: same token, the change and the new deadline printed, in the audit', async () => {
    // `<customer>/<side>`, as every other command writes a Logger.
    const added = await cli('logger', 'add', 'setco/A', '--timeout', '3m', '--json');
    expect(added.code, added.stderr).toBe(0);
    const { token } = json<{ token: string }>(added.stdout);
    expect(await beat(token)).toBe(200);
    const set = await cli('logger', 'set', 'setco/A', '--timeout', '10m', '--by', 'alice');
    expect(set.code, set.stderr).toBe(0);
    expect(set.stdout).toContain('timeout 3m → 10m');
    expect(set.stdout).toMatch(/deadline \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ \(in 9m/);
    expect(await beat(token)).toBe(200);
    const again = json<{ changes: unknown[]; eventTimeoutSeconds: number }>(
      (await cli('logger', 'set', 'setco/A', '--timeout', '10m', '--json')).stdout,
    );
    expect(again).toMatchObject({ changes: [], eventTimeoutSeconds: 600 });
  });

  it('records the Phone Home configuration doctor asks for, so its finding goes away', async () => {
    await add('setmodem', 'B', '--transport', 'modem');
    const before = await cli('doctor', 'setmodem/B', '--json');
    const asked = json<{ findings: { rule: string; remedy: string[] }[] }>(before.stdout).findings.find(
      (f) => f.rule === 'phone-home-config',
    );
    expect(asked?.remedy.join(' ')).toContain(
      'listener logger set setmodem/B --phone <number> --import-system',
    );
    const set = await cli(
      'logger',
      'set',
      'setmodem/B',
      '--phone',
      '9,14081234567',
      '--import-system',
      'GEOCSCLNRB',
      '--backup-phone',
      '9,19191234567',
      '--backup-import-system',
      'GEOCSCLNRA',
    );
    expect(set.code, set.stderr).toBe(0);
    expect(set.stdout).toContain(
      'phone-home none → 9,14081234567 (GEOCSCLNRB), backup 9,19191234567 (GEOCSCLNRA)',
    );
    const after = json<{ findings: { rule: string }[] }>(
      (await cli('doctor', 'setmodem/B', '--json')).stdout,
    );
    expect(after.findings.map((f) => f.rule)).not.toContain('phone-home-config');
  });

  it('records whom to call and a note; logger show puts them first; a control character is a usage mistake', async () => {
    await add('callco', 'A', '--owner', 'Acme NOC +1 919 555 0100');
    const set = await cli('logger', 'set', 'callco/A', '--note', 'rack 4, badge at gate B');
    expect(set.stdout).toContain('note none → "rack 4, badge at gate B"');
    const shown = await cli('logger', 'show', 'callco/A', '--events', '0');
    expect(shown.stdout).toMatch(
      /State: +NEW\n +Owner: +Acme NOC \+1 919 555 0100\n +Note: +rack 4, badge at gate B\n/,
    );
    const refused = await cli('logger', 'set', 'callco/A', '--owner', 'eve\u001b[2J');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(
      'listener: --owner is longer than 100 characters or holds control characters',
    );
    const cleared = json<{ owner: string | null; note: string | null }>(
      (await cli('logger', 'set', 'callco/A', '--owner', '', '--json')).stdout,
    );
    expect(cleared).toMatchObject({ owner: null, note: 'rack 4, badge at gate B' });
  });

  it('answers an unknown Logger on a write command as the read commands do (exit 2, see logger list)', async () => {
    const results = await Promise.all([
      cli('logger', 'set', 'nosuch/A', '--timeout', '10m'),
      cli('alarm', 'ack', 'nosuch/A', '--by', 'alice'),
      cli('logger', 'pause', 'nosuch/A'),
      cli('logger', 'remove', 'nosuch/A', '--yes'),
    ]);
    for (const r of results) {
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toBe(
        'listener: Logger nosuch/A is not registered — see the registered ones with: listener logger list\n',
      );
    }
  });
});

describe('--help', () => {
  it('gives every operators’ command an example', async () => {
    const commands = [
      ['logger', 'show'],
      ['logger', 'rotate-token'],
      ['logger', 'remove'],
      ['status'],
      ['events'],
      ['alarm', 'ack'],
      ['alarm', 'list'],
      ['maintenance', 'add'],
      ['doctor'],
    ];
    const helps = await Promise.all(commands.map((c) => runCli([...c, '--help'])));
    for (const [i, help] of helps.entries()) {
      expect(help.code, commands[i]?.join(' ')).toBe(0);
      expect(help.stdout, commands[i]?.join(' ')).toMatch(/Examples?:\n {2}listener /);
    }
  });
});

describe('listener logger bind | bridge list | rotate-token | remove', () => {
  const relay = (token: string, customer: string) =>
    post('/v1/relay', token, {
      records: [
        { id: `r-${Date.now()}`, type: 'heartbeat', customer, side: 'A', at: '2026-11-24T11:00:00Z' },
      ],
    });

  it('binds a modem Logger to a site, counts refusals per site, and kills a rotated or removed token at once', async () => {
    const site = async (name: string) =>
      json<{ token: string }>((await cli('bridge', 'add', name, '--json')).stdout).token;
    const dc1 = await site('bind-dc1');
    const dc2 = await site('bind-dc2');
    await add('bindco', 'A', '--transport', 'modem', '--bridge', 'bind-dc2');
    expect((await cli('logger', 'bind', 'bindco/A', '--bridge', 'Bad Site')).code).toBe(2);
    expect(await relay(dc1, 'bindco')).toBe(200);
    const list = json<{ site: string; refused: number }[]>((await cli('bridge', 'list', '--json')).stdout);
    expect(list.find((b) => b.site === 'bind-dc1')?.refused).toBe(1);
    const bound = await cli('logger', 'bind', 'bindco/A', '--bridge', 'bind-dc2,bind-dc1', '--by', 'alice');
    expect(bound.stdout).toContain('Logger bindco/A is now relayed by bind-dc2, bind-dc1 (was bind-dc2).');
    expect((await cli('logger', 'show', 'bindco/A')).stdout).toMatch(/Relayed by:\s+bind-dc2, bind-dc1/);

    const rotated = await cli('bridge', 'rotate-token', 'bind-dc1', '--json');
    const fresh = json<{ token: string }>(rotated.stdout).token;
    expect(await relay(dc1, 'bindco')).toBe(401);
    expect(await relay(fresh, 'bindco')).toBe(200);

    const removed = await cli('bridge', 'remove', 'bind-dc2', '--yes');
    expect(removed.code).toBe(0);
    expect(removed.stdout).toContain('bindco/A');
    expect(await relay(dc2, 'bindco')).toBe(401);
    expect((await cli('bridge', 'rotate-token', 'bind-dc2')).stderr).toContain(
      'listener: no bridge is registered for site bind-dc2 — see the registered bridges: listener bridge list',
    );
    await cli('bridge', 'remove', 'bind-dc1', '--yes');
  });
});

describe("a job's ping URL, spoken to as Healthchecks' docs and clients do (issue 24)", () => {
  /** Runs a bash snippet as Healthchecks' docs write it, with the ping URL in $URL. */
  function bash(script: string, url: string): Promise<{ code: number | null; out: string }> {
    return new Promise((done) => {
      const child = spawn('bash', ['-c', script], { env: { ...process.env, URL: url } });
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
      });
      child.stderr.on('data', (chunk: Buffer) => {
        out += chunk.toString();
      });
      child.once('exit', (code) => done({ code, out }));
    });
  }

  async function addJob(customer: string): Promise<string> {
    const added = await cli('logger', 'add', customer, 'A', '--timeout', '1h', '--json');
    expect(added.code, added.stderr).toBe(0);
    const { pingUrl } = json<{ pingUrl: string }>(added.stdout);
    expect(pingUrl).toMatch(new RegExp(`^${listener.apiUrl}/ping/[0-9a-f-]{36}$`));
    return pingUrl;
  }

  it('takes the curl snippets: a success, a start, an exit status that pages, output that clears it', async () => {
    const url = await addJob('pingjob1');
    const curl = 'curl -fsS -m 10 --retry 5 -o /dev/null';
    expect(await bash(`${curl} "$URL"`, url)).toEqual({ code: 0, out: '' });
    expect((await bash(`${curl} "$URL/start"`, url)).code).toBe(0);
    const shown = await cli('logger', 'show', 'pingjob1/A', '--json');
    expect(json<{ ping: { url: string; startedAt: string } }>(shown.stdout).ping).toMatchObject({
      url: 'set',
    });
    expect(json<{ ping: { startedAt: string | null } }>(shown.stdout).ping.startedAt).not.toBeNull();
    // The docs' pattern: run the job, then append its exit status.
    expect((await bash(`(exit 3); ${curl} "$URL/$?"`, url)).code).toBe(0);
    await listener.waitFor((out) => out.includes('ALARM pingjob1/A'), 15_000);
    expect(listener.output()).toContain(
      'ALARM pingjob1/A Side A Logger of pingjob1 reported a failure to Listener GEOCSCLNRA (exit status 3).',
    );
    const report = `m=$(printf 'backup done\\n'); ${curl} --data-raw "$m" "$URL"`;
    expect((await bash(report, url)).code).toBe(0);
    await listener.waitFor((out) => out.includes('CLEARED pingjob1/A'), 15_000);
    expect(listener.output()).toMatch(/CLEARED pingjob1\/A .*reported success to Listener GEOCSCLNRA again/);
    expect(
      listener
        .output()
        .split('\n')
        .filter((l) => l.startsWith('ALARM pingjob1/A')),
    ).toHaveLength(1);
    // The URL (a secret) appears in nothing the Listener printed.
    expect(listener.output()).not.toContain(url.split('/ping/')[1]);
    // The history kept each ping with what curl sent, and the outage the exit status opened.
    const history = json<{
      pings: {
        kind: string;
        exitStatus?: number;
        method: string;
        source: string;
        userAgent: string;
        body?: string;
      }[];
      outages: { cause: { kind: string; exitStatus?: number } }[];
    }>((await cli('logger', 'show', 'pingjob1/A', '--json')).stdout);
    expect(history.pings.map((p) => [p.kind, p.exitStatus])).toEqual([
      ['success', 0],
      ['fail', 3],
      ['start', undefined],
      ['success', 0],
    ]);
    expect(history.pings[0]).toMatchObject({ method: 'POST', body: 'backup done' });
    expect(history.pings[0]?.userAgent).toMatch(/^curl\//);
    expect(history.pings[0]?.source).toMatch(/127\.0\.0\.1/);
    expect(history.outages.map((o) => o.cause)).toEqual([{ kind: 'failure', exitStatus: 3 }]);
    expect((await cli('logger', 'show', 'pingjob1/A')).stdout).toMatch(/Outages \(last 90 days\):\n\s+START/);
  });

  it('answers every case as Healthchecks’ server does', async () => {
    const url = await addJob('pingjob2');
    const rid = '1f0e5a9b-3c2d-4e6f-8a7b-9c0d1e2f3a4b';
    const unknown = `${listener.apiUrl}/ping/3f0c4c1e-1b59-4e0a-9d6a-2f1f1f1f1f1f`;
    const cases: [string, string, RequestInit, number, string][] = [
      ['GET', url, {}, 200, 'OK'],
      ['GET', `${url}/`, {}, 200, 'OK'],
      ['POST', `${url}/0`, { body: 'done' }, 200, 'OK'],
      ['POST', `${url}/log`, { body: Buffer.from([0xc3, 0x28, 0xff]) }, 200, 'OK'],
      [
        'POST',
        `${url}?rid=${rid}`,
        { body: 'x'.repeat(12_000), headers: { 'content-type': 'text/plain' } },
        200,
        'OK',
      ],
      ['GET', `${url}?rid=${rid.toUpperCase()}`, {}, 200, 'OK'],
      ['GET', `${url}/256`, {}, 400, 'invalid url format'],
      ['GET', `${url}?rid=not-a-uuid`, {}, 400, 'invalid uuid format'],
      ['GET', unknown, {}, 404, 'not found'],
      ['GET', `${unknown}/256`, {}, 404, 'not found'],
      ['GET', url.replace(/[0-9a-f-]{36}$/, (uuid) => uuid.toUpperCase()), {}, 404, 'not found'],
      ['GET', `${url}/bogus`, {}, 404, 'not found'],
    ];
    for (const [method, target, init, status, body] of cases) {
      const res = await fetch(target, { method, ...init });
      expect([method, target.slice(-24), res.status, await res.text()]).toEqual([
        method,
        target.slice(-24),
        status,
        body,
      ]);
      expect(res.headers.get('access-control-allow-origin')).toBe('*');
      expect(res.headers.get('cache-control')).toContain('no-cache');
      expect(res.headers.get('ping-body-limit')).toBe('10000');
    }
    const head = await fetch(url, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it('takes runitor’s runs: a fresh rid per run, the output POSTed as text/plain, each run’s duration kept', async () => {
    const url = await addJob('pingjob4');
    // runitor's contract: /start?rid=R, then the command's output as text/plain to /?rid=R or /<exit>?rid=R;
    // 200 and 201 are success to it (this Listener answers 200).
    const post = (target: string, body: string) =>
      fetch(target, {
        method: 'POST',
        headers: { 'content-type': 'text/plain', 'user-agent': 'runitor/v1.3.0-build.4' },
        body,
      });
    const lastRun = async () =>
      json<{ ping: { lastRun: { outcome: string; rid: string | null; durationMs: number } } }>(
        (await cli('logger', 'show', 'pingjob4/A', '--json')).stdout,
      ).ping.lastRun;
    const first = randomUUID();
    expect((await post(`${url}/start?rid=${first}`, '')).status).toBe(200);
    expect((await post(`${url}?rid=${first}`, 'backup done\n')).status).toBe(200);
    expect(await lastRun()).toMatchObject({ outcome: 'success', rid: first });
    expect((await lastRun()).durationMs).toBeGreaterThanOrEqual(0);
    const second = randomUUID();
    expect((await post(`${url}/start?rid=${second}`, '')).status).toBe(200);
    expect((await post(`${url}/2?rid=${second}`, 'disk full\n')).status).toBe(200);
    expect(await lastRun()).toMatchObject({ outcome: 'fail', rid: second });
    await listener.waitFor((out) => out.includes('ALARM pingjob4/A'), 15_000);
    expect(listener.output()).toContain('reported a failure to Listener GEOCSCLNRA (exit status 2).');
  });

  it('dies at once on rotate-token; the new URL works', async () => {
    const url = await addJob('pingjob3');
    const rotated = await cli('logger', 'rotate-token', 'pingjob3/A', '--json');
    const fresh = json<{ pingUrl: string }>(rotated.stdout).pingUrl;
    expect(fresh).not.toBe(url);
    const old = await bash('curl -fsS -m 10 -o /dev/null "$URL"', url);
    expect(old.code).toBe(22); // curl -f: HTTP error (404)
    expect((await bash('curl -fsS -m 10 -o /dev/null "$URL"', fresh)).code).toBe(0);
  });
});
