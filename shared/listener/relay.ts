/**
 * Records relayed by an on-prem dial-in bridge for modem Loggers, answered one by one `accepted`,
 * `duplicate`, `rejected` or `refused` (with a reason), so the bridge retries only what it should.
 *
 * The bridge is the one its token names: an envelope naming another site is refused as a whole (403). A
 * record for a modem Logger bound to other bridge sites is answered `refused` (shared/domain/bridge-binding.ts):
 * never stored, never a phone-home; the bridge's tally of refusals grows by one write per request at most.
 *
 * One relay batch is one phone-home per Logger, at the latest time the bridge received a new record of
 * it: a batch of 30 spooled heartbeats does not count as 30 arrivals, and a batch the Listener already had
 * (a resend after a lost answer) counts as none.
 */
import { mayRelay, notBoundReason } from '../domain/bridge-binding.js';
import { BridgeMismatchError } from '../domain/errors.js';
import type { LoggerEvent } from '../domain/event.js';
import { formatLoggerId, type LoggerId } from '../domain/logger.js';
import {
  RECORD_ID_PATTERN,
  type RelayRecord,
  type RelayResult,
  relayRecordSchema,
} from '../relay/protocol.js';
import type { ListenerDeps } from './deps.js';
import { type EventDeps, inlineDeadline, publishEvents } from './events.js';
import { phoneHomeAs } from './phone-home.js';

/** What relaying a bridge's records uses: an event ingest's ports and the bridge registry. */
export type RelayDeps = EventDeps & Pick<ListenerDeps, 'bridges'>;

/** A record the Listener will never take as it is: the bridge dead-letters it. */
class RecordRejected extends Error {
  override readonly name: string = 'RecordRejected';
  readonly status: 'rejected' | 'refused' = 'rejected';
}

/** A record of a Logger bound to other bridge sites: this bridge may not speak for it. */
class RecordRefused extends RecordRejected {
  override readonly name = 'RecordRefused';
  override readonly status: 'rejected' | 'refused' = 'refused';
}

/**
 * The relay request of the bridge of `site` (authenticated: see authenticate.ts): refuses an envelope
 * naming another site, applies the records, and counts those refused on the bridge (one write at most).
 */
export async function relayFor(
  deps: RelayDeps,
  site: string,
  body: { readonly bridge?: string | undefined; readonly records: readonly unknown[] },
  now: number,
): Promise<RelayResult[]> {
  if (body.bridge !== undefined && body.bridge !== site) throw new BridgeMismatchError();
  const results = await relayRecords(deps, site, now, body.records);
  const refused = results.filter((r) => r.status === 'refused').length;
  if (refused === 0) return results;
  try {
    await deps.bridges.countRefused(site, refused, now);
  } catch (error) {
    // A tally for operators: losing one count must not turn answered records into a 503 and a resend.
    deps.log.warn('could not count refused records', {
      refused,
      error: error instanceof Error ? error.name : 'unknown',
    });
  }
  return results;
}

interface Valid {
  readonly index: number;
  readonly record: RelayRecord;
}

/**
 * Applies the records of an authenticated bridge (see authenticate.ts): each Logger's records together,
 * in order, as one phone-home.
 */
export async function relayRecords(
  deps: RelayDeps,
  site: string,
  now: number,
  records: readonly unknown[],
): Promise<RelayResult[]> {
  const results: RelayResult[] = [];
  const byLogger = new Map<string, Valid[]>();
  for (const [index, raw] of records.entries()) {
    const parsed = relayRecordSchema.safeParse(raw);
    if (parsed.success) {
      const key = formatLoggerId(parsed.data);
      byLogger.set(key, [...(byLogger.get(key) ?? []), { index, record: parsed.data }]);
      continue;
    }
    const issue = parsed.error.issues[0];
    const field = issue?.path.length ? `${issue.path.join('.')}: ` : '';
    results[index] = {
      id: recordId(raw, index),
      status: 'rejected',
      reason: `${field}${issue?.message ?? 'invalid record'}`,
    };
  }
  for (const group of byLogger.values()) {
    for (const [index, result] of await applyGroup(deps, site, group, now)) results[index] = result;
  }
  return results;
}

/** The record's id, to answer by; a malformed one is never repeated back: the record's position is. */
function recordId(raw: unknown, index: number): string {
  const id = (raw as { id?: unknown } | null)?.id;
  return typeof id === 'string' && RECORD_ID_PATTERN.test(id) ? id : `#${index}`;
}

