/**
 * A Listener pair on one machine (issue 13's "Done means"): two real `listener local` processes on one
 * DynamoDB Local and table, both sweeping every second. Silent Loggers are paged once between the two;
 * with one side killed (SIGKILL) the other pages alone within two sweep periods and tells ops once
 * (LISTENER_SILENT); restarted, the killed side reuses the still-running DynamoDB Local (its twin's store)
 * and the survivor says once that it is back (LISTENER_RECOVERED). Waits poll with generous deadlines;
 * what is asserted about time comes from the notifications' own timestamps.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isDynamoLocalOf, localClient, PID_FILE } from '../../cli/local/dynamo-local.js';
import { dynamoPorts } from '../../shared/adapters/dynamo/dynamo-ports.js';
import { registerLogger } from '../../shared/listener/register.js';
import { type LocalListener, startLocalListener } from '../support/cli.js';

const A = 'GEOCSCLNRA';
const B = 'GEOCSCLNRB';
const PERIOD = 1_000;
const TIMEOUT = 3_000;
/** Both sweep every second; the mass-silence guard is kept out of the way (20 Loggers go silent at once). */
const PAIR = ['--sweep-every', '1s', '--mass-silence-min-loggers', '1000'];

interface Written {
  readonly kind: string;
  readonly id: string;
  readonly detail: Record<string, unknown> & { at: string; listener: string; message: string };
}

const dirA = mkdtempSync(join(tmpdir(), 'listener-pair-a-'));
const dirB = mkdtempSync(join(tmpdir(), 'listener-pair-b-'));
const started: LocalListener[] = [];

afterAll(async () => {
  // The second first: stopping the first stops the pair's DynamoDB Local.
  const order = [...started.filter((l) => l.dir === dirB), ...started.filter((l) => l.dir !== dirB)];
  for (const listener of order) {
    if (listener.process.exitCode === null && listener.process.signalCode === null) {
      listener.process.kill('SIGTERM');
      await new Promise((done) => listener.process.once('exit', done));
    }
  }
  // Whatever happened, no java of this test outlives it.
  for (const pid of javasFor(dirA)) process.kill(pid, 'SIGKILL');
  for (const dir of [dirA, dirB]) rmSync(dir, { recursive: true, force: true });
});

async function start(args: readonly string[], dir: string): Promise<LocalListener> {
  const listener = await startLocalListener(args, dir);
  started.push(listener);
  return listener;
}

function javasFor(dir: string): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .filter((pid) => isDynamoLocalOf(pid, dir));
}

/** Every notification a Listener's directory holds so far (none yet: no file). */
function written(dir: string, kind?: string): Written[] {
  let text = '';
  try {
    text = readFileSync(join(dir, 'notifications.jsonl'), 'utf8');
  } catch {
    return [];
  }
  const all = text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Written);
  return kind ? all.filter((n) => n.kind === kind) : all;
}
const both = (kind: string) => [...written(dirA, kind), ...written(dirB, kind)];
const at = (n: Written) => Date.parse(n.detail.at);

