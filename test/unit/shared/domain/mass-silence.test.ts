import { describe, expect, it } from 'vitest';
import {
  clearMassSilence,
  commonSites,
  DEFAULT_MASS_SILENCE,
  expectedInWindow,
  holdFor,
  isMassSilence,
  isMissing,
  isOver,
  likelyCause,
  type MassSilence,
  massSilenceDelivered,
  NO_MASS_SILENCE,
  raiseMassSilence,
  recentlyDown,
  releaseMassSilence,
  sightingRanges,
  withSweep,
} from '../../../../shared/domain/guards/mass-silence.js';
import type { Logger } from '../../../../shared/domain/logger.js';
import {
  consoleLine,
  massSilenceNotification,
  messageAttributes,
  subject,
} from '../../../../shared/domain/notices/notification.js';
import {
  dropHeld,
  outboxPublished,
  phoneHome,
  releaseHeld,
  sweepLogger,
} from '../../../../shared/domain/transitions.js';
import { LISTENER, MINUTE, T0, upLogger } from '../../fixtures.js';

const settings = DEFAULT_MASS_SILENCE;
const sighting = {
  count: 30,
  customers: ['geocust2', 'geocust1', 'geocust1'],
  transports: ['modem' as const],
};

function raised(now = T0): MassSilence {
  return raiseMassSilence(NO_MASS_SILENCE, now, { overdue: 30, watched: 100, sighting }, settings);
}

describe('the mass-silence threshold', () => {
  it('needs both at least minLoggers missing and at least the fraction of the phone-homes expected', () => {
    expect(isMassSilence(20, 100, settings)).toBe(true);
    expect(isMassSilence(19, 50, settings)).toBe(false); // too few Loggers, though 38 % of the fleet
    expect(isMassSilence(25, 1000, settings)).toBe(false); // 2.5 % of a large fleet: customers' own faults
    expect(isMassSilence(200, 1000, settings)).toBe(true);
  });

  it('adds up Loggers declared DOWN by earlier sweeps within the window only', () => {
    let state = withSweep(NO_MASS_SILENCE, T0, { down: 8, held: 0 }, settings.windowMs);
    state = withSweep(state, T0 + 5 * MINUTE, { down: 7, held: 0 }, settings.windowMs);
    expect(recentlyDown(state, T0 + 9 * MINUTE, settings.windowMs)).toBe(15);
    expect(recentlyDown(state, T0 + 11 * MINUTE, settings.windowMs)).toBe(7);
  });
});

