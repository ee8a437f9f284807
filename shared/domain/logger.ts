/**
 * The Logger: a customer's ICM Logger (side A or B of a duplexed customer instance) that phones home to
 * this Listener. Plain data only; every function here is pure.
 */

import * as z from 'zod/mini';
import { ValidationError } from './errors.js';
import type { PingSignal } from './pings/ping.js';
import { type CronSchedule, deadlineAfter, lateAfter } from './pings/schedule.js';

export { deadlineAfter };

export const SIDES = ['A', 'B'] as const;
export type Side = (typeof SIDES)[number];

export const TRANSPORTS = ['https', 'modem'] as const;
export type Transport = (typeof TRANSPORTS)[number];

/**
 * Stored states. `LATE` is never stored: it is derived from the clock by {@link displayState}, so a Logger
 * that is merely late costs no write.
 */
export const STORED_STATES = ['NEW', 'UP', 'DOWN', 'PAUSED'] as const;
export type StoredState = (typeof STORED_STATES)[number];
export type LoggerState = StoredState | 'LATE';

/** Customer instance names as ICM writes them: lower-case letters, digits and `-`. */
const CUSTOMER_RULE = 'a customer instance is 1–63 lower-case letters, digits or "-" (e.g. geocust1)';
export const customerSchema = z
  .string({ error: CUSTOMER_RULE })
  .check(z.regex(/^[a-z0-9][a-z0-9-]{0,62}$/, CUSTOMER_RULE));
export const sideSchema = z.enum(SIDES, { error: 'the side is A or B' });

/** Identifies a Logger: `geocust1/A`. */
export interface LoggerId {
  readonly customer: string;
  readonly side: Side;
}

/** `geocust1/A` */
export function formatLoggerId(id: LoggerId): string {
  return `${id.customer}/${id.side}`;
}

/** Parses `geocust1/A` (the side is case-insensitive); throws a {@link ValidationError} naming the rule. */
export function parseLoggerId(text: string): LoggerId {
  const [customer = '', side = '', ...rest] = text.split('/');
  const parsedCustomer = customerSchema.safeParse(customer);
  const parsedSide = sideSchema.safeParse(side.toUpperCase());
  if (rest.length > 0 || !parsedCustomer.success || !parsedSide.success) {
    throw new ValidationError(`"${text}" is not a Logger id: write <customer>/<side>, e.g. geocust1/A`);
  }
  return { customer: parsedCustomer.data, side: parsedSide.data };
}

/** One Phone Home destination of a modem Logger: the number it dials and the Listener (import system name) it expects there. */
export interface PhoneHomeTarget {
  /** As ICM writes it, dialling prefix included: `9,19191234567`. */
  readonly phone: string;
  /** The Listener's import system name: `GEOCSCLNRA`. */
  readonly listener: string;
}

/** A modem Logger's Phone Home configuration (CSCPhoneNumber/CSCImportSystemName and their backups). */
export interface PhoneHomeConfig {
  readonly primary?: PhoneHomeTarget;
  readonly backup?: PhoneHomeTarget;
}

/** Settings of a Logger, fixed at registration. Durations in milliseconds. */
export interface LoggerSettings {
  /** A cron Logger's: its average gap between occurrences plus its grace (shared/domain/pings/schedule.ts). */
  readonly eventTimeoutMs: number;
  /** A cron Logger's: its average gap between occurrences (what the fleet's rhythm counts). */
  readonly heartbeatIntervalMs: number;
  /** Present: the Logger follows a cron schedule, not its interval (shared/domain/pings/schedule.ts). */
  readonly schedule?: CronSchedule;
  readonly transport: Transport;
  /** Modem Loggers: what they were configured to dial, recorded at registration for `listener doctor`. */
  readonly phoneHome?: PhoneHomeConfig;
  /**
   * Modem Loggers: the bridge sites allowed to relay for it (shared/domain/bridge-binding.ts). Absent: any
   * bridge may (a Logger registered before bindings existed), until an operator binds it.
   */
  readonly bridges?: readonly string[];
  /** Whom to call about it: a person or team (shared/domain/contact.ts). */
  readonly owner?: string;
  /** Free text for whoever is called: site details, access, hours (shared/domain/contact.ts). */
  readonly note?: string;
}

/**
 * A notice recorded atomically with a state change and kept until it is confirmed published (the outbox).
 * It carries the facts as they were at the transition, so a late retry still tells the truth.
 */
