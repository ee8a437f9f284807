/**
 * Cron Loggers (issue 24: `--cron "0 2 * * *" --tz Europe/Berlin --grace 1h`) against DynamoDB Local, on the
 * test Listener's injected clock: a daily job pinging after each run stays UP across a DST change; a missed
 * run pages once, at its occurrence plus the grace; the next success sends one all-clear. What a cron
 * Logger's ping costs: two requests (the one-request write refuses it and hands back the item; then the
 * state machine's conditional write), where an interval Logger's costs one.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { localClient } from '../../../cli/local/dynamo-local.js';
import { LOCAL_FILE, type LocalTarget } from '../../../cli/local/target-file.js';
import { DynamoPingDirectory } from '../../../shared/adapters/dynamo/logger/dynamo-ping-directory.js';
import { cronSchedule } from '../../../shared/domain/pings/schedule.js';
import { type PingDeps, receivePing } from '../../../shared/listener/pings/ping.js';
import { PingRoutes } from '../../../shared/listener/pings/ping-routes.js';
import { registerLogger } from '../../../shared/listener/register.js';
import { sweep } from '../../../shared/listener/sweep/sweep.js';
import { runCli } from '../../support/cli.js';
import { createTestListener, type TestListener } from '../../support/listener.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const at = (iso: string) => Date.parse(iso);

let listener: TestListener;
let pings: PingDeps;
let closeDirectory: () => void;

beforeEach(async () => {
  // Friday 27 March 2026, noon UTC: Europe/Berlin springs forward (02:00 → 03:00) early on Sunday the 29th.
  listener = await createTestListener(inject('dynamoEndpoint'), at('2026-03-27T12:00:00Z'));
  const client = localClient(inject('dynamoEndpoint'));
  closeDirectory = () => client.destroy();
  pings = { directory: new DynamoPingDirectory(client, listener.tableName), routes: new PingRoutes() };
});
afterEach(async () => {
  closeDirectory();
  await listener.dispose();
});

/** A nightly 02:00 Europe/Berlin job with an hour's grace, with its ping URL. */
async function registerNightlyJob(customer: string) {
  const registration = await registerLogger(
    listener.runtime.loggers,
    {
      customer,
      side: 'A',
      eventTimeoutMs: HOUR, // ignored: a cron Logger's timeout is its schedule's
      schedule: cronSchedule('0 2 * * *', 'Europe/Berlin', HOUR),
      transport: 'https',
    },
    listener.clock.now,
    pings.directory,
  );
  return { logger: registration.logger, uuid: registration.pingUuid ?? '' };
}

/** Moves the clock to `iso` and sweeps there. */
async function sweepAt(iso: string) {
  listener.clock.now = at(iso);
  await sweep(listener.runtime, listener.clock.now, () => listener.clock.now);
}

async function pingAt(iso: string, path: string) {
  listener.clock.now = at(iso);
  const before = listener.dynamoCommands().length;
  const answer = await receivePing(listener.runtime, pings, { path, receivedAt: listener.clock.now });
  expect(answer.status).toBe(200);
  return listener.dynamoCommands().length - before;
}

const pages = () => listener.published().filter((p) => p.kind.startsWith('LOGGER_'));