describe('raising and clearing', () => {
  it('raises once with one MASS_SILENCE notice naming how many, which customers and the likely cause', () => {
    const state = raised();
    expect(state).toMatchObject({ active: true, since: T0, holdUntil: T0 + 15 * MINUTE, count: 30 });
    expect(state.outbox).toHaveLength(1);
    expect(state.outbox[0]).toMatchObject({
      kind: 'MASS_SILENCE',
      count: 30,
      customers: ['geocust1', 'geocust2'],
    });
    expect(state.outbox[0]?.cause).toContain('dial-in bridge');
    expect(state.revision).toBe(1);
  });

  it('names the shared cause it can see from the transports', () => {
    expect(likelyCause(['https', 'https'])).toContain('DNS');
    expect(likelyCause(['modem'])).toContain('carrier');
    expect(likelyCause(['modem', 'https'])).toContain('Listener itself');
  });

  it('names one customer, or one bridge site every silent modem Logger is bound to', () => {
    expect(likelyCause(['https'], ['geocust7', 'geocust7'])).toContain('customer geocust7');
    const sites = commonSites([['site2'], ['site1', 'site2'], ['site2', 'site3']]);
    expect(likelyCause(['modem'], ['a', 'b'], sites)).toContain('bridge site site2');
    // An unbound Logger among them: no site is shared by all.
    expect(commonSites([['site2'], undefined])).toEqual([]);
    expect(likelyCause(['modem'], ['a', 'b'], [])).toContain('dial-in bridge, its phone lines');
  });

  it('holds the pages for the hold from when the first of them falls due, not from the declaration', () => {
    const first = T0 + 55 * MINUTE;
    const facts = { overdue: 30, watched: 100, sighting: { ...sighting, firstDeadline: first } };
    expect(raiseMassSilence(NO_MASS_SILENCE, T0, facts, settings).holdUntil).toBe(first + 15 * MINUTE);
  });

  it('is over at the end of the hold, or when fewer than minLoggers are still held', () => {
    const state = raised();
    expect(isOver(state, T0 + MINUTE, 25, settings)).toBe(false);
    expect(isOver(state, T0 + MINUTE, 19, settings)).toBe(true);
    expect(isOver(state, T0 + 15 * MINUTE, 25, settings)).toBe(true);
    expect(isOver(NO_MASS_SILENCE, T0, 0, settings)).toBe(false);
  });

  it('clears with one MASS_SILENCE_CLEARED notice and forgets the window', () => {
    const cleared = clearMassSilence(raised(), T0 + 5 * MINUTE, 3);
    expect(cleared).toMatchObject({ active: false, count: 3, recent: [] });
    expect(cleared.outbox.map((n) => n.kind)).toEqual(['MASS_SILENCE', 'MASS_SILENCE_CLEARED']);
  });

  it('says when those still silent page: at the hold’s end when cleared early, now when it ended', () => {
    const text = (state: MassSilence) => {
      const notice = state.outbox.find((n) => n.kind === 'MASS_SILENCE_CLEARED');
      return notice ? consoleLine(massSilenceNotification(notice, LISTENER)) : '';
    };
    const early = text(clearMassSilence(raised(), T0 + 5 * MINUTE, 3));
    expect(early).toContain('when the hold ends at 2026-11-24T17:15:00.000Z');
    expect(early).not.toContain('as usual');
    expect(text(clearMassSilence(raised(), T0 + 15 * MINUTE, 3))).toContain('page their reps now');
  });

  it('keeps a notice until every ops channel delivered it', () => {
    const state = raised();
    const id = state.outbox[0]?.id ?? '';
    const half = massSilenceDelivered(state, new Map([[id, ['eventbridge']]]), ['eventbridge', 'sns']);
    expect(half.outbox[0]?.sent).toEqual(['eventbridge']);
    const all = massSilenceDelivered(half, new Map([[id, ['eventbridge', 'sns']]]), ['eventbridge', 'sns']);
    expect(all.outbox).toEqual([]);
  });

  it('an operator release ends the hold now and records who', () => {
    const release = { by: 'alice', at: T0 + MINUTE, drop: true, reason: 'bridge fixed', loggers: 30 };
    expect(releaseMassSilence(raised(), release)).toMatchObject({ holdUntil: T0 + MINUTE, release });
    expect(releaseMassSilence(NO_MASS_SILENCE, release)).toBeUndefined();
  });
});

describe('who is missing', () => {
  const logger = (deadline: number) => ({
    deadline,
    eventTimeoutMs: 780 * MINUTE,
    heartbeatIntervalMs: 720 * MINUTE,
  });
  const mark = (at: number) => at + 60 * MINUTE; // the deadline of a Logger whose interval mark is `at`

  it('counts a Logger past its interval mark by more than the grace, and one overdue within the window', () => {
    const window = settings.windowMs; // grace: 2 minutes
    expect(isMissing(logger(mark(T0 - 3 * MINUTE)), T0, window)).toBe(true);
    expect(isMissing(logger(mark(T0 - 1 * MINUTE)), T0, window)).toBe(false); // jitter
    expect(isMissing(logger(mark(T0 - 11 * MINUTE)), T0, window)).toBe(false); // before the window
    expect(isMissing(logger(T0 - 5 * MINUTE), T0, window)).toBe(true); // overdue
    expect(isMissing(logger(mark(T0 + MINUTE)), T0, window)).toBe(false); // not yet expected
  });

  it('looks for them in one narrow deadline range per margin, the overdue only when asked', () => {
    const window = settings.windowMs;
    expect(sightingRanges([60 * MINUTE], T0, window, false)).toEqual([
      { from: T0 + 50 * MINUTE, to: T0 + 58 * MINUTE },
    ]);
    expect(sightingRanges([60 * MINUTE], T0, window, true)).toHaveLength(2);
    // A margin inside the window overlaps the overdue range: one range.
    expect(sightingRanges([MINUTE * 5], T0, window, true)).toEqual([
      { from: T0 - 10 * MINUTE, to: T0 + 3 * MINUTE },
    ]);
  });

  it('expects Σ (window − grace)/interval phone-homes, at most one per watched Logger', () => {
    const rhythm = { loggers: 10_000, phoneHomesPerDay: 20_000, margins: [60 * MINUTE] };
    expect(expectedInWindow(rhythm, 10_000, settings.windowMs)).toBeCloseTo((10_000 * 8) / 720);
    expect(expectedInWindow({ ...rhythm, phoneHomesPerDay: 1e9 }, 9_000, settings.windowMs)).toBe(9_000);
    expect(expectedInWindow(undefined, 42, settings.windowMs)).toBe(42); // a counter without the rhythm
  });
});

