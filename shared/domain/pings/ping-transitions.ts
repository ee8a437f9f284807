/**
 * What a ping URL's signals do to a Logger, beside the phone-home every success is (transitions.ts
 * `phoneHome`). Pure: a Logger and `now` in, the next Logger and the notice to publish out.
 */
import { activeWindow, deadlineAfter, type Logger, type NoticeClaim, type StateNotice } from '../logger.js';
import { withClaim } from '../notices/notice-claims.js';
import { noticeId, type Transition, withArrival, withHearing } from '../transitions.js';
import { closeRun, watchDueAt, withRunStarted, withRunsClosed } from './runs.js';

/**
 * The Logger reported a failure at `at` (`/fail`, or exit status 1–255): `NEW/UP → DOWN` at once, recording
 * a `LOGGER_SILENT` notice that says so, claimed by this ping (it delivers it). The next success sends the
 * all-clear (transitions.ts `phoneHome`). Undefined — nothing to write — when the Logger is already DOWN
 * (one page per outage), PAUSED, or inside a maintenance window (nobody is paged for planned work).
 */
export function reportFailure(
  logger: Logger,
  at: number,
  /** `runId`: the failing run's `?rid=` (absent: the latest start), closed by the failure. */
  failure: { readonly exitStatus?: number; readonly runId?: string },
  options: { readonly outboxRetryMs: number; readonly renotifyEveryMs?: number; readonly heardBy?: string },
  claim: NoticeClaim,
): Transition | undefined {
  if (logger.state !== 'NEW' && logger.state !== 'UP') return undefined;
  if (activeWindow(logger, at)) return undefined;
  const exit = failure.exitStatus === undefined ? {} : { exitStatus: failure.exitStatus };
  const notice: StateNotice = withClaim(
    {
      // The revision too: a Logger may fail, recover and fail again within one millisecond.
      id: `${noticeId(logger, 'LOGGER_SILENT', at)}#FAIL#r${logger.revision}`,
      kind: 'LOGGER_SILENT',
      at,
      deadline: logger.deadline,
      ...(logger.lastSeenAt === undefined ? {} : { lastSeenAt: logger.lastSeenAt }),
      failure: exit,
    },
    claim.by,
    claim.until,
  );
  const ended = closeRun(logger.runs, at, failure.runId, 'fail');
  const {
    ack: _ack,
    reminders: _count,
    remindAt: _remind,
    ...rest
  } = withRunsClosed(withHearing(logger, options.heardBy, at), ended);
  const next: Logger = {
    ...rest,
    state: 'DOWN',
    downSince: at,
    // The job phoned home to say it failed: it is not silent, so its silence deadline moves too.
    lastSeenAt: at,
    deadline: deadlineAfter(logger, at),
    arrivals: withArrival(logger.arrivals, at),
    failure: { at, ...exit },
    revision: logger.revision + 1,
    outbox: [...logger.outbox, notice],
    dueAt: at + options.outboxRetryMs,
    ...(options.renotifyEveryMs ? { remindAt: at + options.renotifyEveryMs } : {}),
  };
  return { next, notice, ...(ended.finished ? { run: ended.finished } : {}) };
}

/**
 * The Logger's job started at `at` (`/start`, with the run's `?rid=` if sent): it is running until a
 * success or failure closes the run (shared/domain/pings/runs.ts). A watched Logger becomes due at the run's
 * grace end if that comes before its deadline, so the sweeper pages "did not finish" then. The revision
 * moves: a start is a state change other writers must not write over.
 */
export function startRun(logger: Logger, at: number, runId?: string): Transition {
  const runs = withRunStarted(logger.runs, runId === undefined ? { at } : { at, rid: runId });
  const next: Logger = { ...logger, runs, revision: logger.revision + 1 };
  const watched = (logger.state === 'NEW' || logger.state === 'UP') && logger.outbox.length === 0;
  // Pending notices keep their retry time; once published, outboxDelivered computes the due time.
  return { next: watched ? { ...next, dueAt: watchDueAt(next) } : next };
}
