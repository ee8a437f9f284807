/**
 * `listener logger set`: a registered Logger's settings changed in place — its token, history and state stay.
 * A conditional write on what was read (Fleet.updateSettings, guarded by revision and deadline): a heartbeat
 * or sweep landing meanwhile wins, and the change is worked out again from what it wrote.
 */
import { durationText, formatDuration } from '../domain/duration.js';
import { LoggerNotFoundError, StoreUnavailableError, ValidationError } from '../domain/errors.js';
import {
  formatLoggerId,
  type Logger,
  type LoggerId,
  type LoggerSettings,
  type PhoneHomeConfig,
  type Transport,
} from '../domain/logger.js';
import { type SettingChange, settingChanges, withSettings } from '../domain/settings.js';
import type { Fleet } from '../ports/fleet.js';
import { type Operator, record } from './admin.js';
import { checkSettings, defaultInterval } from './register.js';

/** The settings to change; what is left out stays as it is. */
export interface SettingsPatch {
  readonly eventTimeoutMs?: number;
  readonly heartbeatIntervalMs?: number;
  readonly transport?: Transport;
  /** Merged over the recorded one: a primary given alone keeps the recorded backup. */
  readonly phoneHome?: PhoneHomeConfig;
}

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
  const eventTimeoutMs = patch.eventTimeoutMs ?? logger.eventTimeoutMs;
  const heartbeatIntervalMs = patch.heartbeatIntervalMs ?? logger.heartbeatIntervalMs;
  const transport = patch.transport ?? logger.transport;
  if (patch.phoneHome && transport !== 'modem') {
    throw new ValidationError(
      `a Phone Home configuration (phone numbers) applies to modem Loggers only, and ${formatLoggerId(logger)} is ${transport}: add --transport modem`,
    );
  }
  // An HTTPS Logger dials nothing: a recorded modem configuration would only mislead doctor.
  const phoneHome =
    transport === 'modem' ? { ...logger.phoneHome, ...patch.phoneHome } : logger.phoneHome ? {} : undefined;
  if (patch.heartbeatIntervalMs === undefined && heartbeatIntervalMs >= eventTimeoutMs) {
    throw new ValidationError(
      `the new event timeout (${formatDuration(eventTimeoutMs)}) is not longer than ${formatLoggerId(logger)}'s heartbeat interval (${formatDuration(heartbeatIntervalMs)}): give --interval too, e.g. --interval ${durationText(defaultInterval(eventTimeoutMs))}`,
    );
  }
  return { eventTimeoutMs, heartbeatIntervalMs, transport, ...(phoneHome ? { phoneHome } : {}) };
}

/** Applies `patch` to Logger `id`; throws {@link LoggerNotFoundError} when it is not registered. */
export async function changeSettings(
  op: Operator,
  fleet: Fleet,
  id: LoggerId,
  patch: SettingsPatch,
): Promise<SettingsChange> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const before = await op.loggers.get(id);
    if (!before) throw new LoggerNotFoundError(formatLoggerId(id));
    const settings = patchedSettings(before, patch);
    const warnings = checkSettings(settings);
    const after = withSettings(before, settings);
    if (!after) return { before, changes: [], warnings };
    if (await fleet.updateSettings(before, after)) {
      const changes = settingChanges(before, after);
      await record(op, id, 'settings', changes.map((c) => `${c.setting} ${c.from} → ${c.to}`).join('; '));
      return { before, after, changes, warnings };
    }
  }
  throw new StoreUnavailableError(`${formatLoggerId(id)} is being updated by others; retry shortly`);
}
