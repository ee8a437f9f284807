/**
 * Registering a Logger: its settings are validated against the reference note's rule and its token is
 * generated (shown once, stored only as a hash).
 */

import { checkedContact, withContact } from '../domain/contact.js';
import { formatDuration } from '../domain/duration.js';
import { ValidationError } from '../domain/errors.js';
import {
  DEFAULT_HEARTBEAT_INTERVAL_MS,
  type Logger,
  type LoggerId,
  type LoggerSettings,
  MIN_TIMEOUT_MARGIN_MS,
  newLogger,
  type PhoneHomeConfig,
  type Transport,
} from '../domain/logger.js';
import { type CronSchedule, cronRhythm } from '../domain/pings/schedule.js';
import { generateBridgeToken, generateToken, hashToken } from '../domain/token.js';
import { counted } from '../domain/words.js';
import type { BridgeRegistry } from '../ports/bridge-registry.js';
import type { LoggerStore } from '../ports/logger-store.js';
import type { PingDirectory } from '../ports/ping-directory.js';
import { issuePingUrl } from './pings/ping-url.js';

export interface RegisterRequest extends LoggerId {
  readonly eventTimeoutMs: number;
  /** Absent: derived from the timeout (see {@link defaultInterval}). */
  readonly heartbeatIntervalMs?: number;
  readonly transport: Transport;
  /**
   * A cron Logger's schedule (checked by shared/domain/pings/schedule.ts `cronSchedule`): its timeout and interval
   * are then its rhythm (`cronRhythm`), and those given here are ignored.
   */
  readonly schedule?: CronSchedule;
  /** Modem Loggers: the Phone Home configuration they dial (checked by `listener doctor`). */
  readonly phoneHome?: PhoneHomeConfig;
  /** Modem Loggers: the bridge sites that may relay for it (shared/domain/bridge-binding.ts). */
  readonly bridges?: readonly string[];
  /** Whom to call about it, and a note for them (shared/domain/contact.ts; checked here). */
  readonly owner?: string;
  readonly note?: string;
}

export interface Registration {
  readonly logger: Logger;
  /** Shown once; only its hash is stored. */
  readonly token: string;
  /** Advice a person should see (e.g. the interval breaks the note's 60-minute rule). */
  readonly warnings: readonly string[];
  /** Its ping URL's uuid (shared/domain/pings/ping.ts), shown once like the token; absent when none was asked for. */
  readonly pingUuid?: string;
}

/** The reference note's rule, as help, errors and docs state it (checkSettings enforces it). */
export const INTERVAL_RULE =
  'the heartbeat interval must be shorter than the event timeout, and at least 60m shorter for a timeout of 2h or more (the reference note: 720m against 780m)';

/** What {@link defaultInterval} gives, in words. */
export const DEFAULT_INTERVAL_TEXT =
  '720m, or 60m under a timeout below 13h; under 2h (tests, demos) 12/13 of the timeout in whole seconds, e.g. 1m50s for 2m';

/**
 * The interval a Logger is expected to keep when none is given: the CSFS default of 720 minutes, or less
 * when the timeout is short, keeping the reference note's margin (or 12/13 of the timeout — the note's
 * 720/780 — for timeouts under two hours, as in tests and demos), in whole seconds so that JSON, export and
 * help all show the same number.
 */
export function defaultInterval(eventTimeoutMs: number): number {
  if (eventTimeoutMs - MIN_TIMEOUT_MARGIN_MS >= MIN_TIMEOUT_MARGIN_MS) {
    return Math.min(DEFAULT_HEARTBEAT_INTERVAL_MS, eventTimeoutMs - MIN_TIMEOUT_MARGIN_MS);
  }
  const seconds = Math.floor((eventTimeoutMs * 12) / 13 / 1_000) * 1_000;
  // A timeout under 2 s (only ever a test) has no whole second under it.
  return seconds >= 1_000 ? seconds : Math.max(1, Math.floor((eventTimeoutMs * 12) / 13));
}

/**
 * A timeout within two sweeps of the sweeper: a silence is noticed at the first sweep after the deadline,
 * up to one sweep period late, which is most of such a timeout. Advice for a person, not an error.
 */
export function sweepLagWarning(eventTimeoutMs: number, sweepEveryMs: number | undefined): string[] {
  if (!lagsBehindSweeps(eventTimeoutMs, sweepEveryMs)) return [];
  return [
    `the event timeout (${formatDuration(eventTimeoutMs)}) is shorter than two sweeps of this Listener (it sweeps every ${formatDuration(sweepEveryMs)}): a silence is detected up to ${formatDuration(sweepEveryMs)} after the deadline`,
  ];
}

/** Whether a silence under `eventTimeoutMs` can be noticed up to a sweep period late (see {@link sweepLagWarning}). */
function lagsBehindSweeps(eventTimeoutMs: number, sweepEveryMs: number | undefined): sweepEveryMs is number {
  return sweepEveryMs !== undefined && eventTimeoutMs < 2 * sweepEveryMs;
}

