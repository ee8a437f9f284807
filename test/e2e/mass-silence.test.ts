/**
 * The mass-silence guard end to end, through `listener local` with small settings: Loggers imported
 * together and gone silent together raise ONE MASS_SILENCE, their LOGGER_SILENT pages are held until the
 * hold ends (or an operator releases them), those back meanwhile page nothing, and MASS_SILENCE_CLEARED
 * follows once. Timing-independent: it polls the notifications file with generous deadlines, and checks
 * "held until the hold's end" on the notifications' own times, not on when the test happened to look.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
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

const started: LocalListener[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((l) => l.stop()));
});

/** A local Listener whose guard trips at 3 Loggers, half the fleet, within 5 minutes, holding for `hold`. */
async function guardedListener(hold: string, extra: readonly string[] = []): Promise<LocalListener> {
  const listener = await startLocalListener([
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
  ]);
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

describe('mass silence through listener local', () => {
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
});
