/**
 * The Logger state machine. Pure: a Logger and `now` in, the next Logger (and the notice to publish) out.
 * The store turns a transition into one conditional write guarded by what was read, so a heartbeat that
 * arrives meanwhile wins and two sweepers raise exactly one alarm.
 */
import { deadlineAfter, formatLoggerId, type Logger, type StateNotice } from './logger.js';

/** What a Logger reported about itself in a heartbeat (kept for diagnosis; never used for deadlines). */
export interface PhoneHomeReport {
  readonly intervalMs?: number;
  readonly agent?: string;
}

/** The result of a transition: the Logger to write and, for a state change, the notice it recorded. */
export interface Transition {
  readonly next: Logger;
  readonly notice?: StateNotice;
}

/** How long a claimed outbox entry is left alone before another sweep may retry it. */
export const DEFAULT_OUTBOX_RETRY_MS = 30_000;

function noticeId(logger: Logger, kind: StateNotice['kind'], at: number): string {
  return `${formatLoggerId(logger)}#${kind}#${at}`;
}

/**
 * A heartbeat or event received at `receivedAt` (Listener clock): the deadline moves to
 * `receivedAt + eventTimeout`. `DOWN → UP` records a `LOGGER_RECOVERED` notice; a `PAUSED` Logger stays
 * paused (its arrival is still recorded). Pending notices keep the Logger due for their publication.
 */
export function phoneHome(
  logger: Logger,
  receivedAt: number,
  report: PhoneHomeReport = {},
  outboxRetryMs = DEFAULT_OUTBOX_RETRY_MS,
): Transition {
  const deadline = deadlineAfter(receivedAt, logger.eventTimeoutMs);
  const seen: Logger = {
    ...logger,
    lastSeenAt: receivedAt,
    ...(report.intervalMs === undefined ? {} : { reportedIntervalMs: report.intervalMs }),
    ...(report.agent === undefined ? {} : { agent: report.agent }),
  };
  if (logger.state === 'PAUSED') return { next: { ...seen, deadline } };
  if (logger.state !== 'DOWN') {
    const dueAt = logger.outbox.length > 0 ? logger.dueAt : deadline;
    return { next: withDue({ ...seen, state: 'UP', deadline }, dueAt) };
  }
  const silentSince = logger.lastSeenAt ?? logger.registeredAt;
  const notice: StateNotice = {
    id: noticeId(logger, 'LOGGER_RECOVERED', receivedAt),
    kind: 'LOGGER_RECOVERED',
    at: receivedAt,
    deadline,
    ...(logger.lastSeenAt === undefined ? {} : { lastSeenAt: logger.lastSeenAt }),
    silentForMs: receivedAt - silentSince,
  };
  const { downSince: _, ...rest } = seen;
  const next: Logger = {
    ...rest,
    state: 'UP',
    deadline,
    revision: logger.revision + 1,
    outbox: [...logger.outbox, notice],
    dueAt: receivedAt + outboxRetryMs,
  };
  return { next, notice };
}

/**
 * The sweeper's look at a Logger it found due: `NEW/UP → DOWN` once `now` has reached the deadline,
 * recording a `LOGGER_SILENT` notice. Anything else (a stale index entry, a paused Logger) is no transition.
 */
export function sweepLogger(
  logger: Logger,
  now: number,
  outboxRetryMs = DEFAULT_OUTBOX_RETRY_MS,
): Transition | undefined {
  if ((logger.state !== 'NEW' && logger.state !== 'UP') || now < logger.deadline) return undefined;
  const notice: StateNotice = {
    id: noticeId(logger, 'LOGGER_SILENT', logger.deadline),
    kind: 'LOGGER_SILENT',
    at: now,
    deadline: logger.deadline,
    ...(logger.lastSeenAt === undefined ? {} : { lastSeenAt: logger.lastSeenAt }),
  };
  const next: Logger = {
    ...logger,
    state: 'DOWN',
    downSince: now,
    revision: logger.revision + 1,
    outbox: [...logger.outbox, notice],
    dueAt: now + outboxRetryMs,
  };
  return { next, notice };
}

/** Claims a Logger's outbox for publication: pushes `dueAt` out so a concurrent sweep leaves it alone. */
export function claimOutbox(logger: Logger, now: number, outboxRetryMs = DEFAULT_OUTBOX_RETRY_MS): Logger {
  return { ...logger, dueAt: now + outboxRetryMs };
}

/**
 * After notices were published: drop them from the outbox and, once it is empty, make the Logger due at its
 * deadline again (never while DOWN or PAUSED: nothing is left to look for).
 */
export function outboxPublished(logger: Logger, publishedIds: readonly string[]): Logger {
  const outbox = logger.outbox.filter((notice) => !publishedIds.includes(notice.id));
  if (outbox.length > 0) return { ...logger, outbox };
  const watching = logger.state === 'NEW' || logger.state === 'UP';
  return withDue({ ...logger, outbox }, watching ? logger.deadline : undefined);
}

/** Pauses watching: no deadline is enforced and nothing is paged until {@link resume}. */
export function pause(logger: Logger): Logger {
  const { dueAt: _, ...rest } = logger;
  return withDue(
    { ...rest, state: 'PAUSED', revision: logger.revision + 1 },
    logger.outbox.length > 0 ? logger.dueAt : undefined,
  );
}

/** Resumes watching: the Logger gets a full event timeout from now (a pause is not silence). */
export function resume(logger: Logger, now: number): Logger {
  if (logger.state !== 'PAUSED') return logger;
  const deadline = deadlineAfter(now, logger.eventTimeoutMs);
  const state = logger.lastSeenAt === undefined ? 'NEW' : 'UP';
  return withDue(
    { ...logger, state, deadline, revision: logger.revision + 1 },
    logger.outbox.length > 0 ? logger.dueAt : deadline,
  );
}

function withDue(logger: Logger, dueAt: number | undefined): Logger {
  const { dueAt: _, ...rest } = logger;
  return dueAt === undefined ? rest : { ...rest, dueAt };
}
