import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkIntervalMargin, checkObservedIntervals } from '../../../../shared/domain/doctor.js';
import { isMissing } from '../../../../shared/domain/guards/mass-silence.js';
import { displayState, newLogger } from '../../../../shared/domain/logger.js';
import {
  type CronSchedule,
  canonicalZone,
  cronRhythm,
  cronSchedule,
  deadlineAfter,
  nextOccurrence,
} from '../../../../shared/domain/pings/schedule.js';
import { withSettings } from '../../../../shared/domain/settings.js';
import { phoneHome } from '../../../../shared/domain/transitions.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const iso = (ms: number) => new Date(ms).toISOString();
const at = (text: string) => Date.parse(text);

/** A cron Logger's settings as registration stores them (schedule + the rhythm it implies). */
function cronSettings(expression: string, timeZone: string, graceMs: number) {
  const schedule = cronSchedule(expression, timeZone, graceMs);
  return { schedule, ...cronRhythm(schedule), transport: 'https' as const };
}

describe('deadlineAfter', () => {
  it('is the receipt time plus the event timeout for an interval Logger', () => {
    const t = at('2026-12-07T12:00:00Z');
    expect(deadlineAfter({ eventTimeoutMs: 780 * MINUTE, heartbeatIntervalMs: 720 * MINUTE }, t)).toBe(
      t + 780 * MINUTE,
    );
  });

  it('is the next occurrence after a success plus the grace for a cron Logger', () => {
    const daily = cronSettings('0 2 * * *', 'Europe/Berlin', HOUR);
    // 02:10 CET on 7 December: due again at 02:00 CET (01:00Z) on the 8th, silent an hour later.
    expect(iso(deadlineAfter(daily, at('2026-12-07T01:10:00Z')))).toBe('2026-12-08T02:00:00.000Z');
    // A success exactly at an occurrence is that run's: the next one is due.
    expect(iso(deadlineAfter(daily, at('2026-12-08T01:00:00Z')))).toBe('2026-12-09T02:00:00.000Z');
  });
});

describe('a cron Logger across DST changes', () => {
  it('Europe/Berlin: a 02:30 job on the spring-forward night (02:00 → 03:00) is due at 03:00, then 02:30 CEST', () => {
    const job = cronSettings('30 2 * * *', 'Europe/Berlin', HOUR);
    const saturday = at('2026-03-28T01:40:00Z'); // 02:40 CET, after Saturday's run
    expect(iso(deadlineAfter(job, saturday) - HOUR)).toBe('2026-03-29T01:00:00.000Z'); // 03:00 CEST
    const sunday = at('2026-03-29T01:05:00Z');
    expect(iso(deadlineAfter(job, sunday) - HOUR)).toBe('2026-03-30T00:30:00.000Z'); // 02:30 CEST
  });

  it('Europe/Berlin: the autumn repeated hour (02:00–03:00 twice) runs a 02:30 job once', () => {
    const job = cronSettings('30 2 * * *', 'Europe/Berlin', HOUR);
    const first = deadlineAfter(job, at('2026-10-24T01:00:00Z')) - HOUR;
    expect(iso(first)).toBe('2026-10-25T00:30:00.000Z'); // 02:30 CEST, the first 02:30
    // A success after the first 02:30 is not due again at the second one (01:30Z, 02:30 CET), but Monday.
    expect(iso(deadlineAfter(job, first + 5 * MINUTE) - HOUR)).toBe('2026-10-26T01:30:00.000Z');
  });

  it('America/New_York: 02:30 on the spring-forward night is due at 03:00 EDT; 01:30 in November once', () => {
    const spring = cronSettings('30 2 * * *', 'America/New_York', HOUR);
    expect(iso(deadlineAfter(spring, at('2026-03-07T12:00:00Z')) - HOUR)).toBe('2026-03-08T07:00:00.000Z');
    const autumn = cronSettings('30 1 * * *', 'America/New_York', HOUR);
    const first = deadlineAfter(autumn, at('2026-10-31T12:00:00Z')) - HOUR;
    expect(iso(first)).toBe('2026-11-01T05:30:00.000Z'); // 01:30 EDT
    expect(iso(deadlineAfter(autumn, first + MINUTE) - HOUR)).toBe('2026-11-02T06:30:00.000Z'); // not 01:30 EST
  });

  it('keeps a daily job UP across the change when it succeeds at each local run', () => {
    const settings = cronSettings('0 2 * * *', 'Europe/Berlin', HOUR);
    let logger = newLogger({ customer: 'backup', side: 'A' }, settings, at('2026-03-27T12:00:00Z'));
    // Runs at 02:00 local and takes five minutes: 01:05Z in CET; on the night with no 02:00 at 03:00 CEST
    // (01:00Z, cron's rule), then 00:05Z in CEST.
    for (const run of ['2026-03-28T01:05:00Z', '2026-03-29T01:05:00Z', '2026-03-30T00:05:00Z']) {
      expect(at(run)).toBeLessThan(logger.deadline);
      logger = phoneHome(logger, at(run)).next;
      expect(logger.state).toBe('UP');
    }
    expect(iso(logger.deadline)).toBe('2026-03-31T01:00:00.000Z');
  });
});

