/**
 * The port that keeps a Logger's history (shared/domain/pings/history.ts): its recent pings (gathered in the
 * Logger item by the writes that record them, moved out here a chunk at a time), their bodies, and its past
 * outages, each written once, expiring after 90 days. Writes here never decide a state: they keep what a
 * conditional write on the Logger already decided.
 */

import type { Logger, LoggerId } from '../domain/logger.js';
import type { LoggerHistoryView, Outage, PingBody } from '../domain/pings/history.js';

export interface LoggerHistory {
  /** Keeps the body of Logger `id`'s ping number `seq` (one write; the body 100 pings older goes). */
  keepBody(id: LoggerId, seq: number, body: PingBody): Promise<void>;
  /**
   * Moves the oldest full chunks of `logger`'s recent pings (as a write left them) out of its item: each
   * put as a chunk (the one 100 pings older goes), then removed from the item by a write conditional on
   * them still being there. Two writes a chunk; nothing if another process moved them first.
   */
  moveOut(logger: Logger): Promise<void>;
  /** Records an outage of Logger `id` that just ended (one write, idempotent by its start). */
  recordOutage(id: LoggerId, outage: Outage): Promise<void>;
  /** Logger `id`'s pings and outages, newest first (a read of its item and one query). */
  read(id: LoggerId): Promise<LoggerHistoryView>;
}
