/**
 * Operators' use cases on one Logger (CLI): every change is a conditional write of a pure transition over
 * what was just read, retried when a heartbeat or the sweeper wrote first — never a blind overwrite.
 */
import { randomBytes } from 'node:crypto';
import { LoggerNotFoundError, StoreUnavailableError } from '../domain/errors.js';
import {
  type Acknowledgement,
  formatLoggerId,
  type Logger,
  type LoggerId,
  type MaintenanceWindow,
} from '../domain/logger.js';
import { generateToken, hashToken } from '../domain/token.js';
import {
  acknowledge,
  addMaintenance,
  pause,
  removeMaintenance,
  resume,
  unacknowledge,
} from '../domain/transitions.js';
import type { AuditAction, AuditEntry, AuditLog } from '../ports/audit-log.js';
import type { LoggerStore } from '../ports/logger-store.js';

/** Concurrent heartbeats can make an admin write lose a race a few times in a row, not forever. */
const MAX_ATTEMPTS = 5;

export interface Change {
  readonly before: Logger;
  /** Absent: `change` had nothing to do (e.g. pausing a paused Logger). */
  readonly after?: Logger;
}

/**
 * Applies `change` to the stored Logger `id` with a conditional write, reading again when another writer
 * won. Throws {@link LoggerNotFoundError} if it is not registered.
 */
export async function updateLogger(
  loggers: LoggerStore,
  id: LoggerId,
  change: (logger: Logger) => Logger | undefined,
): Promise<Change> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const before = await loggers.get(id);
    if (!before) throw new LoggerNotFoundError(formatLoggerId(id));
    const after = change(before);
    if (!after) return { before };
    if (await loggers.writeTransition(before, after)) return { before, after };
  }
  throw new StoreUnavailableError(`${formatLoggerId(id)} is being updated by others; retry shortly`);
}

/**
 * Gives a Logger a new token (shown once) and invalidates the old one: the hash is replaced only if it is
 * still the one read, so two concurrent rotations cannot both hand out a working token.
 */
export async function rotateToken(loggers: LoggerStore, id: LoggerId): Promise<string> {
  const current = await loggers.getWithToken(id);
  if (!current) throw new LoggerNotFoundError(formatLoggerId(id));
  const token = generateToken(id);
  if (!(await loggers.replaceToken(id, current.tokenHash, hashToken(token)))) {
    throw new StoreUnavailableError(
      `the token of ${formatLoggerId(id)} was rotated by someone else meanwhile; run the command again`,
    );
  }
  return token;
}

/** Removes a Logger, its events and markers; throws {@link LoggerNotFoundError} if it is not registered. */
export async function removeLogger(loggers: LoggerStore, id: LoggerId): Promise<number> {
  if (!(await loggers.get(id))) throw new LoggerNotFoundError(formatLoggerId(id));
  return loggers.remove(id);
}

/**
 * Who acts, through what, and where it is recorded. The CLI and the console call the same use cases below,
 * so an acknowledgement from the page and from `listener alarm ack` is one code path and one audit line.
 */
export interface Operator {
  readonly loggers: LoggerStore;
  /** Absent: nothing is recorded (a bare `--table` target without the audit record). */
  readonly audit?: AuditLog;
  readonly actor: string;
  readonly via: AuditEntry['via'];
  readonly now: number;
}

/** Appends what `op` did to Logger `id` to the audit record (if the target keeps one). */
export async function record(
  op: Operator,
  id: LoggerId,
  action: AuditAction,
  detail?: string,
): Promise<void> {
  await op.audit?.append({
    id: randomBytes(6).toString('hex'),
    at: op.now,
    loggerId: { customer: id.customer, side: id.side },
    action,
    actor: op.actor,
    via: op.via,
    ...(detail ? { detail } : {}),
  });
}

/** Owns a DOWN Logger's alarm; `after` is absent when there is no alarm to own. */
export async function acknowledgeAlarm(
  op: Operator,
  id: LoggerId,
  details: Pick<Acknowledgement, 'ticket' | 'note'> = {},
): Promise<Change> {
  const ack: Acknowledgement = { by: op.actor, at: op.now, ...details };
  const change = await updateLogger(op.loggers, id, (l) => acknowledge(l, ack));
  if (change.after) {
    const detail = [details.ticket && `ticket ${details.ticket}`, details.note].filter(Boolean).join('; ');
    await record(op, id, 'ack', detail);
  }
  return change;
}

/** Gives an acknowledged alarm back; reminders resume (if on) from now. */
export async function unacknowledgeAlarm(
  op: Operator,
  id: LoggerId,
  renotifyEveryMs?: number,
): Promise<Change> {
  const change = await updateLogger(op.loggers, id, (l) => unacknowledge(l, op.now, renotifyEveryMs));
  if (change.after) await record(op, id, 'unack', `was owned by ${change.before.ack?.by ?? 'nobody'}`);
  return change;
}

/** Stops watching a Logger until {@link resumeLogger}; `after` is absent if it was already paused. */
export async function pauseLogger(op: Operator, id: LoggerId): Promise<Change> {
  const change = await updateLogger(op.loggers, id, (l) => (l.state === 'PAUSED' ? undefined : pause(l)));
  if (change.after) await record(op, id, 'pause', `was ${change.before.state}`);
  return change;
}

/** Watches a paused Logger again with a full timeout from now; `after` is absent if it was not paused. */
export async function resumeLogger(op: Operator, id: LoggerId): Promise<Change> {
  const change = await updateLogger(op.loggers, id, (l) =>
    l.state === 'PAUSED' ? resume(l, op.now) : undefined,
  );
  if (change.after) {
    await record(op, id, 'resume', `next deadline ${new Date(change.after.deadline).toISOString()}`);
  }
  return change;
}

/** A new window id: `mw-` and six hex digits. */
export function newWindowId(): string {
  return `mw-${randomBytes(3).toString('hex')}`;
}

function describeWindow(w: MaintenanceWindow): string {
  const span = `${new Date(w.from).toISOString()} → ${new Date(w.to).toISOString()}`;
  return `${w.id} ${span}${w.reason ? ` (${w.reason})` : ''}`;
}

/** Adds the planned-work window to each Logger (each must be registered). */
export async function addMaintenanceWindow(
  op: Operator,
  ids: readonly LoggerId[],
  window: MaintenanceWindow,
): Promise<void> {
  for (const id of ids) {
    await updateLogger(op.loggers, id, (l) => addMaintenance(l, window, op.now));
    await record(op, id, 'maintenance-add', describeWindow(window));
  }
}

/** Ends a window on every Logger holding it; returns those Loggers (none: no such window). */
export async function endMaintenanceWindow(op: Operator, windowId: string): Promise<LoggerId[]> {
  const holders = (await op.loggers.list()).filter((l) => l.maintenance?.some((w) => w.id === windowId));
  for (const holder of holders) {
    const { after } = await updateLogger(op.loggers, holder, (l) => removeMaintenance(l, windowId));
    if (after) await record(op, holder, 'maintenance-remove', windowId);
  }
  return holders.map(({ customer, side }) => ({ customer, side }));
}
