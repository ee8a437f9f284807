import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLog } from '../../../bridge/log.js';
import type { RelayOutcome } from '../../../bridge/relay/client.js';
import { Drainer } from '../../../bridge/spool/drain.js';
import { Spool } from '../../../bridge/spool/spool.js';
import type { RelayRecord } from '../../../shared/relay/protocol.js';

const hb = (id: string): RelayRecord => ({
  id,
  type: 'heartbeat',
  customer: 'geocust1',
  side: 'A',
  at: '2026-11-04T10:15:00Z',
});

let dir: string;
let clock: number;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bridge-drain-'));
  clock = 1_000_000;
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function spoolWith(ids: string[]): Promise<Spool> {
  const spool = await Spool.open(dir, () => clock++);
  for (const id of ids) await spool.put(hb(id), 'test');
  return spool;
}

function drainer(
  spool: Spool,
  send: (records: readonly RelayRecord[]) => RelayOutcome,
  random = () => 0.5,
): Drainer {
  return new Drainer({
    spool,
    send: async (records) => send(records),
    log: silentLog,
    backoff: { baseMs: 1_000, maxMs: 60_000 },
    now: () => clock,
    random,
  });
}

const accept = (records: readonly RelayRecord[]): RelayOutcome => ({
  kind: 'results',
  results: records.map((r) => ({ id: r.id, status: 'accepted' as const })),
});

describe('spool', () => {
  it('keeps records across a reopen and deletes half-written temp files', async () => {
    await spoolWith(['a', 'b']);
    await writeFile(join(dir, 'spool', '.half.json.123.tmp'), '{"rec');
    const reopened = await Spool.open(dir);
    expect(reopened.list().map((e) => e.record.id)).toEqual(['a', 'b']);
    expect(await readdir(join(dir, 'spool'))).toHaveLength(2);
  });

  it('stores a record resent with the same id only once', async () => {
    const spool = await spoolWith(['a']);
    expect(await spool.put(hb('a'), 'test')).toBe('duplicate');
    expect(spool.depth).toBe(1);
  });
});

