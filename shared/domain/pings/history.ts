/**
 * A Logger's history: its recent pings and its past outages, bounded so storage never grows with every
 * heartbeat. Pings are numbered by the Logger's ping count (`pingSeq`): the write that records a ping
 * appends it (without its body) to the Logger's own short list of recent pings, and every
 * {@link PING_CHUNK} of them move out into one of {@link PING_CHUNK_SLOTS} chunks, so the last
 * {@link PING_HISTORY_SLOTS} are kept; an outage is recorded once, when it ends, and expires after
 * {@link OUTAGE_RETENTION_MS}.
 * Pure: data in, entries out. What a ping carries from its request (source address, user agent, body) is
 * untrusted text: it is kept truncated here, escaped in HTML and made printable on a terminal by its readers.
 */
import type { Logger, RecentPing } from '../logger.js';

export type { RecentPing };

import { PING_BODY_LIMIT, type PingSignal } from './ping.js';

/** Pings kept per Logger (and bodies: the 101st ping's body takes the 1st one's place). */
export const PING_HISTORY_SLOTS = 100;
/**
 * Recent pings the Logger item gathers before they move out as one chunk: one more write (and the chunk's
 * put) per {@link PING_CHUNK} pings, so a ping costs 1 + 2/20 = 1.1 requests in steady state.
 */
export const PING_CHUNK = 20;
/** Chunks kept: {@link PING_HISTORY_SLOTS} pings. */
export const PING_CHUNK_SLOTS = PING_HISTORY_SLOTS / PING_CHUNK;
/** How long a past outage is kept (90 days). */
export const OUTAGE_RETENTION_MS = 90 * 24 * 60 * 60 * 1000;
/** Characters kept of a ping's user agent and source address. */
export const USER_AGENT_LIMIT = 64;
const SOURCE_LIMIT = 45;
const METHOD_LIMIT = 8;

/** What a ping's request says about who sent it (all untrusted, all optional). */
export interface PingRequestFacts {
  readonly method?: string;
  readonly sourceIp?: string;
  readonly userAgent?: string;
  /** The POST body as received (any bytes). */
  readonly body?: Uint8Array;
}

/** One ping as its history keeps it: numbered, with its body's first bytes if it had one. */
export interface PingEntry extends RecentPing {
  /** The Logger's ping count when it was recorded: its order. */
  readonly seq: number;
  /** The first {@link PING_BODY_LIMIT} bytes of the body, decoded as UTF-8 (invalid bytes replaced). */
  readonly body?: string;
}

/** Why a Logger was DOWN. */
export type OutageCause =
  | { readonly kind: 'silence' }
  | { readonly kind: 'failure'; readonly exitStatus?: number };

/** One past outage: from the DOWN write to the phone-home that cleared it. */
export interface Outage {
  readonly start: number;
  readonly end: number;
  readonly lengthMs: number;
  readonly cause: OutageCause;
  /** Who had acknowledged it when it ended (absent: nobody). */
  readonly acknowledgedBy?: string;
}

/** The body a ping's request carried, as its history keeps it (its own item: never in the Logger's). */
export interface PingBody {
  readonly body: string;
  readonly bodyBytes: number;
}

/** What `logger show` and the console read: pings newest first, outages newest first. */
export interface LoggerHistoryView {
  readonly pings: readonly PingEntry[];
  readonly outages: readonly Outage[];
}

/** The body's slot of ping number `seq` (1-based, as the Logger's count after recording it). */
export function pingSlot(seq: number): number {
  return (((seq - 1) % PING_HISTORY_SLOTS) + PING_HISTORY_SLOTS) % PING_HISTORY_SLOTS;
}

/** The chunk slot of the chunk whose first ping follows ping number `base`. */
export function chunkSlot(base: number): number {
  return Math.floor(base / PING_CHUNK) % PING_CHUNK_SLOTS;
}

