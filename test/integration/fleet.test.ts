/**
 * The fleet as a whole on DynamoDB Local: counts and the status view from indexes (never a Scan), and bulk
 * import/export — through the use cases, and through the real CLI (child processes) pointed at the test
 * table by a local.json, as a running local Listener would point it.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { CSV_EXPORT_HEADER, CSV_HEADER, parseFleetCsv } from '../../cli/commands/fleet-csv.js';
import { localClient } from '../../cli/local/dynamo-local.js';
import { LOCAL_FILE, type LocalTarget } from '../../cli/local/target-file.js';
import { DynamoFleet } from '../../shared/adapters/dynamo/fleet/dynamo-fleet.js';
import { DynamoPingDirectory } from '../../shared/adapters/dynamo/logger/dynamo-ping-directory.js';
import type { Logger, LoggerId } from '../../shared/domain/logger.js';
import { hashPingUuid } from '../../shared/domain/pings/ping.js';
import { pause } from '../../shared/domain/transitions.js';
import { applyImport, ImportInterruptedError, planImport } from '../../shared/listener/fleet-import.js';
import { phoneHome } from '../../shared/listener/phone-home.js';
import { registerLogger } from '../../shared/listener/register.js';
import { sweep } from '../../shared/listener/sweep/sweep.js';
import type { LoggerStore } from '../../shared/ports/logger-store.js';
import { runCli } from '../support/cli.js';
import { createTestListener, type TestListener } from '../support/listener.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const TIMEOUT = 780 * MINUTE;

const opened: TestListener[] = [];
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((l) => l.dispose()));
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function setUp() {
  const listener = await createTestListener(inject('dynamoEndpoint'));
  opened.push(listener);
  const client = (listener.runtime.loggers as unknown as { doc: DynamoDBClient }).doc;
  const fleet = new DynamoFleet(client as unknown as DynamoDBClient, listener.tableName);
  const register = async (customer: string, side: 'A' | 'B', timeout = TIMEOUT) =>
    (
      await registerLogger(
        listener.runtime.loggers,
        { customer, side, eventTimeoutMs: timeout, transport: 'https' },
        listener.clock.now,
      )
    ).token;
  const beat = (token: string) => phoneHome(listener.runtime, token, listener.clock.now);
  const { loggers, watchlist, records } = listener.runtime;
  const pings = new DynamoPingDirectory(localClient(inject('dynamoEndpoint')), listener.tableName);
  return { listener, fleet, register, beat, loggers, watchlist, records, pings };
}

/** Every DynamoDB command the client sends from now on, by name (`QueryCommand:state` names the index). */
function recordCommands(fleet: DynamoFleet): string[] {
  const names: string[] = [];
  const doc = (fleet as unknown as { doc: DynamoDBClient }).doc;
  doc.middlewareStack.add(
    (next, context) => async (args) => {
      const index = (args.input as { IndexName?: string }).IndexName;
      names.push(`${String(context.commandName)}${index ? `:${index}` : ''}`);
      return next(args);
    },
    { step: 'initialize', name: 'recordCommands' },
  );
  return names;
}

