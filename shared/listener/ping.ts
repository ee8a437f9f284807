/**
 * A ping to a Logger's ping URL (`/ping/<uuid>[/<suffix>]`, shared/domain/ping.ts): found by its uuid's
 * hash (the warm cache, else the directory), then recorded by a write conditional on that hash. Answers as
 * Healthchecks' open-source server does.
 *
 * - success (`/`, `/0`): the very phone-home a heartbeat makes (phone-home.ts), proven by the ping hash:
 *   one conditional write in steady state; a DOWN Logger's all-clear is claimed in the write that records it.
 * - fail (`/fail`, `/1`–`/255`): `NEW/UP → DOWN` by a read and a write conditional on the revision read
 *   (ping-transitions.ts), its page claimed in that write; a sweep or a success racing it: one wins.
 * - start, log: one conditional write each (startedAt, lastLogAt).
 *
 * Each of these writes also takes the ping's number in the Logger's history (`pingSeq`); the ping is then
 * put into its slot of the history's ring (shared/domain/history.ts) by one more write, body included.
 */
import { randomUUID } from 'node:crypto';
import { StoreUnavailableError, UnknownLoggerError } from '../domain/errors.js';
import { type PingRequestFacts, pingEntry } from '../domain/history.js';
import type { LoggerId } from '../domain/logger.js';
import {
  hashPingUuid,
  PING_ANSWERS,
  type PingAnswer,
  type PingPath,
  parsePingPath,
  refusal,
} from '../domain/ping.js';
import { reportFailure } from '../domain/ping-transitions.js';
import { sameHash } from '../domain/token.js';
import type { LoggerHistory } from '../ports/logger-history.js';
import type { PingDirectory } from '../ports/ping-directory.js';
import type { ListenerDeps } from './deps.js';
import { publishOutbox } from './outbox.js';
import { phoneHomeAs } from './phone-home.js';
import type { PingRoutes } from './ping-routes.js';

/** What a ping needs beside the Listener's deps: the directory, this process's warm cache, the history. */
export interface PingDeps {
  readonly directory: PingDirectory;
  readonly routes: PingRoutes;
  /** Where the ping is kept; absent = not kept (some tests). */
  readonly history?: LoggerHistory;
}

export interface PingRequest {
  readonly path: string;
  /** The `rid` query parameter as sent (absent: none). */
  readonly rid?: string;
  readonly receivedAt: number;
  /** Method, source address, user agent and body, as the request carried them (untrusted). */
  readonly facts?: PingRequestFacts;
}

/** Lost races a failure may meet in a row (a sweep, a success, another failure). */
const MAX_ATTEMPTS = 5;

/** Receives one ping and says how to answer it. Throws only when the store is unavailable (a 503). */
export async function receivePing(
  deps: ListenerDeps,
  pings: PingDeps,
  request: PingRequest,
): Promise<PingAnswer> {
  const ping = parsePingPath(request.path);
  if (!ping) return PING_ANSWERS.notFound;
  const pingHash = hashPingUuid(ping.uuid);
  const refused = refusal(ping, request.rid);
  // Healthchecks looks the uuid up first: an unknown one is 404 whatever else is wrong.
  if (refused) return (await pings.directory.find(pingHash)) ? refused : PING_ANSWERS.notFound;
  const cached = pings.routes.get(pingHash);
  for (const fresh of cached ? [false, true] : [true]) {
    const id = fresh ? await pings.directory.find(pingHash) : cached;
    if (!id) break;
    try {
      const seq = await record(deps, pings.directory, id, pingHash, ping, request.receivedAt);
      pings.routes.set(pingHash, id);
      if (pings.history && seq !== undefined) {
        const entry = pingEntry(seq, request.receivedAt, ping.signal, request.facts ?? {});
        await pings.history.recordPing(id, entry);
      }
      return PING_ANSWERS.ok;
    } catch (error) {
      if (!(error instanceof UnknownLoggerError)) throw error;
      // A stale cache entry (the URL was rotated, the Logger removed): ask the directory once.
      pings.routes.forget(pingHash);
    }
  }
  return PING_ANSWERS.notFound;
}

/**
 * Records `ping` on Logger `id`: its number in the Logger's history (undefined: a Logger stored before
 * pings were counted); {@link UnknownLoggerError} when its ping hash is not `pingHash`.
 */
async function record(
  deps: ListenerDeps,
  directory: PingDirectory,
  id: LoggerId,
  pingHash: string,
  ping: PingPath,
  now: number,
): Promise<number | undefined> {
  const { signal } = ping;
  if (signal.kind === 'success') {
    const { logger } = await phoneHomeAs(deps, id, { pingHash }, now, {}, (current) => {
      if (!current?.pingHash || !sameHash(current.pingHash, pingHash)) throw new UnknownLoggerError();
    });
    deps.counters.count('Heartbeats');
    return logger.pingSeq;
  }
  if (signal.kind === 'fail') return recordFailure(deps, directory, id, pingHash, signal, now);
  const seq = await directory.mark(id, pingHash, signal.kind, now);
  if (seq === undefined) throw new UnknownLoggerError();
  return seq;
}

async function recordFailure(
  deps: ListenerDeps,
  directory: PingDirectory,
  id: LoggerId,
  pingHash: string,
  failure: { readonly exitStatus?: number },
  now: number,
): Promise<number | undefined> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const current = await directory.read(id);
    if (!current?.pingHash || !sameHash(current.pingHash, pingHash)) throw new UnknownLoggerError();
    // The page is this ping's to deliver: it claims it in the write that records the failure.
    const claim = { by: randomUUID(), until: now + deps.outboxRetryMs };
    const options = {
      outboxRetryMs: deps.outboxRetryMs,
      heardBy: deps.listenerName,
      ...(deps.renotifyEveryMs ? { renotifyEveryMs: deps.renotifyEveryMs } : {}),
    };
    const transition = reportFailure(current.logger, now, failure, options, claim);
    if (!transition) {
      // Already DOWN (one page per outage), paused, or in maintenance: the ping is only counted.
      const seq = await directory.mark(id, pingHash, 'fail', now);
      if (seq === undefined) throw new UnknownLoggerError();
      return seq;
    }
    const pingSeq = (current.logger.pingSeq ?? 0) + 1;
    const next = { ...transition.next, pingSeq };
    if (await deps.loggers.writeTransition(current.logger, next)) {
      deps.counters.count('AlarmsRaised');
      await publishOutbox(deps, next, claim.by, now);
      return pingSeq;
    }
  }
  throw new StoreUnavailableError('the Logger is being updated by other requests; retry shortly');
}
