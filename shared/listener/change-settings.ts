/**
 * `listener logger set`: a registered Logger's settings changed in place — its token, history and state stay.
 * A conditional write on what was read (Fleet.updateSettings, guarded by revision and deadline): a heartbeat
 * or sweep landing meanwhile wins, and the change is worked out again from what it wrote.
 */

import { type ContactPatch, checkedContact, sameContact, withContact } from '../domain/contact.js';
import { durationText, formatDuration } from '../domain/duration.js';
import { LoggerNotFoundError, StoreUnavailableError, ValidationError } from '../domain/errors.js';
import {
  formatLoggerId,
  type Logger,
  type LoggerId,
  type LoggerSettings,
  MIN_TIMEOUT_MARGIN_MS,
  type PhoneHomeConfig,
  type Transport,
} from '../domain/logger.js';
import { cronRhythm, cronSchedule } from '../domain/pings/schedule.js';
import { type SettingChange, settingChanges, withSettings } from '../domain/settings.js';
import type { Fleet } from '../ports/fleet.js';
import { type Operator, record } from './admin.js';
import { checkSettings, defaultInterval } from './register.js';

/** The settings to change; what is left out stays as it is (an owner or note of `''` is removed). */
export interface SettingsPatch extends ContactPatch {
  readonly eventTimeoutMs?: number;
  readonly heartbeatIntervalMs?: number;
  readonly transport?: Transport;
  /** Merged over the recorded one: a primary given alone keeps the recorded backup. */
  readonly phoneHome?: PhoneHomeConfig;
  /**
   * A cron schedule, or part of one merged over the recorded one (`--grace 2h` alone keeps the expression and
   * zone). Exclusive with the timeout: a timeout makes a cron Logger an interval Logger again.
   */
  readonly cron?: CronPatch;
}

/** Parts of a cron schedule to change (shared/domain/pings/schedule.ts). */
export interface CronPatch {
  readonly expression?: string;
  readonly timeZone?: string;
  readonly graceMs?: number;
}

/** A cron Logger's grace when none is given: the reference note's 60-minute margin. */
export const DEFAULT_GRACE_MS = MIN_TIMEOUT_MARGIN_MS;

export interface SettingsChange {
  readonly before: Logger;
  /** Absent: the Logger already had these settings; nothing was written. */
  readonly after?: Logger;
  readonly changes: readonly SettingChange[];
  /** Advice a person should see (the reference note's 60-minute margin). */
  readonly warnings: readonly string[];
}

/** Concurrent heartbeats can make the write lose a race a few times in a row, not forever. */
const MAX_ATTEMPTS = 5;

/** The settings `logger` would have with `patch`; a ValidationError when they break the interval rule. */
export function patchedSettings(logger: Logger, patch: SettingsPatch): LoggerSettings {
  const timing = patchedTiming(logger, patch);
  const eventTimeoutMs = timing.eventTimeoutMs;
  const heartbeatIntervalMs = timing.heartbeatIntervalMs;
  const transport = patch.transport ?? logger.transport;
  if (patch.phoneHome && transport !== 'modem') {
    throw new ValidationError(
      `a Phone Home configuration (phone numbers) applies to modem Loggers only, and ${formatLoggerId(logger)} is ${transport}: add --transport modem`,
    );
  }
  // An HTTPS Logger dials nothing: a recorded modem configuration would only mislead doctor.
  const phoneHome =
    transport === 'modem' ? { ...logger.phoneHome, ...patch.phoneHome } : logger.phoneHome ? {} : undefined;
  if (!timing.schedule && patch.heartbeatIntervalMs === undefined && heartbeatIntervalMs >= eventTimeoutMs) {
    throw new ValidationError(
      `the new event timeout (${formatDuration(eventTimeoutMs)}) is not longer than ${formatLoggerId(logger)}'s heartbeat interval (${formatDuration(heartbeatIntervalMs)}): give --interval too, e.g. --interval ${durationText(defaultInterval(eventTimeoutMs))}`,
    );
  }
  return { ...timing, transport, ...(phoneHome ? { phoneHome } : {}) };
}

/** The timeout and interval, or the cron schedule and its rhythm, `logger` would have with `patch`. */
function patchedTiming(
  logger: Logger,
  patch: SettingsPatch,
): Pick<LoggerSettings, 'eventTimeoutMs' | 'heartbeatIntervalMs' | 'schedule'> {
  const name = formatLoggerId(logger);
  if (patch.cron && (patch.eventTimeoutMs !== undefined || patch.heartbeatIntervalMs !== undefined)) {
    throw new ValidationError(
      'a cron schedule and a timeout or interval exclude each other: give the one the Logger should follow',
    );
  }
  const stayingCron = logger.schedule && patch.eventTimeoutMs === undefined;
  if (stayingCron && patch.heartbeatIntervalMs !== undefined) {
    throw new ValidationError(
      `${name} follows a cron schedule, which has no heartbeat interval: give --timeout (and --interval) to make it an interval Logger, or --cron/--tz/--grace to change its schedule`,
    );
  }
  if (!patch.cron && !stayingCron) {
    return {
      eventTimeoutMs: patch.eventTimeoutMs ?? logger.eventTimeoutMs,
      heartbeatIntervalMs:
        patch.heartbeatIntervalMs ??
        (logger.schedule && patch.eventTimeoutMs !== undefined
          ? defaultInterval(patch.eventTimeoutMs)
          : logger.heartbeatIntervalMs),
    };
  }
  const expression = patch.cron?.expression ?? logger.schedule?.expression;
  const timeZone = patch.cron?.timeZone ?? logger.schedule?.timeZone;
  if (expression === undefined || timeZone === undefined) {
    throw new ValidationError(
      `${name} follows no cron schedule yet: give --cron and --tz together, e.g. --cron "0 2 * * *" --tz Europe/Berlin`,
    );
  }
  const schedule = cronSchedule(
    expression,
    timeZone,
    patch.cron?.graceMs ?? logger.schedule?.graceMs ?? DEFAULT_GRACE_MS,
  );
  return { ...cronRhythm(schedule), schedule };
}

/** Applies `patch` to Logger `id`; throws {@link LoggerNotFoundError} when it is not registered. */
export async function changeSettings(
  op: Operator,
  fleet: Fleet,
  id: LoggerId,
  patch: SettingsPatch,
): Promise<SettingsChange> {
  const contact = checkedContact(patch);
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const before = await op.loggers.get(id);
    if (!before) throw new LoggerNotFoundError(formatLoggerId(id));
    const settings = patchedSettings(before, patch);
    const warnings = checkSettings(settings);
    const moved = withSettings(before, settings);
    const after = withContact(moved ?? before, contact);
    if (!moved && sameContact(before, after)) return { before, changes: [], warnings };
    if (await fleet.updateSettings(before, after)) {
      const changes = settingChanges(before, after);
      await record(op, id, 'settings', changes.map((c) => `${c.setting} ${c.from} → ${c.to}`).join('; '));
      return { before, after, changes, warnings };
    }
  }
  throw new StoreUnavailableError(`${formatLoggerId(id)} is being updated by others; retry shortly`);
}