export interface StateNotice {
  readonly id: string;
  /**
   * `LOGGER_SILENT` (an alarm, or a reminder when `reminder` is set), `LOGGER_RECOVERED`, or
   * `CUSTOMER_BLIND`: this Logger's twin was already DOWN, so none of the customer's alarms reach support.
   */
  readonly kind: 'LOGGER_SILENT' | 'LOGGER_RECOVERED' | 'CUSTOMER_BLIND' | 'LOGGER_ACKNOWLEDGED';
  /** When the transition happened (Listener clock). */
  readonly at: number;
  readonly lastSeenAt?: number;
  readonly deadline: number;
  /** For `LOGGER_RECOVERED`: how long the Logger had been silent (from its last phone-home, or registration). */
  readonly silentForMs?: number;
  /**
   * For `LOGGER_RECOVERED` and reminders: the id of the outage's `LOGGER_SILENT` alarm it belongs to. Paging
   * tools key an incident by it (PagerDuty's `dedup_key`, Opsgenie's `alias`: shared/domain/notices/outage.ts).
   */
  readonly outage?: string;
  /** The other side of the duplexed pair as the transition saw it (absent: no twin registered). */
  readonly twin?: TwinFacts;
  /**
   * The Logger reported a failure (a ping URL's `/fail` or non-zero exit status) rather than going silent:
   * on the `LOGGER_SILENT` it raised, and on the `LOGGER_RECOVERED` of the success that ended it.
   */
  readonly failure?: { readonly exitStatus?: number };
  /**
   * A ping URL's start not followed by a success within its grace (shared/domain/pings/runs.ts): on the
   * `LOGGER_SILENT` it raised, when the run started and the grace it had.
   */
  readonly didNotFinish?: { readonly startedAt: number; readonly graceMs: number };
  /**
   * For `LOGGER_ACKNOWLEDGED` (an operator took the alarm: `listener alarm ack`, the console, an ack link):
   * who. Incident tools get `acknowledge` for the outage; the other channels take nothing.
   */
  readonly ackBy?: string;
  /** For a `LOGGER_SILENT` reminder: its number (1 = first reminder after the alarm). */
  readonly reminder?: number;
  /**
   * Set on the `LOGGER_SILENT` alarm of a DOWN transition until the sweeper has looked at the twin after
   * writing DOWN (the blind-customer check, shared/listener/sweep/blind-customer.ts). The notice stays in the
   * outbox until then, even once delivered, so a check cut short by a crash is retried by the next sweep.
   */
  readonly awaitingTwin?: true;
  /**
   * Who may deliver this notice now (shared/domain/notices/notice-claims.ts): the writer whose conditional write
   * set the claim, until `until`. Absent or expired: the next publisher may claim it in its own write.
   */
  readonly claim?: NoticeClaim;
  /** Channels that delivered this notice (it stays in the outbox until every channel has). */
  readonly sent?: readonly string[];
  /** Publication attempts per channel, successful or not. */
  readonly attempts?: Readonly<Record<string, number>>;
}

/** A notice's claim: the writer (a claim id unique to one publication) that alone delivers it until `until`. */
export interface NoticeClaim {
  readonly by: string;
  readonly until: number;
}

/** What a notice says about a Logger's twin (the other side of its customer). */
export interface TwinFacts {
  readonly side: Side;
  readonly state: LoggerState;
  readonly lastSeenAt?: number;
}

/** Who owns an alarm (AlarmTracker's "assign"): set by `listener alarm ack`, cleared on recovery. */
export interface Acknowledgement {
  readonly by: string;
  readonly at: number;
  readonly ticket?: string;
  readonly note?: string;
}

/** A planned-work window: while `from <= now < to` a silent Logger is not paged. */
export interface MaintenanceWindow {
  readonly id: string;
  readonly from: number;
  readonly to: number;
  readonly reason?: string;
}

/**
 * A Logger's pages held by a mass silence (shared/domain/guards/mass-silence.ts): kept aside until `until`, then
 * moved to the outbox; `dropped` when an operator discarded them (`release-mass-silence --drop`).
 */
export interface HeldPages {
  readonly notices: readonly StateNotice[];
  readonly until: number;
  readonly dropped?: { readonly by: string; readonly at: number };
}

/** Arrival history: the last {@link ARRIVALS_KEPT} phone-home times are shown and diagnosed. */
export const ARRIVALS_KEPT = 20;
/**
 * The one-request heartbeat path appends arrivals while fewer than this are stored; at the cap the next
 * heartbeat takes the state machine's path, which trims to {@link ARRIVALS_KEPT} (about one in 20).
 */
export const ARRIVALS_CAP = 40;