describe('who is held', () => {
  it('holds only Loggers that went overdue in the silence, only while its hold lasts', () => {
    const state = raised();
    expect(holdFor(state, T0 - 5 * MINUTE, T0, settings.windowMs)).toBe(T0 + 15 * MINUTE);
    expect(holdFor(state, T0 + 3 * MINUTE, T0 + 4 * MINUTE, settings.windowMs)).toBe(T0 + 15 * MINUTE);
    // Overdue long before the storm: not part of it.
    expect(holdFor(state, T0 - 60 * MINUTE, T0, settings.windowMs)).toBeUndefined();
    expect(holdFor(state, T0, T0 + 15 * MINUTE, settings.windowMs)).toBeUndefined();
    expect(holdFor(NO_MASS_SILENCE, T0, T0, settings.windowMs)).toBeUndefined();
  });
});

describe('a held Logger', () => {
  const up = upLogger(T0);
  const hold = up.deadline + 15 * MINUTE;
  const heldDown = sweepLogger(up, up.deadline, { holdUntil: hold })?.next as Logger;

  it('goes DOWN with its page kept aside, not in the outbox, due again at the hold’s end', () => {
    expect(heldDown).toMatchObject({ state: 'DOWN', outbox: [], dueAt: hold });
    expect(heldDown.held?.notices.map((n) => n.kind)).toEqual(['LOGGER_SILENT']);
    expect(sweepLogger(heldDown, hold - 1)).toBeUndefined();
  });

  it('pages as usual at the hold’s end', () => {
    const released = sweepLogger(heldDown, hold);
    expect(released?.next.outbox.map((n) => n.kind)).toEqual(['LOGGER_SILENT']);
    expect(released?.next.held).toBeUndefined();
    expect(releaseHeld(heldDown, hold - MINUTE)?.next.outbox).toHaveLength(1);
  });

  it('coming back during the hold pages nothing, and after the release an all-clear as usual', () => {
    const back = phoneHome(heldDown, hold - MINUTE);
    expect(back.notice).toBeUndefined();
    expect(back.next).toMatchObject({ state: 'UP', outbox: [] });
    expect(back.next.held).toBeUndefined();
    const paged = outboxPublished(releaseHeld(heldDown, hold)?.next as Logger, [
      `geocust1/A#LOGGER_SILENT#${up.deadline}`,
    ]);
    expect(phoneHome(paged, hold + MINUTE).notice?.kind).toBe('LOGGER_RECOVERED');
  });

  it('dropped: stays DOWN, never pages, and its return pages nothing', () => {
    const dropped = dropHeld(heldDown, 'alice', hold - MINUTE) as Logger;
    expect(dropped.held).toMatchObject({ notices: [], dropped: { by: 'alice' } });
    expect(dropped.dueAt).toBeUndefined();
    expect(sweepLogger(dropped, hold + MINUTE)).toBeUndefined();
    expect(phoneHome(dropped, hold + MINUTE).notice).toBeUndefined();
  });
});

describe('the ops notification', () => {
  it('reads as MASS SILENCE with count, customers and hold end; no customer attribute to page a rep by', () => {
    const n = massSilenceNotification(raised().outbox[0] as never, LISTENER);
    expect(consoleLine(n)).toMatch(
      /^MASS SILENCE 30 Loggers of 100 watched .*geocust1, geocust2.*held until/,
    );
    expect(subject(n).length).toBeLessThanOrEqual(100);
    expect(messageAttributes(n)).toMatchObject({ kind: 'MASS_SILENCE', customer: '-', severity: 'critical' });
  });
});
