/**
 * The mass-silence guard end to end, through `listener local` with small settings: Loggers imported
 * together and gone silent together raise ONE MASS_SILENCE, their LOGGER_SILENT pages are held until the
 * hold ends (or an operator releases them), those back meanwhile page nothing, and MASS_SILENCE_CLEARED
 * follows once. Timing-independent: it polls the notifications file with generous deadlines, and checks
 * "held until the hold's end" on the notifications' own times, not on when the test happened to look.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  FAST_LOCAL,
  type LocalListener,
  readNotifications,
  runCli,
  startLocalListener,
  sweptSince,
} from '../support/cli.js';

interface Line {
  readonly kind: string;
  readonly detail: {
    readonly logger?: string;
    readonly at?: string;
    readonly holdUntil?: string;
    readonly count?: number;
  };
}

const SILENT = ['storm1/A', 'storm2/A', 'storm3/A'];
const BACK = 'storm4/A';
/** Generous: a loaded 2-core machine may take tens of seconds per CLI call. */
const DEADLINE_MS = 240_000;

// The cases run concurrently (each waits on its own Listener's clock: holds, sweeps, a staggered fleet), so
// their Listeners are stopped together once all are done.
const started: LocalListener[] = [];
/** Four Listeners (four DynamoDB Local JVMs) start at once: on a loaded 2-core machine that takes a while. */
const CONCURRENT_START_MS = 180_000;
afterAll(async () => {
  await Promise.all(started.splice(0).map((l) => l.stop()));
});

/** A local Listener whose guard trips at 3 Loggers, half the fleet, within 5 minutes, holding for `hold`. */
async function guardedListener(hold: string, extra: readonly string[] = []): Promise<LocalListener> {
  const listener = await startLocalListener(
    [
      ...FAST_LOCAL,
      ...extra,
      '--mass-silence-min-loggers',
      '3',
      '--mass-silence-fraction',
      '0.5',
      '--mass-silence-window',
      '5m',
      '--mass-silence-hold',
      hold,
    ],
    undefined,
    undefined,
    CONCURRENT_START_MS,
  );
  started.push(listener);
  return listener;
}

const notifications = (listener: LocalListener): Line[] => {
  try {
    return readNotifications(listener.dir) as unknown as Line[];
  } catch {
    return []; // nothing written yet
  }
};
const ofKind = (listener: LocalListener, kind: string) =>
  notifications(listener).filter((n) => n.kind === kind);

async function until<T>(what: string, probe: () => T | undefined, timeoutMs = DEADLINE_MS): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * Imports the four storm Loggers in one CLI call: one registration time, so one deadline — `timeout` later
 * all four, never heard from, go silent together. Returns their tokens by Logger id.
 */
async function stormFleet(listener: LocalListener, timeout: string): Promise<Map<string, string>> {
  const csv = join(listener.dir, 'storm.csv');
  writeFileSync(
    csv,
    `customer,side,timeout,interval,transport\n${[...SILENT, BACK]
      .map((id) => `${id.replace('/', ',')},${timeout},,https`)
      .join('\n')}\n`,
  );
  const tokensFile = join(listener.dir, 'storm-tokens.csv');
  const imported = await runCli(['logger', 'import', csv, '--tokens-out', tokensFile, '--dir', listener.dir]);
  expect(imported.code, imported.stderr).toBe(0);
  return new Map(
    readFileSync(tokensFile, 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => line.split(',') as [string, string]),
  );
}

async function beat(listener: LocalListener, token: string): Promise<number> {
  const res = await fetch(`${listener.apiUrl}/v1/heartbeat`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
  });
  await res.arrayBuffer();
  return res.status;
}

/** Returns once the 1 s sweeper has swept twice more from now: what those sweeps sent is checked after. */
async function twoMoreSweeps(listener: LocalListener): Promise<void> {
  await sweptSince(listener.dir, Date.now(), 2, DEADLINE_MS);
}

/**
 * After the hold: MASS_SILENCE_CLEARED once, and one LOGGER_SILENT for each Logger still silent, sent at
 * the hold's end — none for the one that came back.
 */