/** Applies one Logger's records of a batch; a store failure fails the whole batch (503, retried). */
async function applyGroup(
  deps: RelayDeps,
  site: string,
  group: readonly Valid[],
  now: number,
): Promise<Map<number, RelayResult>> {
  const first = group[0]?.record as RelayRecord;
  const loggerId: LoggerId = { customer: first.customer, side: first.side };
  const answers = new Map<number, RelayResult>();
  const seen = await deps.bridges.relayedRecordsSeen(
    loggerId,
    group.map((g) => g.record.id),
    now,
  );
  // A resend is answered `duplicate` only to a bridge that may relay for the Logger (a rare second read):
  // another bridge learns nothing of its records.
  const bound = seen.size > 0 ? await deps.loggers.get(loggerId) : undefined;
  if (bound && !mayRelay(bound, site)) return answerAll(group, notBoundReason(bound, site), 'refused');
  const fresh: Valid[] = [];
  for (const entry of group) {
    const repeated = seen.has(entry.record.id) || fresh.some((f) => f.record.id === entry.record.id);
    if (repeated) answers.set(entry.index, { id: entry.record.id, status: 'duplicate' });
    else fresh.push(entry);
  }
  if (fresh.length === 0) return answers;
  try {
    await applyFresh(deps, site, loggerId, fresh, now);
  } catch (error) {
    if (!(error instanceof RecordRejected)) throw error;
    for (const [index, answer] of answerAll(fresh, error.message, error.status)) answers.set(index, answer);
    return answers;
  }
  // Marked applied last: a failure before leaves them unmarked, so the bridge's retry applies them then.
  const claimed = await Promise.all(
    fresh.map(({ record }) =>
      deps.bridges.claimRelayedRecord(loggerId, record.id, now + deps.eventRetentionMs, now),
    ),
  );
  for (const [i, { index, record }] of fresh.entries()) {
    answers.set(index, { id: record.id, status: claimed[i] ? 'accepted' : 'duplicate' });
  }
  return answers;
}

function answerAll(
  group: readonly Valid[],
  reason: string,
  status: 'rejected' | 'refused',
): Map<number, RelayResult> {
  return new Map(group.map(({ index, record }) => [index, { id: record.id, status, reason }]));
}

async function applyFresh(
  deps: RelayDeps,
  site: string,
  loggerId: LoggerId,
  fresh: readonly Valid[],
  now: number,
) {
  const at = (record: RelayRecord) => Math.min(now, record.receivedAt ? Date.parse(record.receivedAt) : now);
  const latest = Math.max(...fresh.map(({ record }) => at(record)));
  const interval = [...fresh]
    .reverse()
    .find(({ record }) => record.type === 'heartbeat' && record.intervalMinutes);
  const intervalMinutes = interval?.record.type === 'heartbeat' ? interval.record.intervalMinutes : undefined;
  const { logger } = await phoneHomeAs(
    deps,
    loggerId,
    { transport: 'modem', bridge: site },
    latest,
    intervalMinutes ? { intervalMs: intervalMinutes * 60_000 } : {},
    (current) => {
      refuseUnlessModem(loggerId, current?.logger.transport);
      if (current && !mayRelay(current.logger, site)) {
        throw new RecordRefused(notBoundReason(current.logger, site));
      }
    },
    now,
  );
  deps.counters.count('Heartbeats');
  const events: LoggerEvent[] = fresh.flatMap(({ record }) =>
    record.type === 'event'
      ? [
          {
            id: record.id,
            occurredAt: record.at,
            severity: record.severity,
            message: record.message,
            receivedAt: at(record),
            ...(record.source === undefined ? {} : { source: record.source }),
          },
        ]
      : [],
  );
  if (events.length === 0) return;
  const { stored } = await deps.events.putEvents(loggerId, events, {
    expiresAt: now + deps.eventRetentionMs,
    publishRetryAt: now + deps.outboxRetryMs,
    now,
  });
  deps.counters.count('Events', stored.length);
  await publishEvents(deps, logger, stored, new Map(), inlineDeadline(deps, now));
}

function refuseUnlessModem(loggerId: LoggerId, transport: string | undefined): void {
  const who = formatLoggerId(loggerId);
  if (transport === undefined) {
    throw new RecordRejected(
      `unknown Logger ${who}: register it with listener logger add ${loggerId.customer} ${loggerId.side} --transport modem`,
    );
  }
  if (transport !== 'modem')
    throw new RecordRejected(`Logger ${who} is registered with transport ${transport}, not modem`);
}
