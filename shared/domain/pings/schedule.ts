/**
 * A Logger's schedule: when it must phone home next. Either an interval (every heartbeat moves the deadline
 * `eventTimeout` ahead, the reference note's rule) or a cron expression in an IANA time zone with a grace (the
 * deadline is the next occurrence after the last success, plus the grace). One pure function,
 * {@link deadlineAfter}, answers both for registration, phone-homes, sweeps and settings changes, so the
 * sweeper and its due index only ever see a deadline. The cron arithmetic, DST included, is croner's.
 */
import { Cron } from 'croner';
import { formatDuration } from '../duration.js';
import { ValidationError } from '../errors.js';

/** Interval Loggers as before cron existed: a heartbeat every interval, silent after the timeout. */
export interface IntervalSchedule {
  readonly kind: 'interval';
  readonly eventTimeoutMs: number;
  readonly heartbeatIntervalMs: number;
}

/** A job run by cron: due at each occurrence of `expression` in `timeZone`, silent `graceMs` after it. */
export interface CronSchedule {
  readonly kind: 'cron';
  /** Five fields, as crontab writes them: minute hour day-of-month month day-of-week (`0 2 * * *`). */
  readonly expression: string;
  /** An IANA time zone, canonical spelling (`Europe/Berlin`, `UTC`). */
  readonly timeZone: string;
  readonly graceMs: number;
}

export type Schedule = IntervalSchedule | CronSchedule;

/**
 * What a Logger's schedule is stored as: `schedule` present means cron; absent, the interval of
 * `eventTimeoutMs`/`heartbeatIntervalMs` (every Logger registered before cron existed).
 */
export interface ScheduledSettings {
  readonly eventTimeoutMs: number;
  readonly heartbeatIntervalMs: number;
  readonly schedule?: CronSchedule;
}

/** The schedule a Logger follows. */
export function scheduleOf(settings: ScheduledSettings): Schedule {
  return (
    settings.schedule ?? {
      kind: 'interval',
      eventTimeoutMs: settings.eventTimeoutMs,
      heartbeatIntervalMs: settings.heartbeatIntervalMs,
    }
  );
}

/**
 * The deadline a success received at `receivedAt` (Listener clock) sets: `receivedAt + eventTimeout` for an
 * interval Logger; for a cron Logger the first occurrence strictly after `receivedAt`, plus its grace — a
 * wall-clock time in its zone, so a daily 02:00 job is due at 02:00 local on both sides of a DST change.
 */
export function deadlineAfter(settings: ScheduledSettings, receivedAt: number): number {
  const { schedule } = settings;
  if (!schedule) return receivedAt + settings.eventTimeoutMs;
  const next = nextOccurrence(schedule, receivedAt);
  // Validation refuses expressions that do not fire within a year; this only guards a stored oddity.
  return next === undefined ? receivedAt + settings.eventTimeoutMs : next + schedule.graceMs;
}

/** The first occurrence of `schedule` strictly after `after`, or undefined if it never fires again. */
export function nextOccurrence(
  schedule: Omit<CronSchedule, 'graceMs' | 'kind'>,
  after: number,
): number | undefined {
  return cronOf(schedule).nextRun(new Date(after))?.getTime();
}

/**
 * A cron Logger is LATE once the occurrence its deadline follows has passed without a success: its deadline
 * minus the grace. (Interval Loggers: their last phone-home plus their interval.)
 */
export function lateAfter(settings: ScheduledSettings, deadline: number, lastSeenAt: number): number {
  return settings.schedule ? deadline - settings.schedule.graceMs : lastSeenAt + settings.heartbeatIntervalMs;
}

/** `cron 0 2 * * * Europe/Berlin, grace 1h` (and nothing for an interval Logger: callers say timeout/interval). */
export function describeCron(schedule: CronSchedule): string {
  return `cron ${schedule.expression} ${schedule.timeZone}, grace ${formatDuration(schedule.graceMs)}`;
}