describe('a cron Logger (0 2 * * * Europe/Berlin, grace 1h)', () => {
  it('pinged after each nightly run stays UP across the spring-forward night; each ping costs two requests', async () => {
    const { logger, uuid } = await registerNightlyJob('nightly1');
    expect(new Date(logger.deadline).toISOString()).toBe('2026-03-28T02:00:00.000Z'); // 02:00 CET + 1h
    const costs: number[] = [];
    // Each run finishes ten minutes after 02:00 local: CET is UTC+1, and from Sunday CEST is UTC+2; the
    // Sunday run starts at 03:00 CEST, as 02:00 does not exist that night.
    for (const [run, sweptBefore] of [
      ['2026-03-28T01:10:00Z', '2026-03-28T01:59:00Z'],
      ['2026-03-29T01:10:00Z', '2026-03-29T01:55:00Z'],
      ['2026-03-30T00:10:00Z', '2026-03-30T00:55:00Z'],
      ['2026-03-31T00:10:00Z', '2026-03-31T00:55:00Z'],
    ] as const) {
      costs.push(await pingAt(run, `/ping/${uuid}`));
      // Swept within the hour after the next run's start: still UP, nothing paged.
      await sweepAt(sweptBefore);
      expect(await listener.runtime.loggers.get(logger), run).toMatchObject({ state: 'UP' });
    }
    expect(pages()).toEqual([]);
    const stored = await listener.runtime.loggers.get(logger);
    // Due at 02:00 CEST on 1 April (00:00Z), silent an hour later.
    expect(new Date(stored?.deadline ?? 0).toISOString()).toBe('2026-04-01T01:00:00.000Z');
    // The first ping also read the directory (cold cache); then two requests each.
    expect(costs.slice(1)).toEqual([2, 2, 2]);
  });

  it('missing a run pages once at the occurrence plus the grace; the next success sends one all-clear', async () => {
    const { logger, uuid } = await registerNightlyJob('nightly2');
    await pingAt('2026-03-28T01:10:00Z', `/ping/${uuid}`);
    // Sunday's run (03:00 CEST, 01:00Z) never reports. At 03:59 CEST it is LATE but not yet silent.
    await sweepAt('2026-03-29T01:59:00Z');
    expect(pages()).toEqual([]);
    await sweepAt('2026-03-29T02:00:01Z');
    expect(pages().map((p) => p.kind)).toEqual(['LOGGER_SILENT']);
    // The page names the run it missed, in the job's own time zone (03:00: that night has no 02:00).
    expect(pages()[0]?.email).toContain(
      'Side A Logger of nightly2 has not reported its run due 2026-03-29 03:00 (Europe/Berlin) to Listener GEOCSCLNRA (cron 0 2 * * * Europe/Berlin, grace 1h).',
    );
    expect(await listener.runtime.loggers.get(logger)).toMatchObject({ state: 'DOWN' });
    await sweepAt('2026-03-29T06:00:00Z');
    await sweepAt('2026-03-30T03:00:00Z');
    expect(pages().map((p) => p.kind)).toEqual(['LOGGER_SILENT']);
    // Monday's run reports: one all-clear, and the Logger is due again on Tuesday 02:00 CEST + 1h.
    await pingAt('2026-03-30T00:10:00Z', `/ping/${uuid}`);
    await sweepAt('2026-03-30T00:20:00Z');
    expect(pages().map((p) => p.kind)).toEqual(['LOGGER_SILENT', 'LOGGER_RECOVERED']);
    const stored = await listener.runtime.loggers.get(logger);
    expect(stored).toMatchObject({ state: 'UP', outbox: [] });
    expect(new Date(stored?.deadline ?? 0).toISOString()).toBe('2026-03-31T01:00:00.000Z');
  });
});

describe('listener logger add|set|show|list with --cron (CLI on DynamoDB Local)', () => {
  it('registers, shows, changes and refuses cron schedules as an operator types them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cron-cli-'));
    try {
      const local: LocalTarget = {
        apiUrl: 'http://127.0.0.1:9',
        dynamodbEndpoint: inject('dynamoEndpoint'),
        tableName: listener.tableName,
        listenerName: 'TEST',
        notificationsFile: join(dir, 'notifications.jsonl'),
        pid: process.pid,
      };
      writeFileSync(join(dir, LOCAL_FILE), JSON.stringify(local));
      const cli = (...args: string[]) => runCli([...args, '--dir', dir]);
      const added = await cli(
        'logger',
        'add',
        'backup-db',
        'A',
        '--cron',
        '0 2 * * *',
        '--tz',
        'Europe/Berlin',
      );
      expect(added.code, added.stderr).toBe(0);
      const shown = await cli('logger', 'show', 'backup-db/A');
      expect(shown.stdout).toMatch(/Schedule:\s+cron 0 2 \* \* \* Europe\/Berlin, grace 1h, next due /);
      const set = await cli('logger', 'set', 'backup-db/A', '--grace', '30m');
      expect(set.code, set.stderr).toBe(0);
      expect(set.stdout).toContain(
        'schedule cron 0 2 * * * Europe/Berlin, grace 1h → cron 0 2 * * * Europe/Berlin, grace 30m',
      );
      expect(set.stderr).toContain('warning: the grace (30m) is under 60 minutes');
      const listed = JSON.parse((await cli('logger', 'list', '--json')).stdout);
      expect(listed[0].schedule).toMatchObject({
        kind: 'cron',
        expression: '0 2 * * *',
        timeZone: 'Europe/Berlin',
        graceSeconds: 1800,
      });
      const typo = await cli(
        'logger',
        'add',
        'backup-db',
        'B',
        '--cron',
        '0 2 * * *',
        '--tz',
        'Europe/Berln',
      );
      expect(typo.code).toBe(2);
      expect(typo.stderr).toContain(
        'listener: --tz "Europe/Berln" is not an IANA time zone (did you mean Europe/Berlin?) — write an IANA time zone name as Area/City',
      );
      const both = await cli('logger', 'set', 'backup-db/A', '--cron', '0 3 * * *', '--timeout', '25h');
      expect(both.code).toBe(2);
      const back = await cli('logger', 'set', 'backup-db/A', '--timeout', '25h');
      expect(back.stdout).toContain('schedule cron 0 2 * * * Europe/Berlin, grace 30m → interval');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