describe('fleet counts and the status view', () => {
  async function mixedFleet() {
    const t = await setUp();
    const tokens = {
      okA: await t.register('okco', 'A'),
      okB: await t.register('okco', 'B'),
      late: await t.register('lateco', 'A'),
      down: await t.register('downco', 'A'),
      pause: await t.register('pauseco', 'A'),
    };
    await t.register('downco', 'B');
    await t.beat(tokens.down);
    t.listener.clock.now += 60 * MINUTE;
    for (const token of [tokens.okA, tokens.okB, tokens.late, tokens.pause]) await t.beat(token);
    t.listener.clock.now += TIMEOUT - 60 * MINUTE; // downco/A and downco/B (never heard) reach their deadline
    expect((await sweep(t.listener.runtime, t.listener.clock.now)).raised).toBe(2);
    const pausable = await t.loggers.get({ customer: 'pauseco', side: 'A' });
    if (!pausable) throw new Error('fixture');
    expect(await t.loggers.writeTransition(pausable, pause(pausable))).toBe(true);
    await t.register('overco', 'A', 10 * MINUTE); // overdue in 10 minutes, before any sweep
    t.listener.clock.now += 11 * MINUTE; // lateco/A is past its interval (LATE), 49 minutes from its deadline
    await t.beat(tokens.okA);
    await t.beat(tokens.okB);
    return t;
  }

  it('counts watched, overdue, DOWN and paused Loggers from the counter and the sparse indexes, never the fleet', async () => {
    const t = await mixedFleet();
    const commands = recordCommands(t.fleet);
    expect(await t.fleet.counts(t.listener.clock.now)).toEqual({
      total: 7,
      watched: 6,
      overdue: 1,
      down: 2,
      paused: 1,
    });
    expect(commands.filter((name) => name === 'GetItemCommand')).toHaveLength(1); // the fleet counter
    expect(commands.filter((name) => name !== 'GetItemCommand').length).toBeGreaterThan(0);
    expect(
      commands.every((name) => ['GetItemCommand', 'QueryCommand:state', 'QueryCommand:due'].includes(name)),
    ).toBe(true);
  });

  it('gives the mass-silence guard the watched count: registered minus paused, DOWN ones included', async () => {
    const t = await mixedFleet();
    expect(await t.watchlist.countWatched()).toBe(6);
  });

  it('lists only the customers needing a look — DOWN, overdue, LATE, paused — each with both sides', async () => {
    const t = await mixedFleet();
    const commands = recordCommands(t.fleet);
    const found = await t.fleet.attention(t.listener.clock.now, 60 * MINUTE);
    const ids = found.map((l: Logger) => `${l.customer}/${l.side}`).sort();
    expect(ids).toEqual(['downco/A', 'downco/B', 'lateco/A', 'overco/A', 'pauseco/A']);
    expect(commands).not.toContain('ScanCommand');
  });

  it('moves a Logger out of the DOWN count when it phones home again', async () => {
    const t = await setUp();
    const token = await t.register('backco', 'A');
    t.listener.clock.now += TIMEOUT;
    await sweep(t.listener.runtime, t.listener.clock.now);
    expect((await t.fleet.counts(t.listener.clock.now)).down).toBe(1);
    await t.beat(token);
    expect(await t.fleet.counts(t.listener.clock.now)).toMatchObject({ down: 0, overdue: 0, watched: 1 });
  });
});

