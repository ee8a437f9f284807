/**
 * A Logger phoning home (heartbeat, or any event): authenticated and recorded by one conditional DynamoDB
 * update in the common case; the state machine handles the rest (recovery, pause, pending notices).
 */
import { randomUUID } from 'node:crypto';
import { StoreUnavailableError, UnknownLoggerError } from '../domain/errors.js';
import type { FinishedRun, Logger, LoggerId } from '../domain/logger.js';
import { endedOutage, withPingKept } from '../domain/pings/history.js';
import { hashToken, loggerIdOfToken, provesStored } from '../domain/token.js';
import { type PhoneHomeReport, phoneHome as phoneHomeTransition } from '../domain/transitions.js';
import type { LoggerHistory } from '../ports/logger-history.js';
import type { PhoneHomeProof } from '../ports/logger-store.js';
import { type OutboxDeps, publishOutbox, requestPathEnd } from './notices/outbox.js';

/**
 * What a phone-home uses: the Logger store, the channels for an all-clear it sends, and the history that
 * keeps the outage it ends.
 */
export type PhoneHomeDeps = OutboxDeps & { readonly history?: LoggerHistory };

export interface PhoneHomeResult {
  readonly logger: Logger;
  readonly receivedAt: number;
  /** The Logger was DOWN and this phone-home cleared its alarm. */
  readonly recovered: boolean;
  /** The run (a ping URL's start) this phone-home finished, if it paired with one. */
  readonly run?: FinishedRun;
}

/** Concurrent writers can only make the slow path lose a race a few times in a row. */
const MAX_ATTEMPTS = 5;

/**
 * Records that the Logger owning `token` phoned home at `receivedAt` (Listener clock). Throws
 * {@link UnknownLoggerError} for a missing, malformed or unknown token, without saying which.
 */
export async function phoneHome(
  deps: PhoneHomeDeps,
  token: string,
  receivedAt: number,
  report: PhoneHomeReport = {},
): Promise<PhoneHomeResult> {
  const tokenHash = hashToken(token);
  // An unknown id and a wrong token take the same path: one store request, one hash comparison, and the
  // stored Logger left unparsed (its adapter parses it only when asked), so their timing does not differ.
  return phoneHomeAs(deps, loggerIdOfToken(token), { tokenHash }, receivedAt, report, (current) => {
    if (!provesStored(current, tokenHash)) throw new UnknownLoggerError();
  });
}

/**
 * Records a phone-home of Logger `id` given `proof`, and that this Listener (`deps.listenerName`) heard it; `check` sees the stored Logger (absent if none) when
 * the one-request path could not record it, and throws to refuse. A `receivedAt` before `now` (a relayed
 * record, at its bridge's receipt time) is moved forward to at most the Logger's timeout before `now`, so
 * its new deadline is never already past.
 */
export async function phoneHomeAs(
  deps: PhoneHomeDeps,
  id: LoggerId,
  proof: PhoneHomeProof,
  receivedAt: number,
  report: PhoneHomeReport,
  check: (current: { logger: Logger; tokenHash: string; pingHash?: string } | undefined) => void,
  now: number = receivedAt,
): Promise<PhoneHomeResult> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const heardBy = deps.listenerName;
    const fast = await deps.loggers.recordPhoneHome(id, proof, receivedAt, report, { now, heardBy });
    if (fast.recorded) return { logger: fast.logger, receivedAt, recovered: false };
    check(fast.current);
    if (!fast.current) throw new UnknownLoggerError();
    const current = fast.current.logger;
    const at = Math.min(now, Math.max(receivedAt, now - current.eventTimeoutMs));
    // A recovery's all-clear is this phone-home's to deliver: it claims it in the write that records it.
    // Its lease runs from now, not from a relayed record's (earlier) receipt time.
    const claim = { by: randomUUID(), until: now + deps.outboxRetryMs };
    const transition = phoneHomeTransition(current, at, report, deps.outboxRetryMs, heardBy, claim);
    const { notice } = transition;
    // A ping is numbered and kept in this write too, as the one-request path does (with its run's length).
    const ran = transition.run ? { durationMs: transition.run.durationMs } : {};
    const next =
      'pingHash' in proof && proof.ping
        ? withPingKept(transition.next, current, { ...proof.ping, ...ran })
        : transition.next;
    if (await deps.loggers.writeTransition(current, next)) {
      // Sent inline within the request path's budget: a slow receiver's all-clear goes on in the sweep.
      if (notice) await publishOutbox(deps, next, claim.by, now, { endBy: requestPathEnd(deps, now) });
      if (notice) await keepOutage(deps, id, current, at);
      const run = transition.run ? { run: transition.run } : {};
      return { logger: next, receivedAt: at, recovered: notice !== undefined, ...run };
    }
  }
  throw new StoreUnavailableError('the Logger is being updated by other requests; retry shortly');
}

/**
 * Keeps the outage a recovery ended in the Logger's history: one write on this rare path (heartbeats stay
 * one request), after the all-clear went out, which it must never hold up. A lost write loses a history
 * line, never a notice, so a failure here is logged, not thrown.
 */
async function keepOutage(deps: PhoneHomeDeps, id: LoggerId, before: Logger, end: number): Promise<void> {
  const outage = endedOutage(before, end);
  if (!outage || !deps.history) return;
  try {
    await deps.history.recordOutage(id, outage);
  } catch (error) {
    deps.log.warn('outage not kept in the history', { error: (error as Error).name });
  }
}