/** What a person reads: `cron 0 2 * * * Europe/Berlin, grace 1h`, or `interval 12h, timeout 13h`. */
export function scheduleText(settings: ScheduledSettings): string {
  return settings.schedule
    ? describeCron(settings.schedule)
    : `interval ${formatDuration(settings.heartbeatIntervalMs)}, timeout ${formatDuration(settings.eventTimeoutMs)}`;
}

/** A cron Logger's next run it must report: the occurrence its deadline follows (`deadline − grace`). */
export function dueOccurrence(schedule: CronSchedule, deadline: number): number {
  return deadline - schedule.graceMs;
}

/** A cron schedule as `--json` carries it: expression, zone, grace, and the run it is due for. */
export function cronJson(schedule: CronSchedule, deadline: number) {
  return {
    kind: 'cron' as const,
    expression: schedule.expression,
    timeZone: schedule.timeZone,
    graceSeconds: schedule.graceMs / 1_000,
    nextDueAt: new Date(dueOccurrence(schedule, deadline)).toISOString(),
  };
}

/** The shortest gap between occurrences a cron Logger may have: more frequent jobs are interval Loggers. */
export const MIN_CRON_GAP_MS = 5 * 60_000;
/** A cron Logger must fire at least once a year (the longest duration the Listener times). */
export const MAX_CRON_GAP_MS = 366 * 86_400_000;
/** Occurrences sampled to find a schedule's gaps: enough for any weekly pattern at the shortest gap. */
const SAMPLED_RUNS = 300;
/** Gaps are sampled from a fixed instant so that the same schedule always has the same rhythm. */
const SAMPLED_FROM = Date.UTC(2026, 0, 1);

export const CRON_FORMS =
  'five fields, minute hour day-of-month month day-of-week, as crontab writes them: e.g. "0 2 * * *" (02:00 daily), "30 4 * * 1-5" (04:30 on weekdays), "0 */6 * * *" (every 6 hours), "@daily"';
export const ZONE_FORMS =
  'an IANA time zone name as Area/City: e.g. Europe/Berlin, America/New_York, Asia/Tokyo, or UTC';

/**
 * A checked cron schedule: the expression croner reads as five fields, the zone's canonical name, and a
 * rhythm within bounds (fires within a year, never twice within {@link MIN_CRON_GAP_MS}). Throws a
 * {@link ValidationError} naming the accepted forms.
 */
export function cronSchedule(expression: string, timeZone: string, graceMs: number): CronSchedule {
  const zone = canonicalZone(timeZone);
  const text = expression.trim().replace(/\s+/g, ' ');
  try {
    cronOf({ expression: text, timeZone: zone });
  } catch {
    throw new ValidationError(`"${expression}" is not a cron expression: write ${CRON_FORMS}`);
  }
  const schedule: CronSchedule = { kind: 'cron', expression: text, timeZone: zone, graceMs };
  const { shortestGapMs, longestGapMs } = sampledGaps(schedule);
  if (longestGapMs === undefined || longestGapMs > MAX_CRON_GAP_MS) {
    throw new ValidationError(
      `the cron expression "${text}" never fires, or fires less than once a year: write ${CRON_FORMS}`,
    );
  }
  if (shortestGapMs < MIN_CRON_GAP_MS) {
    throw new ValidationError(
      `the cron expression "${text}" fires more often than every ${formatDuration(MIN_CRON_GAP_MS)}: give a job that frequent --interval and --timeout instead`,
    );
  }
  return schedule;
}

/**
 * The interval and timeout a cron Logger is stored with, for what counts a fleet's rhythm (the mass-silence
 * guard's expected phone-homes, shared/domain/guards/mass-silence.ts): its average gap between occurrences, and
 * that plus its grace — so timeout − interval is the grace, and its "interval mark" is its occurrence.
 */
export function cronRhythm(schedule: CronSchedule): { eventTimeoutMs: number; heartbeatIntervalMs: number } {
  const { averageGapMs } = sampledGaps(schedule);
  const heartbeatIntervalMs = Math.round(averageGapMs / 1_000) * 1_000;
  return { heartbeatIntervalMs, eventTimeoutMs: heartbeatIntervalMs + schedule.graceMs };
}

