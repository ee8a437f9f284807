/**
 * A ping to a Logger's ping URL (`/ping/<uuid>[/<suffix>]`, shared/domain/pings/ping.ts): found by its uuid's
 * hash (the warm cache, else the directory), then recorded by a write conditional on that hash. Answers as
 * Healthchecks' open-source server does.
 *
 * - success (`/`, `/0`): the very phone-home a heartbeat makes (phone-home.ts), proven by the ping hash:
 *   one conditional write in steady state; a DOWN Logger's all-clear is claimed in the write that records it.
 * - fail (`/fail`, `/1`–`/255`): `NEW/UP → DOWN` by a read and a write conditional on the revision read
 *   (ping-transitions.ts), its page claimed in that write; a sweep or a success racing it: one wins.
 * - start: opens a run (shared/domain/pings/runs.ts) due at its grace end: one conditional write in steady state
 *   (the grace from the timeout and interval this process last saw, checked by that write); otherwise the
 *   stored Logger that write handed back, and a write conditional on its revision (two requests).
 * - `?rid=` pairs a start with its end (success or failure), which records the run's duration.
 * - log: one conditional write (lastLogAt).
 *
 * Each of these writes also takes the ping's number in the Logger's history (`pingSeq`) and appends the
 * ping (without its body) to the Logger's recent pings; ping-history.ts then keeps a body and moves a full
 * chunk of recent pings out (shared/domain/pings/history.ts).
 */
import { randomUUID } from 'node:crypto';
import { StoreUnavailableError, UnknownLoggerError } from '../../domain/errors.js';
import { type Logger, type LoggerId, runDeadline } from '../../domain/logger.js';
import {
  type PingRequestFacts,
  type RecentPing,
  recentPing,
  withPingKept,
} from '../../domain/pings/history.js';
import {
  hashPingUuid,
  PING_ANSWERS,
  type PingAnswer,
  type PingPath,
  parsePingPath,
  refusal,
} from '../../domain/pings/ping.js';
import { reportFailure, startRun } from '../../domain/pings/ping-transitions.js';
import { sameHash } from '../../domain/token.js';
import type { LoggerHistory } from '../../ports/logger-history.js';
import type { PingDirectory, RunSettings } from '../../ports/ping-directory.js';
import type { ListenerDeps } from '../deps.js';
import { publishOutbox, requestPathEnd } from '../notices/outbox.js';
import { phoneHomeAs } from '../phone-home.js';
import { keepPing } from './ping-history.js';
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
      const facts = request.facts ?? {};
      const kept = recentPing(request.receivedAt, ping.signal, facts);
      const recorded = { id, pingHash, ping, kept, rid: request.rid, now: request.receivedAt };
      const seen = await record(deps, pings, recorded);
      pings.routes.set(pingHash, id, settingsOf(seen));
      if (pings.history) await keepPing(deps, pings.history, seen, facts);
      return PING_ANSWERS.ok;
    } catch (error) {
      if (!(error instanceof UnknownLoggerError)) throw error;
      // A stale cache entry (the URL was rotated, the Logger removed): ask the directory once.
      pings.routes.forget(pingHash);
    }
  }
  return PING_ANSWERS.notFound;
}

/** A ping to record: on Logger `id`, proven by `pingHash`, at `now`, with the run id sent. */
interface Recorded {
  readonly id: LoggerId;
  readonly pingHash: string;
  readonly ping: PingPath;
  /** The ping as the Logger's recent pings keep it (the write that records it appends it). */
  readonly kept: RecentPing;
  readonly rid: string | undefined;
  readonly now: number;
}

/** What a run's grace is computed from, as a Logger read or written has it. */
function settingsOf(logger: Logger): RunSettings {
  return { eventTimeoutMs: logger.eventTimeoutMs, heartbeatIntervalMs: logger.heartbeatIntervalMs };
}

/**
 * Records a ping on its Logger, which numbers it (`pingSeq`) and keeps it with its recent pings;
 * {@link UnknownLoggerError} when the Logger's ping hash is not the ping's. Returns the Logger as written.
 */
async function record(deps: ListenerDeps, pings: PingDeps, r: Recorded): Promise<Logger> {
  const { signal } = r.ping;
  const runId = r.rid === undefined ? {} : { runId: r.rid.toLowerCase() };
  if (signal.kind === 'success') {
    const proof = { pingHash: r.pingHash, ping: r.kept };
    const done = await phoneHomeAs(deps, r.id, proof, r.now, runId, (current) => {
      if (!current?.pingHash || !sameHash(current.pingHash, r.pingHash)) throw new UnknownLoggerError();
    });
    deps.counters.count('Heartbeats');
    return done.logger;
  }
  if (signal.kind === 'fail') return recordFailure(deps, pings.directory, r, { ...signal, ...runId });
  if (signal.kind === 'start') return recordStart(deps, pings, r);
  const logged = await pings.directory.mark(r.id, r.pingHash, signal.kind, r.now, r.kept);
  if (!logged) throw new UnknownLoggerError();
  return logged;
}

/**
 * A `/start`: one write when this process knows the Logger's settings and nothing else is open or pending;
 * without them (a cold cache) the same write makes the Logger due at once, and the sweep's look sets its
 * due time (transitions.ts `reindexed`). Otherwise the state machine on the Logger that write handed back.
 */
async function recordStart(deps: ListenerDeps, pings: PingDeps, r: Recorded): Promise<Logger> {
  const settings = pings.routes.settings(r.pingHash);
  const run = r.rid === undefined ? { at: r.now } : { at: r.now, rid: r.rid.toLowerCase() };
  const dueAt = settings ? runDeadline(settings, r.now) : r.now;
  const fast = await pings.directory.startRun(r.id, r.pingHash, { run, dueAt, ping: r.kept, settings });
  if (fast.recorded) return fast.logger;
  let current = fast.current;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    if (!current?.pingHash || !sameHash(current.pingHash, r.pingHash)) throw new UnknownLoggerError();
    const next = withPingKept(startRun(current.logger, r.now, run.rid).next, current.logger, r.kept);
    if (await deps.loggers.writeTransition(current.logger, next)) return next;
    current = await pings.directory.read(r.id);
  }
  throw new StoreUnavailableError('the Logger is being updated by other requests; retry shortly');
}

async function recordFailure(
  deps: ListenerDeps,
  directory: PingDirectory,
  { id, pingHash, now, kept }: Recorded,
  failure: { readonly exitStatus?: number; readonly runId?: string },
): Promise<Logger> {
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
      // Already DOWN (one page per outage), paused, or in maintenance: the ping is only kept.
      const marked = await directory.mark(id, pingHash, 'fail', now, kept);
      if (!marked) throw new UnknownLoggerError();
      return marked;
    }
    const ran = transition.run ? { durationMs: transition.run.durationMs } : {};
    const next = withPingKept(transition.next, current.logger, { ...kept, ...ran });
    if (await deps.loggers.writeTransition(current.logger, next)) {
      deps.counters.count('AlarmsRaised');
      await publishOutbox(deps, next, claim.by, now, { endBy: requestPathEnd(deps, now) });
      return next;
    }
  }
  throw new StoreUnavailableError('the Logger is being updated by other requests; retry shortly');
}