/** A Logger as stored. Times are epoch milliseconds on the Listener's clock. */
export interface Logger extends LoggerId, LoggerSettings {
  readonly state: StoredState;
  readonly registeredAt: number;
  readonly lastSeenAt?: number;
  /**
   * When the Logger will be declared silent if it does not phone home: last phone-home + event timeout, or
   * for a cron Logger the next occurrence after it + grace ({@link deadlineAfter}).
   */
  readonly deadline: number;
  /** Set while `DOWN`: when the alarm was raised. */
  readonly downSince?: number;
  /** Bumped by every state change (not by plain heartbeats); guards outbox and transition writes. */
  readonly revision: number;
  /** Notifications recorded with a state change and not yet published. */
  readonly outbox: readonly StateNotice[];
  /** When the sweeper should look at this Logger next (deadline, or an outbox retry); absent = never. */
  readonly dueAt?: number;
  /** Interval and agent the Logger itself reported in its last heartbeat, for diagnosis only. */
  readonly reportedIntervalMs?: number;
  readonly agent?: string;
  /** Recent phone-home times, oldest first (up to {@link ARRIVALS_CAP}; read through {@link recentArrivals}). */
  readonly arrivals?: readonly number[];
  /** Set while DOWN when someone owns the alarm; reminders stop. */
  readonly ack?: Acknowledgement;
  /** Planned-work windows (current and future). */
  readonly maintenance?: readonly MaintenanceWindow[];
  /** While DOWN with reminders on: when the next reminder is due (kept in the due index). */
  readonly remindAt?: number;
  /** Reminders sent in the current DOWN episode. */
  readonly reminders?: number;
  /** Set while DOWN in a mass silence: its pages, not yet sent (no page went out for this episode). */
  readonly held?: HeldPages;
  /**
   * Which Listener recorded its phone-homes, by Listener name (the two Listeners of a pair share the table):
   * the first and the last phone-home each one heard. `listener doctor` checks the pairing with it.
   */
  readonly heardBy?: Readonly<Record<string, Hearing>>;
  /** The Listener that recorded the latest phone-home. */
  readonly lastHeardBy?: string;
  /**
   * A ping URL's `/start`s not yet closed by a success or a failure, oldest first (shared/domain/pings/runs.ts):
   * at most {@link MAX_OPEN_RUNS}. Each must end within {@link runGraceMs} or the Logger pages "did not finish".
   */
  readonly runs?: readonly RunStart[];
  /** The latest run closed by a success or failure whose start it matched (by `rid`): its duration. */
  readonly lastRun?: FinishedRun;
  /** Set while DOWN because the Logger reported a failure (`/fail`, a non-zero exit status), not a silence. */
  readonly failure?: ReportedFailure;
  /** The latest `/log` ping (recorded only: it changes nothing else). */
  readonly lastLogAt?: number;
  /**
   * Pings recorded so far (any signal): numbers the slots of its ping history (shared/domain/pings/history.ts).
   * Only ping writes move it; a transition that counts a ping writes it conditional on the count it read.
   */
  readonly pingSeq?: number;
  /**
   * Its latest pings, oldest first, the last one being ping number `pingSeq` (shared/domain/pings/history.ts):
   * appended by the write that records each ping, moved out a chunk (PING_CHUNK) at a time into the history.
   * Only ping writes touch it (a heartbeat never does).
   */
  readonly recentPings?: readonly RecentPing[];
}

/**
 * A ping as its Logger's history keeps it (shared/domain/pings/history.ts), without its number (its place in
 * {@link Logger.recentPings} says it) or its body (kept apart). Texts are untrusted and truncated.
 */
export interface RecentPing {
  readonly at: number;
  readonly kind: PingSignal['kind'];
  readonly exitStatus?: number;
  /** A success's or failure's run time since the start it closed (the start/rid pairing). */
  readonly durationMs?: number;
  readonly method?: string;
  readonly source?: string;
  readonly userAgent?: string;
  /** The body's full size in bytes, when it had one. */
  readonly bodyBytes?: number;
}

/** A `/start`: when (Listener clock), and the run id (`?rid=`) it was sent with, if any. */
export interface RunStart {
  readonly at: number;
  readonly rid?: string;
}

/** A run a success or failure closed: its start, its end, how long it ran, and how it ended. */
export interface FinishedRun {
  readonly startedAt: number;
  readonly endedAt: number;
  readonly durationMs: number;
  readonly outcome: 'success' | 'fail';
  readonly rid?: string;
}

/**
 * Open starts kept per Logger: Healthchecks keeps one (the latest); a few let overlapping runs with their
 * own `rid` each be paired, while the Logger item stays small. A sixth start drops the oldest.
 */
