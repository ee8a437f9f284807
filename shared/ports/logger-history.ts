/**
 * The port that keeps a Logger's history (shared/domain/history.ts): its recent pings, a bounded ring of
 * slots, and its past outages, each written once, expiring after 90 days. Writes here never decide a
 * state: they record what a conditional write on the Logger already decided.
 */
import type { LoggerHistoryView, Outage, PingEntry } from '../domain/history.js';
import type { LoggerId } from '../domain/logger.js';

export interface LoggerHistory {
  /** Puts `entry` into its slot of Logger `id`'s ring (one write; a ping 100 older is overwritten). */
  recordPing(id: LoggerId, entry: PingEntry): Promise<void>;
  /** Records an outage of Logger `id` that just ended (one write, idempotent by its start). */
  recordOutage(id: LoggerId, outage: Outage): Promise<void>;
  /** Logger `id`'s pings and outages, newest first (one query). */
  read(id: LoggerId): Promise<LoggerHistoryView>;
}
