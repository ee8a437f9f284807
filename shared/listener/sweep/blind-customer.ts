/**
 * The sweeper's look at a DOWN Logger's twin, after its DOWN write is stored: how the twin is goes into the
 * alarm, and a customer with both sides DOWN gets exactly one critical CUSTOMER_BLIND page.
 *
 * Why it is exactly one, with single-item conditional writes only (shared/domain/guards/blind-customer.ts has the
 * store-then-load argument for "never missed"):
 * - Both sweepers may see the customer blind; both then claim the episode on the customer's blind record
 *   with one conditional write, and only the side that won raises the page.
 * - The winner adds the page to its own Logger by a write conditioned on that Logger as it was before the
 *   twin was read: the Logger unchanged from before the read until the write, and the twin DOWN at the
 *   read, prove both were DOWN at that moment. A twin back before the read is seen UP: no page.
 * - That write also records that the check is done, so a retry (after a crash or a lost write: the alarm
 *   stays `awaitingTwin` in the outbox, so the Logger stays due) can never add a second page.
 * - A winner that finds its Logger or the twin back before it could write raises nothing: the customer is
 *   no longer blind, and each side's own LOGGER_SILENT and LOGGER_RECOVERED pages have gone out.
 */
import { awaitsTwin, blindEpisode, customerBlind, twinSeen } from '../../domain/guards/blind-customer.js';
import { formatLoggerId, type Logger, twinOf } from '../../domain/logger.js';
import type { ListenerDeps } from '../deps.js';
import { describe } from '../notices/outbox.js';

/** What looking at the twin uses: the Logger store (both sides and the customer's blind record). */
export type BlindCustomerDeps = Pick<ListenerDeps, 'loggers' | 'outboxRetryMs' | 'log'>;

/** How often the winner's write may lose to another write on its own Logger before the next sweep retries. */
const MAX_ATTEMPTS = 3;

/** The twin as read strictly after the Logger's own write was stored (`undefined`: not registered). */
export interface TwinRead {
  readonly twin: Logger | undefined;
}

/**
 * `logger` is as the caller has just written (or claimed) it. Returns the Logger to publish: with the
 * look recorded (in memory, riding on the outbox write; or written, when it raised the blind page), or as
 * given when the look could not finish — the alarm then goes out without it and the next sweep looks again.
 * `readAfter`: the twin already read after that write (the sweep reads a page's twins in one request).
 * `claimId`: the caller's claim; a `CUSTOMER_BLIND` page it adds is the caller's to publish.
 */
export async function lookAtTwin(
  deps: BlindCustomerDeps,
  logger: Logger,
  now: number,
  claimId: string,
  readAfter?: TwinRead,
): Promise<Logger> {
  if (!awaitsTwin(logger)) return logger;
  try {
    return (await look(deps, logger, now, claimId, readAfter)) ?? logger;
  } catch (error) {
    deps.log.warn('looking at the twin failed; the next sweep looks again', {
      logger: formatLoggerId(logger),
      error: describe(error),
    });
    return logger;
  }
}

async function look(
  deps: BlindCustomerDeps,
  logger: Logger,
  now: number,
  claimId: string,
  readAfter: TwinRead | undefined,
): Promise<Logger | undefined> {
  let self = logger;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    // Read strictly after `self` was stored (written or read): the order the argument rests on.
    const twin = attempt === 0 && readAfter ? readAfter.twin : await deps.loggers.get(twinOf(self));
    if (self.state !== 'DOWN' || twin?.state !== 'DOWN') return twinSeen(self, twin, now);
    const episode = blindEpisode(self, twin);
    const raisedBy = await deps.loggers.claimBlindEpisode(self.customer, episode, self.side, now);
    if (raisedBy !== self.side) return twinSeen(self, twin, now);
    const blind = customerBlind(self, twin, now, deps.outboxRetryMs, claimId);
    if (await deps.loggers.writeTransition(self, blind)) return blind;
    const current = await deps.loggers.get(self);
    // Gone, or the look already recorded (by a retry of this same check): nothing left to do here.
    if (!current || !awaitsTwin(current)) return undefined;
    self = current;
  }
  return undefined;
}