const EXPRESSIONS = ['0 2 * * *', '30 4 * * 1-5', '0 */6 * * *', '15 3 1 * *', '*/10 * * * *', '0 9 * * MON'];
const ZONES = ['UTC', 'Europe/Berlin', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kolkata'];
// Parsed once each (validation samples a few hundred occurrences); the grace varies per case.
const parsedSchedules = EXPRESSIONS.flatMap((e) => ZONES.map((z) => cronSchedule(e, z, HOUR)));
const schedules = fc
  .record({
    parsed: fc.constantFrom(...parsedSchedules),
    graceMs: fc.integer({ min: 1, max: 48 * 60 }).map((m) => m * MINUTE),
  })
  .map(({ parsed, graceMs }): CronSchedule => ({ ...parsed, graceMs }));
// 2026–2030: every DST change of those zones in five years.
const instants = fc.integer({ min: at('2026-01-01T00:00:00Z'), max: at('2031-01-01T00:00:00Z') });

describe('deadlineAfter (properties)', () => {
  it('is later than the success, and the deadline minus the grace is the next occurrence after it', () => {
    fc.assert(
      fc.property(schedules, instants, (schedule: CronSchedule, success) => {
        const deadline = deadlineAfter({ eventTimeoutMs: DAY, heartbeatIntervalMs: DAY, schedule }, success);
        const occurrence = deadline - schedule.graceMs;
        expect(deadline).toBeGreaterThan(success);
        expect(occurrence).toBeGreaterThan(success);
        // An occurrence: the schedule, asked from just before it, lands on it; and none lies in between.
        expect(nextOccurrence(schedule, occurrence - 1)).toBe(occurrence);
        expect(nextOccurrence(schedule, success)).toBe(occurrence);
      }),
      { numRuns: 300 },
    );
  });

  it('an interval Logger: the deadline is the success plus the timeout', () => {
    fc.assert(
      fc.property(instants, fc.integer({ min: 1_000, max: 366 * DAY }), (success, timeout) => {
        expect(deadlineAfter({ eventTimeoutMs: timeout, heartbeatIntervalMs: 1 }, success)).toBe(
          success + timeout,
        );
      }),
    );
  });
});

describe('cronSchedule (validation)', () => {
  it('accepts five fields and canonical or lower-case zone names', () => {
    expect(cronSchedule(' 0  2 * * * ', 'europe/berlin', HOUR)).toEqual({
      kind: 'cron',
      expression: '0 2 * * *',
      timeZone: 'Europe/Berlin',
      graceMs: HOUR,
    });
    expect(canonicalZone('utc')).toBe('UTC');
  });

  it('refuses a misspelt zone, naming the nearest one and the accepted form', () => {
    expect(() => cronSchedule('0 2 * * *', 'Europe/Berln', HOUR)).toThrow(
      '"Europe/Berln" is not an IANA time zone (did you mean Europe/Berlin?): write an IANA time zone name as Area/City',
    );
    expect(() => canonicalZone('CET+1')).toThrow(/not an IANA time zone: write/);
  });

  it('refuses what is not a five-field cron expression, stating the accepted forms', () => {
    for (const bad of ['', '0 2 * *', '0 0 2 * * *', '61 2 * * *', 'every day']) {
      expect(() => cronSchedule(bad, 'UTC', HOUR)).toThrow(/is not a cron expression: write five fields/);
    }
  });

  it('refuses a cron that never fires, or less than once a year (29 February)', () => {
    expect(() => cronSchedule('0 0 30 2 *', 'UTC', HOUR)).toThrow(
      /never fires, or fires less than once a year/,
    );
    expect(() => cronSchedule('0 0 29 2 *', 'UTC', HOUR)).toThrow(/never fires/);
  });

  it('refuses a cron firing more often than every 5 minutes (an interval Logger costs less)', () => {
    expect(() => cronSchedule('* * * * *', 'UTC', HOUR)).toThrow(
      /fires more often than every 5m: give a job that frequent --interval and --timeout instead/,
    );
    expect(() => cronSchedule('0,3 * * * *', 'UTC', HOUR)).toThrow(/more often than every 5m/);
    expect(cronSchedule('*/5 * * * *', 'UTC', HOUR).expression).toBe('*/5 * * * *');
  });
});

describe('cronRhythm', () => {
  it('is the average gap, and the timeout exceeds it by the grace (the fleet rhythm’s margin)', () => {
    expect(cronRhythm(cronSchedule('0 2 * * *', 'UTC', HOUR))).toEqual({
      heartbeatIntervalMs: DAY,
      eventTimeoutMs: DAY + HOUR,
    });
    expect(cronRhythm(cronSchedule('0 */6 * * *', 'UTC', 30 * MINUTE)).heartbeatIntervalMs).toBe(6 * HOUR);
  });
});

describe('a cron Logger’s state and settings', () => {
  it('shows LATE once its occurrence passes without a success, not an interval after its last one', () => {
    const settings = cronSettings('0 2 * * *', 'UTC', HOUR);
    const up = phoneHome(
      newLogger({ customer: 'backup', side: 'A' }, settings, 0),
      at('2026-12-07T02:05:00Z'),
    ).next;
    expect(displayState(up, at('2026-12-08T01:59:00Z'))).toBe('UP');
    expect(displayState(up, at('2026-12-08T02:01:00Z'))).toBe('LATE');
  });

  it('moves a watched Logger’s deadline to the schedule when it becomes a cron Logger, and back', () => {
    const interval = {
      eventTimeoutMs: 780 * MINUTE,
      heartbeatIntervalMs: 720 * MINUTE,
      transport: 'https' as const,
    };
    const seen = phoneHome(
      newLogger({ customer: 'backup', side: 'A' }, interval, 0),
      at('2026-12-07T02:05:00Z'),
    ).next;
    const cron = withSettings(seen, cronSettings('0 2 * * *', 'UTC', HOUR));
    expect(iso(cron?.deadline ?? 0)).toBe('2026-12-08T03:00:00.000Z');
    expect(cron?.dueAt).toBe(cron?.deadline);
    const back = cron && withSettings(cron, interval);
    expect(back?.schedule).toBeUndefined();
    expect(back?.deadline).toBe(at('2026-12-07T02:05:00Z') + 780 * MINUTE);
  });
});

describe('a cron Logger in the fleet’s checks', () => {
  const settings = cronSettings('0 2 * * *', 'UTC', 30 * MINUTE);
  const seen = phoneHome(
    newLogger({ customer: 'backup', side: 'A' }, settings, 0),
    at('2026-12-07T02:05:00Z'),
  ).next;

  it('doctor checks its grace against the note’s 60 minutes, not an interval, and not its gaps', () => {
    expect(checkIntervalMargin(seen)).toEqual([
      expect.objectContaining({
        rule: 'interval-margin',
        severity: 'warning',
        message:
          'cron 0 2 * * * UTC, grace 30m: a grace under 60 minutes pages for a run that starts late or takes longer than that',
      }),
    ]);
    const weekly = { ...seen, arrivals: [at('2026-12-01T02:05:00Z'), at('2026-12-07T02:05:00Z')] };
    expect(checkObservedIntervals(weekly)).toEqual([]);
  });

  it('the mass-silence guard sees it missing from its occurrence (its interval mark), overdue after the grace', () => {
    const window = 10 * MINUTE;
    expect(isMissing(seen, at('2026-12-08T01:59:00Z'), window)).toBe(false);
    expect(isMissing(seen, at('2026-12-08T02:05:00Z'), window)).toBe(true);
    expect(isMissing(seen, at('2026-12-08T02:31:00Z'), window)).toBe(true);
  });
});
