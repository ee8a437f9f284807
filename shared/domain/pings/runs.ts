/**
 * Runs of a job behind a ping URL: a `/start` opens one, a success or failure closes it (paired by
 * `?rid=<uuid>`), and a run still open past its grace pages "started 14:02, did not finish". Pure: a
 * Logger and `now` in, the next Logger out.
 *
 * Pairing follows Healthchecks (hc/api/models.py `Check.ping`): an end with a start's rid closes that run
 * and records its duration; an end without a rid closes the latest start (its duration recorded only if
 * that start had no rid either); an end with an unknown rid is still a success or failure, and closes
 * nothing. Unlike Healthchecks, which keeps one start, up to {@link MAX_OPEN_RUNS} are kept, one per rid.
 */
import { type FinishedRun, type Logger, MAX_OPEN_RUNS, type RunStart, runDeadline } from '../logger.js';

/** The open runs after a start at `at` (with `rid`): it replaces an open start with the same rid (or none). */
export function withRunStarted(runs: readonly RunStart[] | undefined, start: RunStart): RunStart[] {
  const others = (runs ?? []).filter((r) => r.rid !== start.rid);
  return [...others, start].sort((a, b) => a.at - b.at).slice(-MAX_OPEN_RUNS);
}

/** What an end (success or failure) does to the open runs: those left, and the run it finished, if any. */
export interface RunClosed {
  readonly runs: readonly RunStart[];
  readonly finished?: FinishedRun;
}

/** Closes the run an end at `at` with `rid` (absent: none) belongs to. */
export function closeRun(
  runs: readonly RunStart[] | undefined,
  at: number,
  rid: string | undefined,
  outcome: FinishedRun['outcome'],
): RunClosed {
  const open = runs ?? [];
  const closing = rid === undefined ? open.at(-1) : open.find((r) => r.rid === rid);
  if (!closing) return { runs: open };
  const left = open.filter((r) => r !== closing);
  // Healthchecks records a duration only when the rids match (none and none match).
  if (closing.rid !== rid) return { runs: left };
  const finished: FinishedRun = {
    startedAt: closing.at,
    endedAt: at,
    durationMs: Math.max(0, at - closing.at),
    outcome,
    ...(rid === undefined ? {} : { rid }),
  };
  return { runs: left, finished };
}

/** The Logger with `closed` applied: its open runs (none: the attribute goes) and its latest finished run. */
export function withRunsClosed<L extends Logger>(logger: L, closed: RunClosed): L {
  const { runs: _, ...rest } = logger;
  return {
    ...rest,
    ...(closed.runs.length > 0 ? { runs: closed.runs } : {}),
    ...(closed.finished ? { lastRun: closed.finished } : {}),
  } as L;
}

/** The open run whose grace ends first, with that end; undefined when none is open. */
export function firstRunDue(logger: Logger): { run: RunStart; deadline: number } | undefined {
  let first: { run: RunStart; deadline: number } | undefined;
  for (const run of logger.runs ?? []) {
    const deadline = runDeadline(logger, run.at);
    if (!first || deadline < first.deadline) first = { run, deadline };
  }
  return first;
}

/** The open run past its grace at `now` (the first to have ended), if any. */
export function overdueRun(logger: Logger, now: number): { run: RunStart; deadline: number } | undefined {
  const first = firstRunDue(logger);
  return first && first.deadline <= now ? first : undefined;
}

/**
 * When the sweeper must look at a watched (NEW/UP) Logger: its deadline, or the end of an open run's grace
 * if that comes first. This is what the due index holds, so the sweeper finds a run that did not finish
 * without anything else to scan.
 */
export function watchDueAt(logger: Logger): number {
  const run = firstRunDue(logger);
  return run ? Math.min(logger.deadline, run.deadline) : logger.deadline;
}

/** Open runs still within their grace at `now` (those past it have paged, or are paging now). */
export function runsWithinGrace(logger: Logger, now: number): RunStart[] {
  return (logger.runs ?? []).filter((r) => runDeadline(logger, r.at) > now);
}

/** Since when the Logger's job is running: its oldest open start; undefined when none is open. */
export function runningSince(logger: Pick<Logger, 'runs'>): number | undefined {
  const runs = logger.runs ?? [];
  return runs.length > 0 ? Math.min(...runs.map((r) => r.at)) : undefined;
}