describe('drain', () => {
  it('sends oldest first in batches of at most 100 and empties the spool on accepted/duplicate', async () => {
    const ids = Array.from({ length: 150 }, (_, i) => `r${String(i).padStart(3, '0')}`);
    const spool = await spoolWith(ids);
    const batches: string[][] = [];
    const result = await drainer(spool, (records) => {
      batches.push(records.map((r) => r.id));
      return {
        kind: 'results',
        results: records.map((r, i) => ({
          id: r.id,
          status: i % 2 ? ('duplicate' as const) : ('accepted' as const),
        })),
      };
    }).drainOnce();
    expect(batches.map((b) => b.length)).toEqual([100, 50]);
    expect(batches.flat()).toEqual(ids);
    expect(result).toMatchObject({ delivered: 75, duplicates: 75, deadLettered: 0 });
    expect(spool.depth).toBe(0);
    expect(await readdir(join(dir, 'spool'))).toEqual([]);
  });

  it('moves a record the relay rejects to dead-letter/ with its reason', async () => {
    const spool = await spoolWith(['good', 'bad']);
    await drainer(spool, (records) => ({
      kind: 'results',
      results: records.map((r) =>
        r.id === 'bad'
          ? { id: r.id, status: 'rejected' as const, reason: 'unknown customer' }
          : { id: r.id, status: 'accepted' as const },
      ),
    })).drainOnce();
    expect(spool.depth).toBe(0);
    const [name] = await spool.deadLetters();
    expect(JSON.parse(await readFile(join(dir, 'dead-letter', name as string), 'utf8')).record.id).toBe(
      'bad',
    );
    expect(await readFile(join(dir, 'dead-letter', `${name}.reason`), 'utf8')).toContain('unknown customer');
  });

  it('splits a refused batch in halves until the bad record is alone, and delivers the others', async () => {
    const spool = await spoolWith(['a', 'b', 'c', 'd', 'e']);
    const delivered: string[] = [];
    let requests = 0;
    const result = await drainer(spool, (records) => {
      requests += 1;
      if (records.some((r) => r.id === 'd')) {
        return {
          kind: 'malformed',
          status: 400,
          error: { code: 'BAD_REQUEST', message: 'records.3.at is wrong' },
        };
      }
      delivered.push(...records.map((r) => r.id));
      return accept(records);
    }).drainOnce();
    expect(delivered.sort()).toEqual(['a', 'b', 'c', 'e']);
    expect(result.deadLettered).toBe(1);
    expect(spool.depth).toBe(0);
    expect(requests).toBeLessThanOrEqual(6);
  });

  it('dead-letters the record a refusal names, without splitting', async () => {
    const spool = await spoolWith(['a', 'b', 'c']);
    const sent: string[][] = [];
    await drainer(spool, (records) => {
      sent.push(records.map((r) => r.id));
      if (records.some((r) => r.id === 'b')) {
        return {
          kind: 'malformed',
          status: 413,
          error: { code: 'TOO_LARGE', message: 'too big', recordId: 'b' },
        };
      }
      return accept(records);
    }).drainOnce();
    expect(sent).toEqual([
      ['a', 'b', 'c'],
      ['a', 'c'],
    ]);
  });

  it('keeps everything spooled and backs off exponentially while the relay is down', async () => {
    const spool = await spoolWith(['a']);
    const d = drainer(
      spool,
      () => ({ kind: 'retry', reason: 'relay unreachable: ECONNREFUSED', down: true }),
      () => 1,
    );
    const delays = [];
    for (let i = 0; i < 4; i++) delays.push((await d.drainOnce()).retryInMs);
    expect(delays).toEqual([1_000, 2_000, 4_000, 8_000]);
    expect(spool.depth).toBe(1);
    expect(d.info.consecutiveFailures).toBe(4);
  });

  it("honours the relay's Retry-After", async () => {
    const spool = await spoolWith(['a']);
    const result = await drainer(spool, () => ({
      kind: 'retry',
      reason: 'relay answered 503',
      retryAfterMs: 42_000,
      down: true,
    })).drainOnce();
    expect(result.retryInMs).toBe(42_000);
  });

  it('keeps records spooled on 401 and reports the bad token', async () => {
    const spool = await spoolWith(['a']);
    const result = await drainer(spool, () => ({ kind: 'unauthorized', status: 401 })).drainOnce();
    expect(result.failure).toMatch(/TOKEN/);
    expect(spool.depth).toBe(1);
    expect(await spool.deadLetters()).toEqual([]);
  });

  it('resets the backoff after a success', async () => {
    const spool = await spoolWith(['a']);
    let up = false;
    const d = drainer(
      spool,
      (records) => (up ? accept(records) : { kind: 'retry', reason: 'down', down: true }),
      () => 1,
    );
    await d.drainOnce();
    await d.drainOnce();
    up = true;
    await d.drainOnce();
    expect(d.info.consecutiveFailures).toBe(0);
    expect(d.info.lastSuccessAt).toBe(clock);
  });
});

describe('records refused because their Logger is bound to another bridge site', () => {
  const reason = 'Logger geocust1/A is not bound to bridge site1 (bound to site2): bind it …';
  const refuseGeocust1A = (records: readonly RelayRecord[]): RelayOutcome => ({
    kind: 'results',
    results: records.map((r) =>
      r.customer === 'geocust1' && r.side === 'A'
        ? { id: r.id, status: 'refused' as const, reason }
        : { id: r.id, status: 'accepted' as const },
    ),
  });

  it('dead-letters them and logs once per Logger and reason, not per record, across drains', async () => {
    const spool = await spoolWith(['a', 'b', 'c']);
    await spool.put({ ...hb('d'), customer: 'geocust2' }, 'test');
    const lines: string[] = [];
    const drain = new Drainer({
      spool,
      send: async (records) => refuseGeocust1A(records),
      log: (level, _scope, message) => lines.push(`${level} ${message}`),
      backoff: { baseMs: 1_000, maxMs: 60_000 },
      now: () => clock,
    });
    expect(await drain.drainOnce()).toMatchObject({ delivered: 1, deadLettered: 3 });
    for (const id of ['e', 'f']) await spool.put(hb(id), 'test');
    await drain.drainOnce();
    expect(spool.depth).toBe(0);
    expect(await spool.deadLetters()).toHaveLength(5);
    expect(drain.info).toMatchObject({ refused: 5, deadLettered: 5, delivered: 1 });
    const refusals = lines.filter((l) => l.includes('refused'));
    expect(refusals).toEqual([
      `error records of geocust1/A refused by the relay (dead-lettered; logged once): ${reason}`,
    ]);
    expect(lines.filter((l) => l.includes('dead-lettered:'))).toEqual([]);
  });
});
