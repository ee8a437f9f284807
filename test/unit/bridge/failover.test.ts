/**
 * The bridge's failover between a pair's two Listeners, on a fake clock: to the backup once the backoff has
 * counted the primary down (never on a 4xx), back to the primary when a probe finds it answering, and
 * through the drain nothing lost or applied twice.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLog } from '../../../bridge/log.js';
import type { RelayOutcome } from '../../../bridge/relay/client.js';
import { FailoverPolicy } from '../../../bridge/relay/failover.js';
import { RelayListeners } from '../../../bridge/relay/listeners.js';
import { Drainer } from '../../../bridge/spool/drain.js';
import { Spool } from '../../../bridge/spool/spool.js';
import { formatListenerLine } from '../../../bridge/status/status.js';
import type { RelayRecord } from '../../../shared/relay/protocol.js';

const SETTINGS = { failoverAfterFailures: 3, probeEveryMs: 60_000 };
const down: RelayOutcome = { kind: 'retry', reason: 'relay unreachable: ECONNREFUSED', down: true };
const busy: RelayOutcome = { kind: 'retry', reason: 'relay answered 429', retryAfterMs: 1_000, down: false };
const refused: RelayOutcome = { kind: 'malformed', status: 400 };

let clock: number;
const now = () => clock;
beforeEach(() => {
  clock = 1_000_000;
});

describe('the failover policy', () => {
  it('moves to the backup after the third failed attempt on the primary in a row, not before', () => {
    const policy = new FailoverPolicy(SETTINGS, true, now);
    expect(policy.failed('primary', true)).toBeUndefined();
    expect(policy.failed('primary', true)).toBeUndefined();
    clock += 7_000;
    expect(policy.failed('primary', true)).toBe('failed-over');
    expect(policy.snapshot()).toMatchObject({ active: 'backup', since: clock, failovers: 1 });
  });

  it('counts only failures in a row: any answer from the primary starts the count again', () => {
    const policy = new FailoverPolicy(SETTINGS, true, now);
    policy.failed('primary', true);
    policy.failed('primary', true);
    policy.answered('primary');
    policy.failed('primary', true);
    policy.failed('primary', true);
    expect(policy.active).toBe('primary');
  });

  it('never fails over on an answer: a 4xx is the batch’s or the token’s fault, a 429 a busy Listener', () => {
    const policy = new FailoverPolicy(SETTINGS, true, now);
    for (let i = 0; i < 10; i++) {
      policy.failed('primary', false);
      policy.answered('primary');
    }
    expect(policy.snapshot()).toMatchObject({ active: 'primary', primaryFailures: 0, failovers: 0 });
  });

  it('with one Listener only, keeps retrying it (with the backoff) as before', () => {
    const policy = new FailoverPolicy(SETTINGS, false, now);
    for (let i = 0; i < 10; i++) expect(policy.failed('primary', true)).toBeUndefined();
    expect(policy.active).toBe('primary');
    expect(policy.probeDue()).toBe(false);
  });

  it('probes the primary every probe period while on the backup, and fails back when it answers', () => {
    const policy = new FailoverPolicy(SETTINGS, true, now);
    for (let i = 0; i < 3; i++) policy.failed('primary', true);
    expect(policy.probeDue()).toBe(false);
    clock += 59_999;
    expect(policy.probeDue()).toBe(false);
    clock += 1;
    expect(policy.probeDue()).toBe(true);
    expect(policy.probed('unreachable: ECONNREFUSED')).toBeUndefined();
    expect(policy.snapshot()).toMatchObject({
      active: 'backup',
      lastProbeError: 'unreachable: ECONNREFUSED',
    });
    expect(policy.probeDue()).toBe(false);
    clock += 60_000;
    expect(policy.probed(undefined)).toBe('failed-back');
    const back = policy.snapshot();
    expect(back).toMatchObject({ active: 'primary', since: clock, failbacks: 1, primaryFailures: 0 });
    expect(back.lastProbeError).toBeUndefined();
  });

  it('asks a flapping primary less often: each quick relapse doubles the wait, up to 16 periods', () => {
    const policy = new FailoverPolicy(SETTINGS, true, now);
    const relapse = () => {
      for (let i = 0; i < 3; i++) policy.failed('primary', true);
    };
    relapse();
    const waits: number[] = [];
    for (let bounce = 0; bounce < 6; bounce++) {
      waits.push(policy.snapshot().probeWaitMs);
      clock += policy.snapshot().probeWaitMs;
      expect(policy.probeDue()).toBe(true);
      expect(policy.probed(undefined)).toBe('failed-back');
      // Health answers, relays fail: down again within a minute of the failback.
      clock += 30_000;
      relapse();
      expect(policy.active).toBe('backup');
    }
    expect(waits).toEqual([60_000, 120_000, 240_000, 480_000, 960_000, 960_000]);
    clock += 959_999;
    expect(policy.probeDue()).toBe(false);
  });

  it('trusts a primary again once it stayed up ten probe periods: the wait is back to one period', () => {
    const policy = new FailoverPolicy(SETTINGS, true, now);
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 3; i++) policy.failed('primary', true);
      clock += policy.snapshot().probeWaitMs;
      policy.probed(undefined);
      clock += 1_000;
    }
    for (let i = 0; i < 3; i++) policy.failed('primary', true);
    expect(policy.snapshot().probeWaitMs).toBe(480_000);
    clock += 480_000;
    policy.probed(undefined);
    clock += 10 * 60_000;
    for (let i = 0; i < 3; i++) policy.failed('primary', true);
    expect(policy.snapshot().probeWaitMs).toBe(60_000);
  });

  it('ignores the backup’s failures for the choice (the probe brings the primary back)', () => {
    const policy = new FailoverPolicy(SETTINGS, true, now);
    for (let i = 0; i < 3; i++) policy.failed('primary', true);
    for (let i = 0; i < 5; i++) expect(policy.failed('backup', true)).toBeUndefined();
    expect(policy.active).toBe('backup');
  });
});

describe('relaying through a pair', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bridge-failover-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  const hb = (id: string): RelayRecord => ({
    id,
    type: 'heartbeat',
    customer: 'geocust1',
    side: 'A',
    at: '2026-11-24T10:00:00Z',
  });

  /** Two fake Listeners over one table of applied record ids; the primary can be up, down, or die mid-batch. */
  function pair() {
    const applied = new Map<string, number>();
    const answered: Record<'primary' | 'backup', string[]> = { primary: [], backup: [] };
    const state = { primary: 'up' as 'up' | 'down' | 'dies-after-applying', backupUp: true };
    const apply = (role: 'primary' | 'backup', records: readonly RelayRecord[]): RelayOutcome => ({
      kind: 'results',
      results: records.map((r) => {
        const seen = applied.has(r.id);
        applied.set(r.id, (applied.get(r.id) ?? 0) + (seen ? 0 : 1));
        answered[role].push(r.id);
        return { id: r.id, status: seen ? ('duplicate' as const) : ('accepted' as const) };
      }),
    });
    const primary = async (records: readonly RelayRecord[]): Promise<RelayOutcome> => {
      if (state.primary === 'down') return down;
      if (state.primary === 'dies-after-applying') {
        apply('primary', records);
        state.primary = 'down';
        return { kind: 'retry', reason: 'relay unreachable: ECONNRESET', down: true };
      }
      return apply('primary', records);
    };
    const backup = async (records: readonly RelayRecord[]) =>
      state.backupUp ? apply('backup', records) : down;
    const probes: string[] = [];
    const policy = new FailoverPolicy(SETTINGS, true, now);
    const listeners = new RelayListeners({
      endpoints: {
        primary: { apiUrl: 'https://lnra.example', send: primary },
        backup: { apiUrl: 'https://lnrb.example', send: backup },
      },
      policy,
      probe: async (url) => {
        probes.push(url);
        return state.primary === 'up' ? undefined : 'unreachable: ECONNREFUSED';
      },
      log: silentLog,
    });
    return { applied, answered, state, policy, listeners, probes };
  }

  it('sends the batch that tipped the primary over to the backup at once', async () => {
    const { state, listeners, answered } = pair();
    state.primary = 'down';
    expect((await listeners.send([hb('r1')])).kind).toBe('retry');
    expect((await listeners.send([hb('r1')])).kind).toBe('retry');
    expect(await listeners.send([hb('r1')])).toMatchObject({
      kind: 'results',
      results: [{ status: 'accepted' }],
    });
    expect(answered.backup).toEqual(['r1']);
    expect(listeners.info).toMatchObject({
      active: 'backup',
      activeUrl: 'https://lnrb.example',
      primaryUrl: 'https://lnra.example',
      backupUrl: 'https://lnrb.example',
      since: clock,
      failovers: 1,
    });
  });

  it('stays on the primary through 4xx answers', async () => {
    const { listeners, policy } = pair();
    const refusing = new RelayListeners({
      endpoints: {
        primary: { apiUrl: 'p', send: async () => refused },
        backup: { apiUrl: 'b', send: async () => busy },
      },
      policy,
      probe: async () => undefined,
      log: silentLog,
    });
    for (let i = 0; i < 5; i++) await refusing.send([hb('bad')]);
    expect(policy.active).toBe('primary');
    expect(listeners.activeUrl()).toBe('https://lnra.example');
  });

  it('drains every record exactly once across both when the primary dies mid-batch, and fails back', async () => {
    const { applied, state, listeners, probes, policy } = pair();
    const spool = await Spool.open(dir, () => clock);
    const drainer = new Drainer({
      spool,
      send: listeners.send,
      log: silentLog,
      backoff: { baseMs: 1_000, maxMs: 60_000 },
      batchSize: 5,
      now,
      random: () => 1,
    });
    const ids = Array.from({ length: 30 }, (_, i) => `r${String(i).padStart(2, '0')}`);
    for (const id of ids.slice(0, 10)) await spool.put(hb(id), 'test');
    await drainer.drainOnce();
    // The primary applies the next batch and dies before it answers.
    for (const id of ids.slice(10, 20)) await spool.put(hb(id), 'test');
    state.primary = 'dies-after-applying';
    for (let i = 0; i < 5 && spool.depth > 0; i++) {
      const result = await drainer.drainOnce();
      clock += result.retryInMs ?? 0;
    }
    expect(spool.depth).toBe(0);
    expect(policy.active).toBe('backup');
    // Back on the primary once a probe finds it answering; the probe waits its period.
    await listeners.probeIfDue();
    state.primary = 'up';
    clock += SETTINGS.probeEveryMs;
    await listeners.probeIfDue();
    expect(probes).toEqual(['https://lnra.example']);
    expect(policy.active).toBe('primary');
    for (const id of ids.slice(20)) await spool.put(hb(id), 'test');
    await drainer.drainOnce();
    expect(spool.depth).toBe(0);
    expect([...applied.keys()].sort()).toEqual(ids);
    expect([...applied.values()].every((n) => n === 1)).toBe(true);
    expect(drainer.info.delivered + drainer.info.duplicates).toBe(30);
    expect(drainer.info.duplicates).toBe(5);
    expect(await spool.deadLetters()).toEqual([]);
  });
});

