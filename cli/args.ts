/**
 * Parsing and presenting what the operators' commands share: Logger ids, times, colour, confirmation,
 * and a Logger as JSON.
 */
import { createInterface } from 'node:readline/promises';
import { DURATION_FORMS, parseDuration } from '../shared/domain/duration.js';
import {
  customerSchema,
  displayState,
  formatLoggerId,
  type Logger,
  type LoggerId,
  parseLoggerId,
  recentArrivals,
} from '../shared/domain/logger.js';
import { cronJson } from '../shared/domain/pings/schedule.js';
import { UsageError } from './target.js';

/** `geocust1/A` as a command argument (usage error naming the form otherwise). */
export function loggerArg(text: string): LoggerId {
  try {
    return parseLoggerId(text);
  } catch {
    const [customer = '', side = ''] = text.split('/');
    const lower = `${customer.toLowerCase()}/${side.toUpperCase()}`;
    if (customer !== customer.toLowerCase() && isLoggerId(lower)) {
      throw new UsageError(`"${text}" is not a Logger id: customer names are lower-case`, `write ${lower}`);
    }
    throw new UsageError(
      `"${text}" is not a Logger id`,
      'write <customer>/<side>, e.g. geocust1/A; see the ids with: listener logger list',
    );
  }
}

function isLoggerId(text: string): boolean {
  try {
    parseLoggerId(text);
    return true;
  } catch {
    return false;
  }
}

/** A customer name as typed: lower-case letters, digits and `-` (an upper-case one is named lower-case). */
export function customerArg(text: string): string {
  const parsed = customerSchema.safeParse(text);
  if (parsed.success) return parsed.data;
  if (customerSchema.safeParse(text.toLowerCase()).success) {
    throw new UsageError(
      `customer "${text}" is not a customer name: customer names are lower-case`,
      `write ${text.toLowerCase()}`,
    );
  }
  throw new UsageError(
    `customer "${text}" is not a customer name (${parsed.error.issues[0]?.message})`,
    'use lower-case letters, digits and -, e.g. geocust1',
  );
}

/** `geocust1/A` (one Logger) or `geocust1` (both sides of the customer). */
export function loggerOrCustomerArg(text: string): { customer: string; side?: 'A' | 'B' } {
  if (text.includes('/')) return loggerArg(text);
  const parsed = customerSchema.safeParse(text);
  if (!parsed.success) {
    if (customerSchema.safeParse(text.toLowerCase()).success) {
      throw new UsageError(
        `"${text}" is not a customer: customer names are lower-case`,
        `write ${text.toLowerCase()}`,
      );
    }
    throw new UsageError(
      `"${text}" is neither a Logger (geocust1/A) nor a customer (geocust1)`,
      'write one of those; see them with: listener logger list',
    );
  }
  return { customer: parsed.data };
}

/**
 * A point in time: `now`, an ISO 8601 time (`2026-11-24T22:00Z`, `2026-11-24 22:00`, UTC unless it says
 * otherwise), or a duration from now (`+2h`, `2h`).
 */
export function timeArg(flag: string, text: string, now: number): number {
  const trimmed = text.trim();
  if (trimmed === 'now') return now;
  const relative = relativeDuration(trimmed.replace(/^\+/, ''));
  if (relative !== undefined) return now + relative;
  const iso = trimmed.replace(' ', 'T');
  const zoned = /[zZ]|[+-]\d\d:?\d\d$/.test(iso) ? iso : `${iso}Z`;
  const ms = /^\d{4}-\d\d-\d\d/.test(iso) ? Date.parse(zoned) : Number.NaN;
  if (Number.isNaN(ms)) {
    throw new UsageError(
      `${flag} "${text}" is not a time`,
      'write now, a time such as 2026-11-24T22:00Z, or a duration from now such as +2h or +1h30m',
    );
  }
  return ms;
}

function relativeDuration(text: string): number | undefined {
  try {
    return parseDuration(text);
  } catch {
    return undefined;
  }
}

/**
 * A duration flag (`--since 24h`). A mistake is a usage error naming the flag and saying what was probably
 * meant: a missing unit, zero, a negative or an over-long value each get their own answer.
 */
export function durationArg(flag: string, text: string): number {
  try {
    return parseDuration(text);
  } catch {
    const trimmed = text.trim();
    if (/^\d+$/.test(trimmed)) {
      throw new UsageError(
        `${flag} "${text}" has no unit`,
        `write the number and its unit in one word, e.g. ${flag} ${trimmed}m (s, m, h or d)`,
      );
    }
    if (/^-\s*\d/.test(trimmed)) {
      throw new UsageError(`${flag} "${text}" is negative`, `write a positive duration, e.g. ${flag} 10s`);
    }
    if (/^0+[smhd]$/.test(trimmed)) {
      throw new UsageError(`${flag} "${text}" is too short`, `the shortest is 1s, e.g. ${flag} 30s`);
    }
    if (/^\d+[smhd]$/.test(trimmed)) {
      throw new UsageError(`${flag} "${text}" is too long`, `the longest is 366d`);
    }
    throw new UsageError(`${flag} "${text}" is not a duration`, `write ${DURATION_FORMS}`);
  }
}

