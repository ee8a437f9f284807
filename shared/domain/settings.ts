/**
 * Changing a registered Logger's settings (bulk import). Pure: a Logger and new settings in, the Logger to
 * write out. Its token, history and state stay; a watched Logger's deadline follows the new timeout.
 */
import { deadlineAfter, type Logger, type LoggerSettings } from './logger.js';

export type ChangeableSettings = Pick<LoggerSettings, 'eventTimeoutMs' | 'heartbeatIntervalMs' | 'transport'>;

/** Whether `logger` already has `settings`. */
export function hasSettings(logger: Logger, settings: ChangeableSettings): boolean {
  return (
    logger.eventTimeoutMs === settings.eventTimeoutMs &&
    logger.heartbeatIntervalMs === settings.heartbeatIntervalMs &&
    logger.transport === settings.transport
  );
}

/**
 * `logger` with `settings`, or undefined when nothing changes. A NEW or UP Logger's deadline becomes its last
 * phone-home (or registration) plus the new timeout — a shorter timeout can make it overdue at once, and the
 * next sweep pages it as it would have with that timeout all along. Its due time follows the deadline unless
 * it was elsewhere (a pending notice's retry, a maintenance window's end). DOWN and PAUSED Loggers keep
 * theirs: a phone-home or `resume` computes the next deadline from the new timeout.
 */
export function withSettings(logger: Logger, settings: ChangeableSettings): Logger | undefined {
  if (hasSettings(logger, settings)) return undefined;
  const changed: Logger = { ...logger, ...settings };
  if (logger.state !== 'NEW' && logger.state !== 'UP') return changed;
  const deadline = deadlineAfter(logger.lastSeenAt ?? logger.registeredAt, settings.eventTimeoutMs);
  const dueAt = logger.dueAt === logger.deadline ? deadline : logger.dueAt;
  return { ...changed, deadline, ...(dueAt === undefined ? {} : { dueAt }) };
}