/** {@link sweepLagWarning} once for a whole import: how many of its rows, and the shortest timeout among them. */
export function importSweepLagWarning(
  eventTimeoutsMs: readonly number[],
  sweepEveryMs: number | undefined,
): string[] {
  const short = eventTimeoutsMs.filter((ms) => lagsBehindSweeps(ms, sweepEveryMs));
  if (short.length === 0 || sweepEveryMs === undefined) return [];
  return [
    `${counted(short.length, 'row')} ${short.length === 1 ? 'has an event timeout' : 'have event timeouts'} (shortest ${formatDuration(Math.min(...short))}) shorter than two sweeps of this Listener (it sweeps every ${formatDuration(sweepEveryMs)}): their silences are detected up to ${formatDuration(sweepEveryMs)} after the deadline`,
  ];
}

/**
 * Checks settings; returns warnings for what works but breaks the reference note's advice. For a cron Logger
 * the note's 60-minute margin is its grace: a run starting or finishing later than that pages.
 */
export function checkSettings(settings: LoggerSettings): string[] {
  const { eventTimeoutMs, heartbeatIntervalMs, schedule } = settings;
  if (schedule) {
    return schedule.graceMs < MIN_TIMEOUT_MARGIN_MS
      ? [
          `the grace (${formatDuration(schedule.graceMs)}) is under 60 minutes: a run that starts late or takes longer than that raises an alarm`,
        ]
      : [];
  }
  if (heartbeatIntervalMs >= eventTimeoutMs) {
    throw new ValidationError(
      `the heartbeat interval (${formatDuration(heartbeatIntervalMs)}) must be shorter than the event timeout (${formatDuration(eventTimeoutMs)}), or the Logger alarms between heartbeats`,
    );
  }
  if (
    eventTimeoutMs - heartbeatIntervalMs < MIN_TIMEOUT_MARGIN_MS &&
    eventTimeoutMs >= 2 * MIN_TIMEOUT_MARGIN_MS
  ) {
    return [
      `the heartbeat interval (${formatDuration(heartbeatIntervalMs)}) is less than 60 minutes under the event timeout (${formatDuration(eventTimeoutMs)}): one late or retried call raises an alarm`,
    ];
  }
  return [];
}

/**
 * Registers a new Logger at `now`, with a ping URL when given the directory (`pings`); throws
 * `LoggerExistsError` if it is already registered.
 */
export async function registerLogger(
  loggers: LoggerStore,
  request: RegisterRequest,
  now: number,
  pings?: PingDirectory,
): Promise<Registration> {
  const settings: LoggerSettings = {
    ...(request.schedule
      ? { ...cronRhythm(request.schedule), schedule: request.schedule }
      : {
          eventTimeoutMs: request.eventTimeoutMs,
          heartbeatIntervalMs: request.heartbeatIntervalMs ?? defaultInterval(request.eventTimeoutMs),
        }),
    transport: request.transport,
    ...(request.phoneHome ? { phoneHome: request.phoneHome } : {}),
    ...(request.bridges?.length ? { bridges: request.bridges } : {}),
    ...withContact({}, checkedContact({ owner: request.owner, note: request.note })),
  };
  if (request.phoneHome && request.transport !== 'modem') {
    throw new ValidationError('a Phone Home configuration (phone numbers) applies to modem Loggers only');
  }
  if (request.bridges?.length && request.transport !== 'modem') {
    throw new ValidationError('bridge sites relay for modem Loggers only: add --transport modem');
  }
  const warnings = checkSettings(settings);
  const logger = newLogger({ customer: request.customer, side: request.side }, settings, now);
  const token = generateToken(logger);
  await loggers.register(logger, hashToken(token));
  if (!pings) return { logger, token, warnings };
  return { logger, token, warnings, pingUuid: await issuePingUrl(pings, logger, {}) };
}

export interface BridgeRegistration {
  readonly site: string;
  /** Sent by the bridge to `/v1/relay`; shown once. */
  readonly relayToken: string;
  /** The bridge's own Logger (`bridge-<site>/A`), so a dead bridge alarms like any silent Logger. */
  readonly self: Registration;
}

/**
 * Registers a dial-in bridge: its relay credential and its own Logger `bridge-<site>/A`, which the bridge
 * heartbeats every `heartbeatIntervalMs` and which alarms after `eventTimeoutMs` of silence.
 */
export async function registerBridge(
  ports: { readonly loggers: LoggerStore; readonly bridges: BridgeRegistry },
  request: { site: string; eventTimeoutMs: number; heartbeatIntervalMs?: number },
  now: number,
): Promise<BridgeRegistration> {
  const relayToken = generateBridgeToken(request.site);
  const self = await registerLogger(
    ports.loggers,
    {
      customer: `bridge-${request.site}`,
      side: 'A',
      eventTimeoutMs: request.eventTimeoutMs,
      ...(request.heartbeatIntervalMs === undefined
        ? {}
        : { heartbeatIntervalMs: request.heartbeatIntervalMs }),
      transport: 'https',
    },
    now,
  );
  await ports.bridges.registerBridge({
    site: request.site,
    tokenHash: hashToken(relayToken),
    registeredAt: now,
  });
  return { site: request.site, relayToken, self };
}