/** Polls `condition` until it holds; a generous deadline, since the machine may be busy. */
async function until(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('a local Listener pair', () => {
  it('pages once between the two, pages alone when one is killed and says so once, and once when it is back', async () => {
    const first = await start([...PAIR, '--in-memory', '--listener-name', A], dirA);
    const second = await start([...PAIR, '--listener-name', B, '--pair-with', dirA], dirB);
    const target = JSON.parse(readFileSync(join(dirA, 'local.json'), 'utf8'));
    const { loggers, records } = dynamoPorts(localClient(target.dynamodbEndpoint), target.tableName);
    const sweptAfter = async (name: string, time: number) =>
      ((await records.getBeacon(name))?.lastSweepAt ?? 0) > time;
    /** Both have swept twice more since `time`: nothing more can come of what was due then. */
    const settled = (time: number) => async () =>
      (await sweptAfter(A, time + 2 * PERIOD)) && (await sweptAfter(B, time + 2 * PERIOD));

    /** Registers `count` Loggers that phone home once (alternately to each side), then go silent. */
    const wave = async (prefix: string, count: number, sides: readonly LocalListener[]) => {
      const names: string[] = [];
      for (let i = 0; i < count; i++) {
        const customer = `${prefix}${String(i).padStart(2, '0')}`;
        const { token } = await registerLogger(
          loggers,
          { customer, side: 'A', eventTimeoutMs: TIMEOUT, transport: 'https' },
          Date.now(),
        );
        const side = sides[i % sides.length] as LocalListener;
        const res = await fetch(`${side.apiUrl}/v1/heartbeat`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}` },
        });
        expect(res.status).toBe(200);
        names.push(`${customer}/A`);
      }
      return names;
    };

    // Both sweep every second, each knowing the other as its twin.
    await until('both sweep', async () => (await sweptAfter(A, 0)) && (await sweptAfter(B, 0)));
    expect((await records.getBeacon(A))?.twin).toBe(B);

    // 20 Loggers go silent: exactly 20 LOGGER_SILENT across both files, none twice.
    const firstWave = await wave('first', 20, [first, second]);
    await until('20 pages', () => both('LOGGER_SILENT').length >= 20);
    await until('both swept twice more', settled(Math.max(...both('LOGGER_SILENT').map(at))));
    const pages = both('LOGGER_SILENT');
    expect(pages.map((n) => n.detail.logger).sort()).toEqual(firstWave.sort());
    expect(new Set(pages.map((n) => n.id)).size).toBe(20);
    expect(both('LISTENER_SILENT')).toEqual([]);

    // A is killed: its DynamoDB Local lives on (orphaned) and keeps serving B.
    const java = Number(readFileSync(join(dirA, PID_FILE), 'utf8'));
    const killed = new Promise((done) => first.process.once('exit', done));
    first.process.kill('SIGKILL');
    await killed;
    const lastOfA = (await records.getBeacon(A))?.lastSweepAt ?? 0;

    // 10 more go silent: B pages every one within two sweep periods of its deadline, and ops hear once
    // that A has stopped sweeping.
    const secondWave = await wave('second', 10, [second]);
    const pagedAlone = () =>
      written(dirB, 'LOGGER_SILENT').filter((n) => secondWave.includes(String(n.detail.logger)));
    // B alone records its sweeps now: how long they take on this machine (a sweep cannot start more often).
    let longestSweep = 0;
    await until('10 more pages', async () => {
      longestSweep = Math.max(longestSweep, (await records.getSweeperStatus(B))?.report.durationMs ?? 0);
      return pagedAlone().length >= 10;
    });
    /** A sweep period as it really is here: the schedule's, or a sweep's own length if longer (a busy machine). */
    const period = Math.max(PERIOD, longestSweep);
    const alone = pagedAlone();
    expect(alone.map((n) => n.detail.logger).sort()).toEqual(secondWave.sort());
    for (const page of alone) {
      expect(page.detail.listener).toBe(B);
      expect(at(page) - Date.parse(String(page.detail.deadline))).toBeLessThanOrEqual(2 * period);
    }
    await until('LISTENER_SILENT', () => written(dirB, 'LISTENER_SILENT').length >= 1);
    const [silent] = written(dirB, 'LISTENER_SILENT');
    expect(silent?.detail).toMatchObject({ watcher: B, twin: A, listener: B });
    expect(silent?.detail.message).toBe(
      `Listener ${A} has not swept within two periods (last seen ${new Date(lastOfA).toISOString()}); Listener ${B} is paging alone.`,
    );
    expect(at(silent as Written) - lastOfA).toBeGreaterThan(2 * PERIOD);

    // A restarts in its directory: it reuses the DynamoDB Local its twin uses (never stops it), and B
    // says once that A is back.
    const restarted = await start([...PAIR, '--in-memory', '--listener-name', A], dirA);
    expect(restarted.output()).toContain(`Reusing DynamoDB Local (pid ${java})`);
    expect(javasFor(dirA)).toEqual([java]);
    await until('LISTENER_RECOVERED', () => written(dirB, 'LISTENER_RECOVERED').length >= 1);
    await until('both swept twice more', settled(at(written(dirB, 'LISTENER_RECOVERED')[0] as Written)));

    expect(both('LISTENER_SILENT')).toHaveLength(1);
    expect(both('LISTENER_RECOVERED')).toHaveLength(1);
    expect(written(dirB, 'LISTENER_RECOVERED')[0]?.detail).toMatchObject({ watcher: B, twin: A });
    const all = both('LOGGER_SILENT');
    expect(all).toHaveLength(30);
    expect(new Set(all.map((n) => n.detail.logger)).size).toBe(30);
  }, 240_000); // two Listeners, one of them twice, and 30 Loggers' outages on a shared 2-core machine
});
