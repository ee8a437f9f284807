/**
 * Changing a registered Logger's settings (bulk import, `logger set`). Pure: a Logger and new settings in, the Logger to
 * write out. Its token, history and state stay; a watched Logger's deadline follows the new timeout or schedule.
 */
import { formatDuration } from './duration.js';
import {
  deadlineAfter,
  type Logger,
  type LoggerSettings,
  type PhoneHomeConfig,
  type PhoneHomeTarget,
} from './logger.js';
import { watchDueAt } from './pings/runs.js';
import { describeCron } from './pings/schedule.js';

/** Settings as a change gives them: a `schedule` left out makes (or keeps) the Logger an interval Logger. */
export type ChangeableSettings = Pick<
  LoggerSettings,
  'eventTimeoutMs' | 'heartbeatIntervalMs' | 'transport'
> &
  Pick<LoggerSettings, 'phoneHome' | 'schedule'>;

/** Whether `logger` already has `settings` (a Phone Home configuration left out of `settings` is kept). */
export function hasSettings(logger: Logger, settings: ChangeableSettings): boolean {
  return (
    logger.eventTimeoutMs === settings.eventTimeoutMs &&
    logger.heartbeatIntervalMs === settings.heartbeatIntervalMs &&
    logger.transport === settings.transport &&
    scheduleText(logger) === scheduleText(settings) &&
    (settings.phoneHome === undefined || samePhoneHome(logger.phoneHome ?? {}, settings.phoneHome))
  );
}

/** Field by field: a stored map comes back from DynamoDB in any key order. */
function samePhoneHome(a: PhoneHomeConfig, b: PhoneHomeConfig): boolean {
  const same = (x?: PhoneHomeTarget, y?: PhoneHomeTarget) =>
    x?.phone === y?.phone && x?.listener === y?.listener;
  return same(a.primary, b.primary) && same(a.backup, b.backup);
}

/** One setting a change moves, for a person: `timeout 3m → 10m`. */
export interface SettingChange {
  readonly setting: 'schedule' | 'timeout' | 'interval' | 'transport' | 'phone-home' | 'owner' | 'note';
  readonly from: string;
  readonly to: string;
}

/** What moves from `before` to `after`, setting by setting (durations as `formatDuration` writes them). */
export function settingChanges(before: LoggerSettings, after: LoggerSettings): SettingChange[] {
  // `9,19191234567 (GEOCSCLNRA), backup 9,14081234567 (GEOCSCLNRB)`, or `none`.
  const phoneHome = ({ phoneHome: p }: LoggerSettings) =>
    !p?.primary && !p?.backup
      ? 'none'
      : [p.primary, p.backup].map((t) => (t ? `${t.phone} (${t.listener})` : 'none')).join(', backup ');
  const pairs: [SettingChange['setting'], string, string][] = [
    ['schedule', scheduleText(before), scheduleText(after)],
    ['timeout', formatDuration(before.eventTimeoutMs), formatDuration(after.eventTimeoutMs)],
    ['interval', formatDuration(before.heartbeatIntervalMs), formatDuration(after.heartbeatIntervalMs)],
    ['transport', before.transport, after.transport],
    ['phone-home', phoneHome(before), phoneHome(after)],
    ['owner', quoted(before.owner), quoted(after.owner)],
    ['note', quoted(before.note), quoted(after.note)],
  ];
  // A cron Logger's timeout and interval follow from its schedule: its schedule line says it all.
  const derived = (setting: string) =>
    (before.schedule || after.schedule) && (setting === 'timeout' || setting === 'interval');
  return pairs
    .filter(([setting, from, to]) => from !== to && !derived(setting))
    .map(([setting, from, to]) => ({ setting, from, to }));
}

/** `interval`, or `cron 0 2 * * * Europe/Berlin, grace 1h`: the kind of schedule, for a change line. */
function scheduleText({ schedule }: Pick<LoggerSettings, 'schedule'>): string {
  return schedule ? describeCron(schedule) : 'interval';
}

/** Operators' free text in a change line: `"NOC team"`, or `none`. */
const quoted = (text: string | undefined) => (text === undefined ? 'none' : JSON.stringify(text));

/**
 * `logger` with `settings`, or undefined when nothing changes. A NEW or UP Logger's deadline becomes its last
 * phone-home (or registration) plus the new timeout — a shorter timeout can make it overdue at once, and the
 * next sweep pages it as it would have with that timeout all along. Its due time follows the deadline unless
 * it was elsewhere (a pending notice's retry, a maintenance window's end). DOWN and PAUSED Loggers keep
 * theirs: a phone-home or `resume` computes the next deadline from the new timeout.
 */
export function withSettings(logger: Logger, settings: ChangeableSettings): Logger | undefined {
  if (hasSettings(logger, settings)) return undefined;
  const { phoneHome, schedule, ...rest } = settings;
  const { schedule: _was, ...unscheduled } = logger;
  const changed: Logger = {
    ...unscheduled,
    ...rest,
    ...(phoneHome === undefined ? {} : { phoneHome }),
    ...(schedule === undefined ? {} : { schedule }),
  };
  if (logger.state !== 'NEW' && logger.state !== 'UP') return changed;
  const deadline = deadlineAfter(changed, logger.lastSeenAt ?? logger.registeredAt);
  // A running job's due time (its run's grace end, runs.ts) follows the new grace as the deadline does.
  const watched = logger.dueAt === watchDueAt(logger);
  const dueAt = watched ? watchDueAt({ ...changed, deadline }) : logger.dueAt;
  return { ...changed, deadline, ...(dueAt === undefined ? {} : { dueAt }) };
}
