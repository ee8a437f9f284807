/**
 * What a ping leaves in its Logger's history beyond the write that recorded it (shared/domain/pings/history.ts):
 * its body, in an item of its own (one write, only when it has one), and — when the Logger's recent pings
 * reach a chunk — that chunk moved out (two writes, once every PING_CHUNK pings: 1.1 requests a ping).
 */

import type { Logger } from '../../domain/logger.js';
import { PING_CHUNK, type PingRequestFacts, pingBody } from '../../domain/pings/history.js';
import type { LoggerHistory } from '../../ports/logger-history.js';
import type { Log } from '../deps.js';

/**
 * Keeps `facts`' body and moves a full chunk out of `written` (the Logger as the ping's write left it). The
 * ping is recorded already, so a failure here is logged, never answered: a lost body is a lost excerpt, and
 * a chunk not moved out is moved by the next ping (the recent pings only grow meanwhile).
 */
export async function keepPing(
  deps: { readonly log: Log },
  history: LoggerHistory,
  written: Logger,
  facts: PingRequestFacts,
): Promise<void> {
  const body = pingBody(facts);
  try {
    if (body && written.pingSeq !== undefined) await history.keepBody(written, written.pingSeq, body);
    if ((written.recentPings?.length ?? 0) >= PING_CHUNK) await history.moveOut(written);
  } catch (error) {
    deps.log.warn('ping history not kept', { error: (error as Error).name });
  }
}