/** The recent pings `logger` holds, numbered: the last is its `pingSeq`th ping. */
export function recentEntries(logger: {
  readonly pingSeq?: number;
  readonly recentPings?: readonly RecentPing[];
}): PingEntry[] {
  const recent = logger.recentPings ?? [];
  const base = (logger.pingSeq ?? recent.length) - recent.length;
  return recent.map((ping, i) => ({ ...ping, seq: base + i + 1 }));
}

/**
 * `next` (a transition of `before`) counting one more ping, `ping` kept last among its recent pings: the
 * write that records the transition appends it, conditional on the count `before` had.
 */
export function withPingKept<L extends Logger>(next: L, before: Logger, ping: RecentPing): L {
  return { ...next, pingSeq: (before.pingSeq ?? 0) + 1, recentPings: [...(before.recentPings ?? []), ping] };
}

/** The ping `at` with `signal` from `facts`, as the Logger item keeps it (texts truncated, no body). */
export function recentPing(
  at: number,
  signal: PingSignal,
  facts: PingRequestFacts,
  extra: { readonly durationMs?: number } = {},
): RecentPing {
  const { seq: _, body: __, ...recent } = pingEntry(0, at, signal, facts, extra);
  return recent;
}

/** The body `facts` carry, as kept (its first {@link PING_BODY_LIMIT} bytes); undefined without one. */
export function pingBody(facts: PingRequestFacts): PingBody | undefined {
  const { body, bodyBytes } = pingEntry(
    0,
    0,
    { kind: 'log' },
    { ...(facts.body ? { body: facts.body } : {}) },
  );
  return body === undefined || bodyBytes === undefined ? undefined : { body, bodyBytes };
}

/** The history entry of ping number `seq` with `signal`, received at `at` by `facts` (truncated). */
export function pingEntry(
  seq: number,
  at: number,
  signal: PingSignal,
  facts: PingRequestFacts,
  extra: { readonly durationMs?: number } = {},
): PingEntry {
  const exitStatus = signal.kind === 'fail' ? signal.exitStatus : signal.kind === 'success' ? 0 : undefined;
  const body = facts.body && facts.body.length > 0 ? facts.body : undefined;
  return {
    seq,
    at,
    kind: signal.kind,
    ...(exitStatus === undefined ? {} : { exitStatus }),
    ...(extra.durationMs === undefined ? {} : { durationMs: extra.durationMs }),
    ...optionalText('method', facts.method, METHOD_LIMIT),
    ...optionalText('source', facts.sourceIp, SOURCE_LIMIT),
    ...optionalText('userAgent', facts.userAgent, USER_AGENT_LIMIT),
    ...(body
      ? {
          body: new TextDecoder('utf-8', { fatal: false }).decode(body.subarray(0, PING_BODY_LIMIT)),
          bodyBytes: body.length,
        }
      : {}),
  };
}

/** The outage a DOWN Logger had, ended at `end` by a phone-home; undefined if it was not DOWN. */
export function endedOutage(before: Logger, end: number): Outage | undefined {
  if (before.state !== 'DOWN' || before.downSince === undefined) return undefined;
  const cause: OutageCause = before.failure
    ? {
        kind: 'failure',
        ...(before.failure.exitStatus === undefined ? {} : { exitStatus: before.failure.exitStatus }),
      }
    : { kind: 'silence' };
  return {
    start: before.downSince,
    end,
    lengthMs: Math.max(0, end - before.downSince),
    cause,
    ...(before.ack ? { acknowledgedBy: before.ack.by } : {}),
  };
}

/** Newest first, one entry per ping number (a slot overwritten meanwhile shows its newer ping). */
export function newestFirst(pings: readonly PingEntry[]): PingEntry[] {
  return [...pings].sort((a, b) => b.seq - a.seq);
}

function optionalText<K extends string>(key: K, text: string | undefined, limit: number) {
  if (text === undefined || text === '') return {};
  return { [key]: [...text].slice(0, limit).join('') } as { [P in K]?: string };
}