describe('what bridge status says about the Listeners', () => {
  const base = {
    primaryUrl: 'https://lnra.example',
    backupUrl: 'https://lnrb.example',
    failbacks: 0,
  };
  const at = Date.UTC(2026, 10, 24, 12);

  it('names the primary and since when, with the backup beside it', () => {
    const line = formatListenerLine(
      { ...base, active: 'primary', url: base.primaryUrl, since: new Date(at).toISOString(), failovers: 0 },
      at + 2 * 3_600_000,
    );
    expect(line).toBe(
      'listener primary https://lnra.example since 2026-11-24T12:00:00.000Z (2h ago); backup https://lnrb.example',
    );
  });

  it('says BACKUP, since when, and why the primary is not used', () => {
    const line = formatListenerLine(
      {
        ...base,
        active: 'backup',
        url: base.backupUrl,
        since: new Date(at).toISOString(),
        failovers: 1,
        lastProbeAt: new Date(at + 60_000).toISOString(),
        lastProbeError: 'unreachable: ECONNREFUSED',
      },
      at + 5 * 60_000,
    );
    expect(line).toContain('listener BACKUP https://lnrb.example since 2026-11-24T12:00:00.000Z (5m ago)');
    expect(line).toContain('the primary https://lnra.example does not answer');
    expect(line).toContain('unreachable: ECONNREFUSED');
    expect(line).toContain('failovers 1, failbacks 0');
  });

  it('says how often the primary is asked while it flaps', () => {
    const line = formatListenerLine(
      {
        ...base,
        active: 'backup',
        url: base.backupUrl,
        since: new Date(at).toISOString(),
        failovers: 3,
        lastProbeAt: new Date(at + 60_000).toISOString(),
        probeWaitMs: 240_000,
      },
      at + 5 * 60_000,
    );
    expect(line).toContain('(4m ago); asked every 240s)');
  });
});