interface SampledGaps {
  readonly shortestGapMs: number;
  readonly longestGapMs?: number;
  readonly averageGapMs: number;
}

/** Sampled once per schedule (a few hundred croner steps, ~0.2 s): validation and rhythm both ask. */
const sampled = new Map<string, SampledGaps>();

function sampledGaps(schedule: CronSchedule): SampledGaps {
  const key = `${schedule.timeZone} ${schedule.expression}`;
  const known = sampled.get(key);
  if (known) return known;
  const gaps = sampleGaps(schedule);
  if (sampled.size >= PARSED_KEPT) sampled.clear();
  sampled.set(key, gaps);
  return gaps;
}

function sampleGaps(schedule: CronSchedule): SampledGaps {
  const runs = cronOf(schedule)
    .nextRuns(SAMPLED_RUNS, new Date(SAMPLED_FROM))
    .map((run) => run.getTime());
  const first = runs[0];
  const gaps = runs.slice(1).map((run, i) => run - (runs[i] ?? run));
  if (first === undefined || first - SAMPLED_FROM > MAX_CRON_GAP_MS || gaps.length === 0) {
    return { shortestGapMs: 0, averageGapMs: 0 };
  }
  return {
    shortestGapMs: Math.min(...gaps),
    longestGapMs: Math.max(first - SAMPLED_FROM, ...gaps),
    averageGapMs: gaps.reduce((sum, gap) => sum + gap, 0) / gaps.length,
  };
}

/** `europe/berlin` → `Europe/Berlin`; a name the tz database lacks is refused, with the nearest one if any. */
export function canonicalZone(timeZone: string): string {
  const text = timeZone.trim();
  const known = Intl.supportedValuesOf('timeZone');
  const exact = known.find((zone) => zone.toLowerCase() === text.toLowerCase());
  if (exact) return exact;
  if (/^(utc|etc\/utc|gmt)$/i.test(text)) return 'UTC';
  try {
    // Aliases (`US/Eastern`, `Asia/Calcutta`) are IANA names too: Intl resolves them.
    const resolved = new Intl.DateTimeFormat('en', { timeZone: text }).resolvedOptions().timeZone;
    if (/^[A-Za-z]+(\/[A-Za-z0-9_+-]+)+$/.test(text)) return resolved;
  } catch {
    // Not a zone: refused below.
  }
  const near = nearestZone(text, known);
  throw new ValidationError(
    `"${timeZone}" is not an IANA time zone${near ? ` (did you mean ${near}?)` : ''}: write ${ZONE_FORMS}`,
  );
}

/** The known zone within two typing mistakes of `text`, if exactly one is nearest. */
function nearestZone(text: string, known: readonly string[]): string | undefined {
  const scored = known.map((zone) => [zone, editDistance(text.toLowerCase(), zone.toLowerCase())] as const);
  const best = Math.min(...scored.map(([, d]) => d));
  const nearest = scored.filter(([, d]) => d === best);
  return best <= 2 && nearest.length === 1 ? nearest[0]?.[0] : undefined;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min((previous[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
    }
    previous = row;
  }
  return previous[b.length] ?? 0;
}

/** Parsed schedules: a sweep or a burst of pings re-reads the same few expressions. */
const parsed = new Map<string, Cron>();
const PARSED_KEPT = 1_000;

/** croner's reading of a schedule: five fields only (no seconds), day-of-month OR day-of-week as crontab. */
function cronOf(schedule: Omit<CronSchedule, 'graceMs' | 'kind'>): Cron {
  const key = `${schedule.timeZone} ${schedule.expression}`;
  const known = parsed.get(key);
  if (known) return known;
  const cron = new Cron(schedule.expression, { timezone: schedule.timeZone, mode: '5-part', paused: true });
  if (parsed.size >= PARSED_KEPT) parsed.clear();
  parsed.set(key, cron);
  return cron;
}
