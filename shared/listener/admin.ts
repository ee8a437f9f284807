/**
 * Operators' use cases on one Logger (CLI): every change is a conditional write of a pure transition over
 * what was just read, retried when a heartbeat or the sweeper wrote first — never a blind overwrite.
 */
import { LoggerNotFoundError, StoreUnavailableError } from '../domain/errors.js';
import { formatLoggerId, type Logger, type LoggerId } from '../domain/logger.js';
import { generateToken, hashToken } from '../domain/token.js';
import type { LoggerStore } from '../ports.js';

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
  store: LoggerStore,
  id: LoggerId,
  change: (logger: Logger) => Logger | undefined,
): Promise<Change> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const before = await store.get(id);
    if (!before) throw new LoggerNotFoundError(formatLoggerId(id));
    const after = change(before);
    if (!after) return { before };
    if (await store.writeTransition(before, after)) return { before, after };
  }
  throw new StoreUnavailableError(`${formatLoggerId(id)} is being updated by others; retry shortly`);
}

/**
 * Gives a Logger a new token (shown once) and invalidates the old one: the hash is replaced only if it is
 * still the one read, so two concurrent rotations cannot both hand out a working token.
 */
export async function rotateToken(store: LoggerStore, id: LoggerId): Promise<string> {
  const current = await store.getWithToken(id);
  if (!current) throw new LoggerNotFoundError(formatLoggerId(id));
  const token = generateToken(id);
  if (!(await store.replaceToken(id, current.tokenHash, hashToken(token)))) {
    throw new StoreUnavailableError(
      `the token of ${formatLoggerId(id)} was rotated by someone else meanwhile; run the command again`,
    );
  }
  return token;
}

/** Removes a Logger, its events and markers; throws {@link LoggerNotFoundError} if it is not registered. */
export async function removeLogger(store: LoggerStore, id: LoggerId): Promise<number> {
  if (!(await store.get(id))) throw new LoggerNotFoundError(formatLoggerId(id));
  return store.remove(id);
}