export const MAX_OPEN_RUNS = 5;

/** A failure a Logger reported through its ping URL: when, and the exit status if it sent one. */
export interface ReportedFailure {
  readonly at: number;
  readonly exitStatus?: number;
}

/** When one Listener heard a Logger: its first and its latest phone-home there (Listener clock). */
export interface Hearing {
  readonly first: number;
  readonly last: number;
}

/** The last {@link ARRIVALS_KEPT} arrival times, oldest first. */
export function recentArrivals(logger: Pick<Logger, 'arrivals'>): number[] {
  return [...(logger.arrivals ?? [])].sort((a, b) => a - b).slice(-ARRIVALS_KEPT);
}

/** The Listeners that heard the Logger since `since`, most recent first. */
export function listenersHeardSince(logger: Pick<Logger, 'heardBy'>, since: number): string[] {
  return Object.entries(logger.heardBy ?? {})
    .filter(([, h]) => h.last >= since)
    .sort(([, a], [, b]) => b.last - a.last)
    .map(([name]) => name);
}

/** The real intervals between consecutive arrivals (ms), oldest first. */
export function arrivalIntervals(arrivals: readonly number[]): number[] {
  return arrivals.slice(1).map((at, i) => at - (arrivals[i] ?? at));
}

/** The other side of a Logger's customer: A ↔ B. */
export function twinOf(id: LoggerId): LoggerId {
  return { customer: id.customer, side: id.side === 'A' ? 'B' : 'A' };
}

/** The maintenance window covering `now`, if any. */
export function activeWindow(
  logger: Pick<Logger, 'maintenance'>,
  now: number,
): MaintenanceWindow | undefined {
  return logger.maintenance?.find((w) => w.from <= now && now < w.to);
}

/** A maintenance window with the Loggers that hold it. */
export interface ListedWindow extends MaintenanceWindow {
  readonly loggers: string[];
}

/** Every window still on or to come across `loggers`, with the Loggers holding it, soonest first. */
export function collectWindows(loggers: readonly Logger[], now: number): ListedWindow[] {
  const byId = new Map<string, ListedWindow>();
  for (const l of loggers) {
    for (const w of l.maintenance ?? []) {
      if (w.to <= now) continue;
      const listed = byId.get(w.id) ?? { ...w, loggers: [] };
      listed.loggers.push(formatLoggerId(l));
      byId.set(w.id, listed);
    }
  }
  return [...byId.values()].sort((a, b) => a.from - b.from);
}

/** The default interval of the reference note's CSFS heartbeat and the Listener Event Timeout. */
export const DEFAULT_HEARTBEAT_INTERVAL_MS = 720 * 60_000;
export const DEFAULT_EVENT_TIMEOUT_MS = 780 * 60_000;
/** The reference note: a heartbeat interval at least one hour less than the event timeout is sufficient. */
export const MIN_TIMEOUT_MARGIN_MS = 60 * 60_000;

/**
 * The state a person should see now: `UP` past its heartbeat interval (a cron Logger: past the occurrence it
 * is due for) shows `LATE` — also past its deadline until the next sweep declares it `DOWN`, since only the
 * sweep pages.
 */
export function displayState(logger: Logger, now: number): LoggerState {
  if (logger.state !== 'UP' || logger.lastSeenAt === undefined) return logger.state;
  return now > lateAfter(logger, logger.deadline, logger.lastSeenAt) ? 'LATE' : 'UP';
}

/**
 * How long a started run may take before the Logger pages "did not finish": for an interval Logger the
 * reference note's margin, timeout − interval (60 minutes by default). Deadline math lives here, beside
 * {@link deadlineAfter}, so schedules (cron) change both in one place.
 */
export function runGraceMs(logger: Pick<Logger, 'eventTimeoutMs' | 'heartbeatIntervalMs'>): number {
  return Math.max(0, logger.eventTimeoutMs - logger.heartbeatIntervalMs);
}

/** When a run started at `startedAt` must have finished. */
export function runDeadline(
  logger: Pick<Logger, 'eventTimeoutMs' | 'heartbeatIntervalMs'>,
  startedAt: number,
): number {
  return startedAt + runGraceMs(logger);
}

/** A brand-new Logger: it alarms at `registeredAt + eventTimeout` if it never phones home. */
export function newLogger(id: LoggerId, settings: LoggerSettings, registeredAt: number): Logger {
  const deadline = deadlineAfter(settings, registeredAt);
  return {
    ...id,
    ...settings,
    state: 'NEW',
    registeredAt,
    deadline,
    dueAt: deadline,
    revision: 0,
    outbox: [],
  };
}