/**
 * A whole-number flag (`--limit 50`) within `min`..`max`; anything else (a fraction, a sign, `1e3`, out of
 * range) is a usage error naming the flag, its range and an example.
 */
export function wholeNumberFlag(
  flag: string,
  text: string,
  range: { readonly min: number; readonly max: number; readonly example: number },
): number {
  const value = /^\d+$/.test(text.trim()) ? Number(text) : Number.NaN;
  if (!(value >= range.min && value <= range.max)) {
    throw new UsageError(
      `${flag} "${text}" is not a whole number from ${range.min} to ${range.max}`,
      `e.g. ${flag} ${range.example}`,
    );
  }
  return value;
}

export function iso(ms: number | undefined): string | null {
  return ms === undefined ? null : new Date(ms).toISOString();
}

/** Colours for a terminal; plain text when piped, with NO_COLOR, or with --no-color. */
export function palette(enabled: boolean) {
  const wrap = (code: number) => (text: string) => (enabled ? `\u001b[${code}m${text}\u001b[0m` : text);
  return { red: wrap(31), yellow: wrap(33), green: wrap(32), dim: wrap(2), bold: wrap(1), cyan: wrap(36) };
}

export function colourWanted(opts: { color?: boolean }): boolean {
  return opts.color !== false && Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;
}

/**
 * Asks before something that cannot be undone. `--yes` skips the question; with no terminal to ask on
 * (CI, a pipe) it refuses as a usage error rather than wait or guess.
 */
export async function confirm(question: string, yes: boolean | undefined, hint: string): Promise<boolean> {
  if (yes) return true;
  if (!process.stdin.isTTY) {
    throw new UsageError(
      `${question.replace(/\?$/, '')}: refused without confirmation (no terminal to ask on)`,
      hint,
    );
  }
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(`${question} [y/N] `);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}

/** A Logger as the read commands print it with --json: ISO times, minutes, display state. */
export function loggerJson(logger: Logger, now: number) {
  return {
    logger: formatLoggerId(logger),
    customer: logger.customer,
    side: logger.side,
    state: displayState(logger, now),
    transport: logger.transport,
    /** A cron Logger's schedule (its timeout and interval below are derived: shared/domain/pings/schedule.ts). */
    schedule: logger.schedule ? cronJson(logger.schedule, logger.deadline) : { kind: 'interval' },
    eventTimeoutMinutes: logger.eventTimeoutMs / 60_000,
    heartbeatIntervalMinutes: logger.heartbeatIntervalMs / 60_000,
    /** Exact, where minutes are a fraction (a short test timeout's default interval, e.g. 110 s). */
    eventTimeoutSeconds: logger.eventTimeoutMs / 1_000,
    heartbeatIntervalSeconds: logger.heartbeatIntervalMs / 1_000,
    registeredAt: iso(logger.registeredAt),
    lastSeenAt: iso(logger.lastSeenAt),
    deadline: iso(logger.deadline),
    downSince: logger.state === 'DOWN' ? iso(logger.downSince) : null,
    phoneHome: logger.phoneHome ?? null,
    /** Whom to call about it, and a note for them (`logger set --owner/--note`). */
    owner: logger.owner ?? null,
    note: logger.note ?? null,
    /** Modem Loggers: the bridge sites that may relay for it ([]: any bridge, not bound). */
    ...(logger.transport === 'modem' ? { bridges: logger.bridges ?? [] } : {}),
    ack: logger.ack ? { ...logger.ack, at: iso(logger.ack.at) } : null,
    maintenance: (logger.maintenance ?? [])
      .filter((w) => w.to > now)
      .map((w) => ({ ...w, from: iso(w.from), to: iso(w.to) })),
    pendingNotifications: logger.outbox.length,
    reportedIntervalMinutes:
      logger.reportedIntervalMs === undefined ? null : logger.reportedIntervalMs / 60_000,
    agent: logger.agent ?? null,
    arrivals: recentArrivals(logger).map((at) => iso(at)),
    /** Which Listener of a pair heard it: first and last phone-home each recorded. */
    heardBy: Object.fromEntries(
      Object.entries(logger.heardBy ?? {}).map(([name, h]) => [
        name,
        { first: iso(h.first), last: iso(h.last) },
      ]),
    ),
    lastHeardBy: logger.lastHeardBy ?? null,
  };
}