describe('the fleet counter (no transactions: write, then count; recount repairs)', () => {
  it('follows registrations, imports and removals; two removals of one Logger count it out once', async () => {
    const t = await setUp();
    for (const customer of ['c1', 'c2', 'c3']) await t.register(customer, 'A');
    const parsed = parseFleetCsv(rows('c4,A,780m,720m,https', 'c1,A,13h,12h,modem'));
    const plan = await planImport(t.fleet, parsed.rows);
    await applyImport(t.loggers, t.fleet, plan, {
      now: t.listener.clock.now,
      concurrency: 4,
      onRegistered() {},
    });
    expect(await t.fleet.counter()).toBe(4);
    const removed = await Promise.all([
      t.loggers.remove({ customer: 'c2', side: 'A' }),
      t.loggers.remove({ customer: 'c2', side: 'A' }),
    ]);
    expect(removed.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(1);
    expect(await t.fleet.counter()).toBe(3);
    expect((await t.fleet.counts(t.listener.clock.now)).total).toBe(3);
    await expect(t.register('c1', 'A')).rejects.toThrow(/already registered|exists/i);
    expect(await t.fleet.counter()).toBe(3);
  });

  it('is repaired by recount after a crash between a Logger write and its count', async () => {
    const t = await setUp();
    await t.register('c1', 'A');
    await t.register('c1', 'B');
    // A registration whose process died after its Put, before its ADD: the Logger is there, uncounted.
    const doc = (t.loggers as unknown as { doc: { send(c: unknown): Promise<unknown> } }).doc;
    const { PutCommand } = await import('@aws-sdk/lib-dynamodb');
    const { loggerItem } = await import('../../shared/adapters/dynamo/logger/dynamo-items.js');
    const { newLogger } = await import('../../shared/domain/logger.js');
    const orphan = newLogger(
      { customer: 'crashco', side: 'A' },
      { eventTimeoutMs: TIMEOUT, heartbeatIntervalMs: 720 * MINUTE, transport: 'https' },
      t.listener.clock.now,
    );
    await doc.send(new PutCommand({ TableName: t.listener.tableName, Item: loggerItem(orphan, 'x') }));
    expect(await t.fleet.counter()).toBe(2);
    expect(await t.fleet.recount()).toEqual({ before: 2, after: 3 });
    expect(await t.fleet.counter()).toBe(3);
    expect((await t.fleet.counts(t.listener.clock.now)).total).toBe(3);
  });

  it('recount writes nothing while registrations keep landing between its read and its write', async () => {
    const t = await setUp();
    await t.register('c1', 'A');
    const doc = (t.fleet as unknown as { doc: DynamoDBClient }).doc;
    let n = 0;
    // Each time recount has counted the index, another registration lands before it writes.
    doc.middlewareStack.add(
      (next, context) => async (args) => {
        const out = await next(args);
        if (context.commandName === 'QueryCommand') await t.register(`late${n++}`, 'A');
        return out;
      },
      { step: 'initialize', name: 'registrationDuringRecount' },
    );
    expect(await t.fleet.recount()).toBeUndefined();
    doc.middlewareStack.remove('registrationDuringRecount');
    expect(await t.fleet.counter()).toBe(1 + n); // every registration counted, the counter untouched
    expect(await t.fleet.recount()).toEqual({ before: 1 + n, after: 1 + n });
  });

  it('falls back to counting the fleet index on a table that predates the counter', async () => {
    const t = await setUp();
    await t.register('c1', 'A');
    await t.register('c2', 'A');
    const doc = (t.loggers as unknown as { doc: { send(c: unknown): Promise<unknown> } }).doc;
    const { DeleteCommand } = await import('@aws-sdk/lib-dynamodb');
    const { COUNTS_KEY } = await import('../../shared/adapters/dynamo/fleet/dynamo-fleet-counter.js');
    await doc.send(new DeleteCommand({ TableName: t.listener.tableName, Key: COUNTS_KEY }));
    expect(await t.fleet.counter()).toBeUndefined();
    expect((await t.fleet.counts(t.listener.clock.now)).total).toBe(2);
    expect(await t.fleet.recount()).toEqual({ before: undefined, after: 2 });
  });
});

const rows = (...lines: string[]) => `${[CSV_HEADER, ...lines].join('\n')}\n`;

describe('bulk import (use case)', () => {
  it('registers new Loggers, updates the settings of existing ones keeping their token, and is idempotent', async () => {
    const t = await setUp();
    const token = await t.register('geocust1', 'A');
    const parsed = parseFleetCsv(rows('geocust1,A,120m,60m,https', 'geocust1,B,780m,720m,modem'));
    const tokens: string[] = [];
    const options = {
      now: t.listener.clock.now,
      concurrency: 4,
      onRegistered: (_: unknown, tk: string) => tokens.push(tk),
    };
    const plan = await planImport(t.fleet, parsed.rows);
    expect([plan.register.length, plan.update.length, plan.unchanged]).toEqual([1, 1, 0]);
    expect(await applyImport(t.loggers, t.fleet, plan, options)).toEqual({
      registered: 1,
      updated: 1,
      unchanged: 0,
    });
    expect(tokens).toHaveLength(1);
    expect((await t.beat(token)).logger).toMatchObject({
      eventTimeoutMs: 120 * MINUTE,
      heartbeatIntervalMs: 60 * MINUTE,
    });
    expect((await t.beat(tokens[0] ?? '')).logger).toMatchObject({
      customer: 'geocust1',
      side: 'B',
      transport: 'modem',
    });
    const again = await planImport(t.fleet, parsed.rows);
    expect([again.register.length, again.update.length, again.unchanged]).toEqual([0, 0, 2]);
  });

  it('moves a watched Logger’s deadline with a new timeout, so a shorter one is overdue at once', async () => {
    const t = await setUp();
    const token = await t.register('geocust1', 'A');
    await t.beat(token);
    t.listener.clock.now += 3 * HOUR;
    const plan = await planImport(t.fleet, parseFleetCsv(rows('geocust1,A,2h,1h,https')).rows);
    await applyImport(t.loggers, t.fleet, plan, {
      now: t.listener.clock.now,
      concurrency: 1,
      onRegistered: () => {},
    });
    expect((await t.fleet.counts(t.listener.clock.now)).overdue).toBe(1);
    expect((await sweep(t.listener.runtime, t.listener.clock.now)).raised).toBe(1);
  });

  it('loses a settings write to a heartbeat landing meanwhile, then reads again and wins', async () => {
    const t = await setUp();
    const token = await t.register('geocust1', 'A');
    const id: LoggerId = { customer: 'geocust1', side: 'A' };
    const before = await t.loggers.get(id);
    if (!before) throw new Error('fixture');
    t.listener.clock.now += MINUTE;
    await t.beat(token);
    expect(await t.fleet.updateSettings(before, { ...before, eventTimeoutMs: 2 * HOUR, deadline: 1 })).toBe(
      false,
    );
    const plan = await planImport(t.fleet, parseFleetCsv(rows('geocust1,A,2h,1h,https')).rows);
    expect(
      await applyImport(
        t.loggers,
        t.fleet,
        { ...plan, update: plan.update.map((u) => ({ ...u, before })) },
        {
          now: t.listener.clock.now,
          concurrency: 1,
          onRegistered: () => {},
        },
      ),
    ).toMatchObject({ updated: 1 });
    expect(await t.loggers.get(id)).toMatchObject({
      eventTimeoutMs: 2 * HOUR,
      deadline: t.listener.clock.now + 2 * HOUR,
    });
  });

  it('stops at a failed write saying how much was written; re-running finishes the rest', async () => {
    const t = await setUp();
    let registrations = 0;
    const failing: LoggerStore = new Proxy(t.loggers, {
      get(target, name, receiver) {
        if (name === 'register') {
          return (...args: Parameters<LoggerStore['register']>) =>
            ++registrations === 3 ? Promise.reject(new Error('DynamoDB is down')) : target.register(...args);
        }
        return Reflect.get(target, name, receiver);
      },
    });
    const parsed = parseFleetCsv(rows(...Array.from({ length: 6 }, (_, i) => `cust${i},A,780m,720m,https`)));
    const tokens = new Map<string, string>();
    const options = {
      now: t.listener.clock.now,
      concurrency: 1,
      onRegistered: (row: { id: LoggerId }, token: string) => tokens.set(row.id.customer, token),
    };
    const error = await applyImport(failing, t.fleet, await planImport(t.fleet, parsed.rows), options).catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(ImportInterruptedError);
    expect(error.written).toEqual({ registered: 2, updated: 0, unchanged: 0 });
    expect(error.message).toContain(
      'stopped after 2 registrations and 0 updates of 6 planned: DynamoDB is down',
    );
    const rest = await applyImport(t.loggers, t.fleet, await planImport(t.fleet, parsed.rows), options);
    expect(rest).toEqual({ registered: 4, updated: 0, unchanged: 2 });
    expect(tokens.size).toBe(6);
    expect((await t.fleet.counts(t.listener.clock.now)).total).toBe(6);
  });
});

describe('listener logger import | export (CLI on DynamoDB Local)', () => {
  async function cliOn(t: Awaited<ReturnType<typeof setUp>>, options: Partial<LocalTarget> = {}) {
    const dir = mkdtempSync(join(tmpdir(), 'fleet-cli-'));
    dirs.push(dir);
    const local: LocalTarget = {
      apiUrl: 'http://127.0.0.1:9',
      dynamodbEndpoint: inject('dynamoEndpoint'),
      tableName: t.listener.tableName,
      listenerName: 'TEST',
      notificationsFile: join(dir, 'notifications.jsonl'),
      pid: process.pid,
      ...options,
    };
    writeFileSync(join(dir, LOCAL_FILE), JSON.stringify(local));
    const write = (name: string, text: string) => {
      writeFileSync(join(dir, name), text);
      return join(dir, name);
    };
    return { dir, write, cli: (...args: string[]) => runCli([...args, '--dir', dir]) };
  }

  it('refuses a file with bad rows, naming each line and reason, and writes nothing', async () => {
    const t = await setUp();
    const { cli, write } = await cliOn(t);
    const file = write(
      'bad.csv',
      rows('good,A,780m,720m,https', 'bad!,A,780m,720m,https', 'good,B,780m,900m,https', 'good,A,1h,,https'),
    );
    const result = await cli('logger', 'import', file, '--tokens-out', `${file}.tokens`);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${file}:3: customer "bad!"`);
    expect(result.stderr).toContain(
      `${file}:4: good/B: the heartbeat interval (15h) must be shorter than the event timeout (13h)`,
    );
    expect(result.stderr).toContain(`${file}:5: good/A is already on line 2`);
    expect(result.stderr).toContain(`listener: ${file} has 3 bad rows (above); nothing was written`);
    expect((await t.fleet.counts(t.listener.clock.now)).total).toBe(0);
  });

  it('warns once per import about timeouts shorter than two sweeps, counting the rows', async () => {
    const t = await setUp();
    const { cli, write } = await cliOn(t, { sweepEveryMs: 55_000 });
    const file = write('short.csv', rows('fast,A,30s,,https', 'fast,B,45s,,https', 'slow,A,780m,720m,https'));
    const result = await cli('logger', 'import', file, '--dry-run');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr.match(/^warning: /gm)).toHaveLength(1);
    expect(result.stderr).toContain(
      `warning: ${file}: 2 rows have event timeouts (shortest 30s) shorter than two sweeps of this Listener (it sweeps every 55s)`,
    );
  });

  it('needs --tokens-out for new Loggers, writes the tokens file 0600, and says when there is nothing to do', async () => {
    const t = await setUp();
    const { cli, write, dir } = await cliOn(t);
    const file = write('fleet.csv', rows('geocust1,A,780m,720m,https', 'geocust1,B,780m,720m,modem'));
    const refused = await cli('logger', 'import', file);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(
      '2 new Loggers would get a token that is shown only once — pass --tokens-out',
    );
    expect((await t.fleet.counts(t.listener.clock.now)).total).toBe(0);
    const tokensFile = join(dir, 'tokens.csv');
    const imported = await cli('logger', 'import', file, '--tokens-out', tokensFile);
    expect(imported.stderr).toBe('');
    expect(imported.stdout).toContain(`2 registered (tokens in ${tokensFile}), 0 updated, 0 unchanged`);
    expect(statSync(tokensFile).mode & 0o777).toBe(0o600);
    const lines = readFileSync(tokensFile, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('logger,token,pingUrl');
    const [, token = '', pingUrl = ''] = lines.find((l) => l.startsWith('geocust1/B,'))?.split(',') ?? [];
    expect((await t.beat(token)).logger.transport).toBe('modem');
    // Beside each token, the Logger's ping URL, as `logger add --json` prints it.
    expect(pingUrl).toMatch(/\/ping\/[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const uuid = pingUrl.slice(pingUrl.lastIndexOf('/') + 1);
    expect(await t.pings.find(hashPingUuid(uuid))).toEqual({ customer: 'geocust1', side: 'B' });
    const again = await cli('logger', 'import', file, '--tokens-out', tokensFile);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('Nothing to change: the 2 Loggers in');
    expect(readFileSync(tokensFile, 'utf8').trim().split('\n')).toHaveLength(3);
  });

  it('keeps the fleet’s rhythm on the counter item: registrations, removals, settings changes, recount', async () => {
    const t = await setUp();
    const rhythm = async () => (await t.records.getMassSilenceAndRhythm()).rhythm;
    await t.register('r1', 'A'); // 780 min timeout: interval 720 min, margin 60 min
    await t.register('r1', 'B', 2 * HOUR); // interval 60 min, margin 60 min
    await t.register('r2', 'A', 130 * MINUTE); // interval 70 min, margin 60 min
    const registered = await rhythm();
    expect(registered).toMatchObject({ loggers: 3, margins: [HOUR] });
    expect(registered?.phoneHomesPerDay).toBeCloseTo(2 + 24 + (24 * 60) / 70);
    await t.loggers.remove({ customer: 'r1', side: 'B' });
    const left = await rhythm();
    expect(left?.loggers).toBe(2);
    expect(left?.phoneHomesPerDay).toBeCloseTo(2 + (24 * 60) / 70);
    const [before] = await t.fleet.getMany([{ customer: 'r2', side: 'A' }]);
    if (!before) throw new Error('r2/A is registered');
    const after = { ...before, heartbeatIntervalMs: 30 * MINUTE };
    expect(await t.fleet.updateSettings(before, after)).toBe(true);
    const changed = await rhythm();
    expect(changed?.phoneHomesPerDay).toBeCloseTo(2 + 48);
    expect(changed?.margins).toEqual([HOUR, 100 * MINUTE]);
    // A recount rebuilds it from the Loggers themselves.
    await t.fleet.recount();
    expect(await rhythm()).toEqual({ loggers: 2, phoneHomesPerDay: 50, margins: [HOUR, 100 * MINUTE] });
  });

  it('--dry-run lists what would change row by row, in text and JSON, and writes nothing', async () => {
    const t = await setUp();
    const { cli, write } = await cliOn(t);
    await t.register('acme', 'B', 3 * MINUTE);
    const file = write(
      'plan.csv',
      `${CSV_HEADER},phone,import_system,backup_phone,backup_import_system\n` +
        'acme,B,10m,,https,,,,\nacme,A,,,,,,,\n' +
        'zulu,A,13h,,modem,"9,19191234567",GEOCSCLNRA,,\n',
    );
    const text = await cli('logger', 'import', file, '--dry-run');
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain('would register 2, update 1, leave 0 unchanged. Nothing was written.');
    expect(text.stdout).toContain('  acme/B timeout 3m → 10m, interval 2m 46s → 9m 13s');
    expect(text.stdout).toContain('  acme/A new: timeout 13h, interval 12h');
    expect(text.stdout).toContain(
      '  zulu/A new: timeout 13h, interval 12h, transport modem, phone-home 9,19191234567 (GEOCSCLNRA), backup none',
    );
    const json = JSON.parse((await cli('logger', 'import', file, '--dry-run', '--json')).stdout);
    expect(json).toMatchObject({ dryRun: true, register: 2, update: 1, unchanged: 0 });
    expect(json.changes).toContainEqual({
      logger: 'acme/B',
      action: 'update',
      changes: [
        { setting: 'timeout', from: '3m', to: '10m' },
        { setting: 'interval', from: '2m 46s', to: '9m 13s' },
      ],
    });
    expect((await t.fleet.counts(t.listener.clock.now)).total).toBe(1);
  });

  it('listener doctor --all reports a drifted fleet counter and listener fleet recount repairs it', async () => {
    const t = await setUp();
    const { cli } = await cliOn(t);
    await t.register('c1', 'A');
    await t.register('c1', 'B');
    const { addToFleetCount } = await import('../../shared/adapters/dynamo/fleet/dynamo-fleet-counter.js');
    const doc = (t.fleet as unknown as { doc: Parameters<typeof addToFleetCount>[0] }).doc;
    await addToFleetCount(doc, t.listener.tableName, 5); // as if removals had crashed before counting out
    const drift = JSON.parse((await cli('doctor', '--all', '--json')).stdout) as {
      findings: { rule: string; severity: string; message: string }[];
    };
    expect(drift.findings).toContainEqual(
      expect.objectContaining({
        rule: 'fleet-counter',
        severity: 'warning',
        message: expect.stringContaining('the fleet counter says 7 Loggers but 2 are registered'),
      }),
    );
    const fixed = await cli('fleet', 'recount');
    expect(fixed.code).toBe(0);
    expect(fixed.stdout).toBe(
      'Fleet counter on local Listener at http://127.0.0.1:9: 2 Loggers registered (it said 7).\n',
    );
    expect(JSON.parse((await cli('fleet', 'recount', '--json')).stdout)).toEqual({ before: 2, after: 2 });
    expect((await cli('status', '--counts')).stdout).toContain(': 2 Loggers: 2 watched');
    const after = JSON.parse((await cli('doctor', '--all', '--json')).stdout) as {
      findings: { rule: string }[];
    };
    expect(after.findings.map((f) => f.rule)).not.toContain('fleet-counter');
  }, 90_000);

  it('exports what import reads back: export → import into another Listener → the same export', async () => {
    const t = await setUp();
    const { cli, write, dir } = await cliOn(t);
    const source = rows('zed,A,45s,30s,https', 'geocust1,B,2h,,modem', 'geocust1,A,780m,720m,https');
    const imported = await cli('logger', 'import', write('in.csv', source), '--tokens-out', join(dir, 't1'));
    expect(imported.code).toBe(0);
    const exported = await cli('logger', 'export');
    expect(exported.code).toBe(0);
    expect(exported.stdout).toBe(
      `${[
        CSV_EXPORT_HEADER,
        'geocust1,A,780m,720m,https,,,,',
        'geocust1,B,120m,60m,modem,,,,',
        'zed,A,45s,30s,https,,,,',
      ].join('\n')}\n`,
    );
    const unchanged = await cli('logger', 'import', write('out.csv', exported.stdout), '--json');
    expect(JSON.parse(unchanged.stdout)).toEqual({ registered: 0, updated: 0, unchanged: 3 });

    const other = await cliOn(await setUp());
    const copied = await other.cli('logger', 'import', join(dir, 'out.csv'), '--tokens-out', join(dir, 't2'));
    expect(copied.stdout).toContain('3 registered');
    const outFile = join(dir, 'again.csv');
    const again = await other.cli('logger', 'export', '--out', outFile);
    expect(again.stderr).toContain(
      `Exported 3 Loggers from local Listener at http://127.0.0.1:9 to ${outFile}.`,
    );
    expect(readFileSync(outFile, 'utf8')).toBe(exported.stdout);
  }, 90_000);
});
