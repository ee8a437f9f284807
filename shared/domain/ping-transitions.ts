/**
 * What a ping URL's signals do to a Logger, beside the phone-home every success is (transitions.ts
 * `phoneHome`). Pure: a Logger and `now` in, the next Logger and the notice to publish out.
 */
import { activeWindow, deadlineAfter, type Logger, type NoticeClaim, type StateNotice } from './logger.js';
import { withClaim } from './notice-claims.js';
import { noticeId, type Transition, withArrival, withHearing } from './transitions.js';

/**
 * The Logger reported a failure at `at` (`/fail`, or exit status 1–255): `NEW/UP → DOWN` at once, recording
 * a `LOGGER_SILENT` notice that says so, claimed by this ping (it delivers it). The next success sends the
 * all-clear (transitions.ts `phoneHome`). Undefined — nothing to write — when the Logger is already DOWN
 * (one page per outage), PAUSED, or inside a maintenance window (nobody is paged for planned work).
 */
export function reportFailure(
  logger: Logger,
  at: number,
  failure: { readonly exitStatus?: number },
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
  const {
    ack: _ack,
    reminders: _count,
    remindAt: _remind,
    startedAt: _started,
    ...rest
  } = withHearing(logger, options.heardBy, at);
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
  return { next, notice };
}