async function heldThenPaged(listener: LocalListener, holdUntil: number): Promise<void> {
  await until('MASS_SILENCE_CLEARED', () => ofKind(listener, 'MASS_SILENCE_CLEARED')[0]);
  const silent = await until('the held pages', () => {
    const pages = ofKind(listener, 'LOGGER_SILENT');
    return pages.length >= SILENT.length ? pages : undefined;
  });
  expect(silent.map((n) => n.detail.logger).sort()).toEqual(SILENT);
  // Held, not dropped: each page went out at the hold's end, not when its Logger went silent.
  for (const page of silent) expect(Date.parse(page.detail.at ?? '')).toBeGreaterThanOrEqual(holdUntil);
  await twoMoreSweeps(listener);
  expect(ofKind(listener, 'MASS_SILENCE')).toHaveLength(1);
  expect(ofKind(listener, 'MASS_SILENCE_CLEARED')).toHaveLength(1);
  expect(
    ofKind(listener, 'LOGGER_SILENT')
      .map((n) => n.detail.logger)
      .sort(),
  ).toEqual(SILENT);
}

describe.concurrent('mass silence through listener local', () => {
  it('raises one MASS_SILENCE, holds the pages until the hold ends, pages only those still silent, clears once', async () => {
    const listener = await guardedListener('30s');
    const tokens = await stormFleet(listener, '15s');
    const raised = await until('MASS_SILENCE', () => ofKind(listener, 'MASS_SILENCE')[0]);
    expect(raised.detail.count).toBe(4);
    const holdUntil = Date.parse(raised.detail.holdUntil ?? '');
    expect(holdUntil).toBeGreaterThan(Date.parse(raised.detail.at ?? ''));
    // One comes back during the hold (30 s: the beat below follows the MASS_SILENCE at once) and keeps phoning home: its
    // held page never goes out.
    const backToken = tokens.get(BACK) ?? '';
    expect(await beat(listener, backToken)).toBe(200);
    expect(Date.now()).toBeLessThan(holdUntil);
    const keepBeating = setInterval(() => void beat(listener, backToken).catch(() => {}), 2_000);
    try {
      await heldThenPaged(listener, holdUntil);
    } finally {
      clearInterval(keepBeating);
    }
  }, 600_000);

  it('pages those still silent at once when an operator releases the hold', async () => {
    const listener = await guardedListener('1h');
    await stormFleet(listener, '15s');
    await until('MASS_SILENCE', () => ofKind(listener, 'MASS_SILENCE')[0]);
    expect(ofKind(listener, 'LOGGER_SILENT')).toEqual([]); // held: the hold lasts an hour
    const released = await runCli(['alarm', 'release-mass-silence', '--by', 'oncall', '--dir', listener.dir]);
    expect(released.code, released.stderr).toBe(0);
    expect(released.stdout).toContain('Paged 4 Loggers still silent (oncall)');
    const silent = await until('the released pages', () => {
      const pages = ofKind(listener, 'LOGGER_SILENT');
      return pages.length >= 4 ? pages : undefined;
    });
    expect(silent.map((n) => n.detail.logger).sort()).toEqual([...SILENT, BACK].sort());
    await until('MASS_SILENCE_CLEARED', () => ofKind(listener, 'MASS_SILENCE_CLEARED')[0]);
    await twoMoreSweeps(listener);
    expect(ofKind(listener, 'MASS_SILENCE')).toHaveLength(1);
    expect(ofKind(listener, 'MASS_SILENCE_CLEARED')).toHaveLength(1);
    expect(ofKind(listener, 'LOGGER_SILENT')).toHaveLength(4);
  }, 600_000);

  it('holds a storm that a sweep run by hand finds (the sweeper was down): one MASS_SILENCE, no page', async () => {
    // The scheduled sweeper effectively off: only the operator's `listener sweep` finds the storm.
    const listener = await guardedListener('1h', ['--sweep-every', '1h']);
    await stormFleet(listener, '2s');
    const pastDeadline = Date.now() + 2_500;
    await new Promise((r) => setTimeout(r, pastDeadline - Date.now()));
    const swept = await runCli(['sweep', '--json', '--dir', listener.dir]);
    expect(swept.code, swept.stderr).toBe(0);
    expect(JSON.parse(swept.stdout)).toMatchObject({ due: 4, held: 4, raised: 0 });
    expect(ofKind(listener, 'MASS_SILENCE')).toHaveLength(1);
    expect(ofKind(listener, 'LOGGER_SILENT')).toEqual([]);
    const again = await runCli(['sweep', '--json', '--dir', listener.dir]);
    expect(again.code, again.stderr).toBe(0);
    expect(ofKind(listener, 'MASS_SILENCE')).toHaveLength(1);
    expect(ofKind(listener, 'LOGGER_SILENT')).toEqual([]);
  }, 600_000);

  it('at 1:360 scale, declares a carrier outage of a staggered fleet before its first page falls due', async () => {
    // The note's defaults at 1:360: interval 120 s, timeout 130 s (a 10 s margin for the note's 60 min).
    // The guard sees 5 s back (grace 1 s); the hold outlasts the test, so any page would be a failure.
    const listener = await startLocalListener(
      [
        ...FAST_LOCAL,
        '--mass-silence-min-loggers',
        '2',
        '--mass-silence-fraction',
        '0.5',
        '--mass-silence-window',
        '5s',
        '--mass-silence-hold',
        '1h',
      ],
      undefined,
      undefined,
      CONCURRENT_START_MS,
    );
    started.push(listener);
    const tokens = await staggerFleet(listener, 60);
    const stoppedAt = Date.now();
    const raised = await until('MASS_SILENCE', () => ofKind(listener, 'MASS_SILENCE')[0]);
    // The first deadline: the Logger that phoned home first, 130 s before, well after the outage began.
    const firstDeadline = tokens.firstBeatAt + 130_000;
    expect(Date.parse(raised.detail.at ?? '')).toBeLessThan(firstDeadline);
    expect(Date.parse(raised.detail.at ?? '')).toBeGreaterThan(stoppedAt);
    await sweptSince(listener.dir, firstDeadline + 2_000, 2, DEADLINE_MS);
    expect(ofKind(listener, 'MASS_SILENCE')).toHaveLength(1);
    expect(ofKind(listener, 'LOGGER_SILENT')).toEqual([]);
  }, 600_000);
});

