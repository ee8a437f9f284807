/**
 * Bulk import of Loggers (`listener logger import`): new ones are registered with the ordinary use case
 * (token generated, shown once), existing ones get their settings by a conditional write of the settings
 * only — never their token. Idempotent: running the same import again changes nothing.
 */
import { LoggerExistsError, StoreUnavailableError } from '../domain/errors.js';
import { formatLoggerId, type Logger, type LoggerId } from '../domain/logger.js';
import { type ChangeableSettings, withSettings } from '../domain/settings.js';
import { counted } from '../domain/words.js';
import type { Fleet } from '../ports/fleet.js';
import type { LoggerStore } from '../ports/logger-store.js';
import type { PingDirectory } from '../ports/ping-directory.js';
import { registerLogger } from './register.js';

/** One Logger of the import and the settings it should have. */
export interface ImportRow extends ChangeableSettings {
  readonly id: LoggerId;
}

export interface ImportPlan<R extends ImportRow = ImportRow> {
  /** Not registered yet: each gets a token. */
  readonly register: readonly R[];
  /** Registered with other settings. */
  readonly update: readonly { readonly row: R; readonly before: Logger }[];
  /** Registered with these very settings: nothing to do. */
  readonly unchanged: number;
}

export interface ImportCounts {
  readonly registered: number;
  readonly updated: number;
  readonly unchanged: number;
}

/** A write failed part-way: what was written stays (re-running the import finishes the rest). */
export class ImportInterruptedError extends Error {
  override readonly name = 'ImportInterruptedError';
  constructor(
    readonly written: ImportCounts,
    readonly planned: number,
    override readonly cause: unknown,
  ) {
    super(
      `the import stopped after ${counted(written.registered, 'registration')} and ${counted(written.updated, 'update')} of ${planned} planned: ${(cause as Error).message ?? String(cause)}`,
    );
  }
}

export interface ImportOptions<R extends ImportRow> {
  readonly now: number;
  /** Writes in flight at once. */
  readonly concurrency: number;
  /**
   * Called as soon as a new Logger is registered, with its token and its ping URL's uuid (when given the
   * directory), before anything else is written.
   */
  readonly onRegistered: (row: R, token: string, pingUuid?: string) => void;
  /** The ping URL directory: each new Logger gets a ping URL, as `logger add` gives one. */
  readonly pings?: PingDirectory;
  readonly onProgress?: (done: number) => void;
}

/** Reads what is registered and sorts the rows into register / update / unchanged. No writes. */
export async function planImport<R extends ImportRow>(
  fleet: Fleet,
  rows: readonly R[],
): Promise<ImportPlan<R>> {
  const existing = new Map(
    (await fleet.getMany(rows.map((r) => r.id))).map((logger) => [formatLoggerId(logger), logger]),
  );
  const register: R[] = [];
  const update: { row: R; before: Logger }[] = [];
  let unchanged = 0;
  for (const row of rows) {
    const before = existing.get(formatLoggerId(row.id));
    if (!before) register.push(row);
    else if (withSettings(before, keepingSchedule(before, row))) update.push({ row, before });
    else unchanged++;
  }
  return { register, update, unchanged };
}

/**
 * The CSV has no cron columns: a cron Logger's exported row carries the timeout and interval derived from its
 * schedule (shared/domain/pings/schedule.ts `cronRhythm`), and importing that row back keeps the schedule. A row
 * with another timeout or interval makes it an interval Logger, as `logger set --timeout` does.
 */
function keepingSchedule(before: Logger, row: ChangeableSettings): ChangeableSettings {
  const same =
    row.eventTimeoutMs === before.eventTimeoutMs && row.heartbeatIntervalMs === before.heartbeatIntervalMs;
  return before.schedule && !row.schedule && same ? { ...row, schedule: before.schedule } : row;
}

/**
 * Carries out `plan` with at most `concurrency` writes in flight. On the first failure it stops starting
 * writes, lets those in flight finish and throws {@link ImportInterruptedError} with what was written.
 */
export async function applyImport<R extends ImportRow>(
  loggers: LoggerStore,
  fleet: Fleet,
  plan: ImportPlan<R>,
  options: ImportOptions<R>,
): Promise<ImportCounts> {
  const counts = { registered: 0, updated: 0, unchanged: plan.unchanged };
  const tasks: (() => Promise<void>)[] = [
    ...plan.register.map((row) => async () => {
      try {
        const { token, pingUuid } = await registerLogger(
          loggers,
          {
            ...row.id,
            eventTimeoutMs: row.eventTimeoutMs,
            heartbeatIntervalMs: row.heartbeatIntervalMs,
            transport: row.transport,
            ...(row.phoneHome ? { phoneHome: row.phoneHome } : {}),
          },
          options.now,
          options.pings,
        );
        options.onRegistered(row, token, pingUuid);
        counts.registered++;
      } catch (error) {
        // Registered by someone else since the plan was read: it is an update now.
        if (!(error instanceof LoggerExistsError)) throw error;
        counts[(await changeSettings(loggers, fleet, row, undefined)) ? 'updated' : 'unchanged']++;
      }
    }),
    ...plan.update.map(({ row, before }) => async () => {
      counts[(await changeSettings(loggers, fleet, row, before)) ? 'updated' : 'unchanged']++;
    }),
  ];
  let next = 0;
  let done = 0;
  let failure: { cause: unknown } | undefined;
  const worker = async () => {
    for (let task = tasks[next++]; task && !failure; task = tasks[next++]) {
      try {
        await task();
        options.onProgress?.(++done);
      } catch (cause) {
        failure ??= { cause };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency, tasks.length)) }, worker));
  if (failure) throw new ImportInterruptedError(counts, tasks.length, failure.cause);
  return counts;
}

/** Heartbeats may move the deadline under the write a few times in a row, not forever. */
const MAX_ATTEMPTS = 5;

/** Gives a registered Logger `row`'s settings; false if it already had them. */
async function changeSettings(
  loggers: LoggerStore,
  fleet: Fleet,
  row: ImportRow,
  read: Logger | undefined,
): Promise<boolean> {
  let before = read ?? (await loggers.get(row.id));
  for (let attempt = 0; before && attempt < MAX_ATTEMPTS; attempt++) {
    const after = withSettings(before, keepingSchedule(before, row));
    if (!after) return false;
    if (await fleet.updateSettings(before, after)) return true;
    before = await loggers.get(row.id);
  }
  if (!before) throw new StoreUnavailableError(`${formatLoggerId(row.id)} was removed during the import`);
  throw new StoreUnavailableError(`${formatLoggerId(row.id)} is being updated by others; re-run the import`);
}
