/**
 * Changing a registered Logger's settings (bulk import, `logger set`). Pure: a Logger and new settings in, the Logger to
 * write out. Its token, history and state stay; a watched Logger's deadline follows the new timeout.
 */
import { formatDuration } from './duration.js';
import {
  deadlineAfter,
  type Logger,
  type LoggerSettings,
  type PhoneHomeConfig,
  type PhoneHomeTarget,
} from './logger.js';
import { watchDueAt } from './runs.js';

export type ChangeableSettings = Pick<
  LoggerSettings,
  'eventTimeoutMs' | 'heartbeatIntervalMs' | 'transport'
> &
  Pick<LoggerSettings, 'phoneHome'>;

/** Whether `logger` already has `settings` (a Phone Home configuration left out of `settings` is kept). */
export function hasSettings(logger: Logger, settings: ChangeableSettings): boolean {
  return (
    logger.eventTimeoutMs === settings.eventTimeoutMs &&
    logger.heartbeatIntervalMs === settings.heartbeatIntervalMs &&
    logger.transport === settings.transport &&
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
  readonly setting: 'timeout' | 'interval' | 'transport' | 'phone-home' | 'owner' | 'note';
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
    ['timeout', formatDuration(before.eventTimeoutMs), formatDuration(after.eventTimeoutMs)],
    ['interval', formatDuration(before.heartbeatIntervalMs), formatDuration(after.heartbeatIntervalMs)],
    ['transport', before.transport, after.transport],
    ['phone-home', phoneHome(before), phoneHome(after)],
    ['owner', quoted(before.owner), quoted(after.owner)],
    ['note', quoted(before.note), quoted(after.note)],
  ];
  return pairs.filter(([, from, to]) => from !== to).map(([setting, from, to]) => ({ setting, from, to }));
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
  const { phoneHome, ...rest } = settings;
  const changed: Logger = { ...logger, ...rest, ...(phoneHome === undefined ? {} : { phoneHome }) };
  if (logger.state !== 'NEW' && logger.state !== 'UP') return changed;
  const deadline = deadlineAfter(logger.lastSeenAt ?? logger.registeredAt, settings.eventTimeoutMs);
  // A running job's due time (its run's grace end, runs.ts) follows the new grace as the deadline does.
  const watched = logger.dueAt === watchDueAt(logger);
  const dueAt = watched ? watchDueAt({ ...changed, deadline }) : logger.dueAt;
  return { ...changed, deadline, ...(dueAt === undefined ? {} : { dueAt }) };
}