/**
 * Imports `count` Loggers (interval 120 s, timeout 130 s), has each phone home once, then once more at its
 * own moment of a 120 s interval (one every 2 s), as a real fleet's heartbeats are spread, then stops them
 * all. Returns when the last one phoned home, with when the staggered round began.
 */
async function staggerFleet(listener: LocalListener, count: number): Promise<{ firstBeatAt: number }> {
  const csv = join(listener.dir, 'staggered.csv');
  const rows = Array.from({ length: count }, (_, i) => `late${i},A,130s,120s,https`);
  writeFileSync(csv, `customer,side,timeout,interval,transport\n${rows.join('\n')}\n`);
  const tokensFile = join(listener.dir, 'staggered-tokens.csv');
  const imported = await runCli(['logger', 'import', csv, '--tokens-out', tokensFile, '--dir', listener.dir]);
  expect(imported.code, imported.stderr).toBe(0);
  const tokens = readFileSync(tokensFile, 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.split(',')[1] ?? '');
  // A first phone-home each, so no Logger is still NEW (its interval counted from the import) meanwhile.
  // One after another: sixty at once would meet local mode's bound on requests in flight (503, by design).
  for (const token of tokens) expect(await beat(listener, token)).toBe(200);
  const firstBeatAt = Date.now();
  for (const [i, token] of tokens.entries()) {
    const due = firstBeatAt + i * 2_000;
    await new Promise((r) => setTimeout(r, Math.max(0, due - Date.now())));
    expect(await beat(listener, token)).toBe(200);
  }
  return { firstBeatAt };
}
