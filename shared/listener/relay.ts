/**
 * Records relayed by an on-prem dial-in bridge for modem Loggers: each is applied as a heartbeat or an
 * event of its Logger through the same code as the HTTPS path, idempotently by record id, and answered
 * `accepted`, `duplicate` or `rejected` with a reason, so the bridge retries only what it should.
 */
import { UnknownBridgeError } from '../domain/errors.js';
import { formatLoggerId, type LoggerId } from '../domain/logger.js';
import { hashToken, sameHash, siteOfBridgeToken } from '../domain/token.js';
import { type RelayRecord, type RelayResult, relayRecordSchema } from '../relay/protocol.js';
import type { ListenerDeps } from './deps.js';
import { publishEvents } from './events.js';
import { phoneHomeAs } from './phone-home.js';

/** A record the Listener will never take as it is: the bridge dead-letters it. */
class RecordRejected extends Error {
  override readonly name = 'RecordRejected';
}

/** Authenticates the bridge, then applies each record in order (a Logger's records keep their order). */
export async function relayRecords(
  deps: ListenerDeps,
  bridgeToken: string,
  receivedAt: number,
  records: readonly unknown[],
): Promise<{ site: string; results: RelayResult[] }> {
  const site = siteOfBridgeToken(bridgeToken);
  const bridge = await deps.store.getBridge(site);
  if (!bridge || !sameHash(bridge.tokenHash, hashToken(bridgeToken))) throw new UnknownBridgeError();
  const results: RelayResult[] = [];
  for (const [index, raw] of records.entries()) results.push(await applyRecord(deps, raw, index, receivedAt));
  return { site, results };
}

async function applyRecord(
  deps: ListenerDeps,
  raw: unknown,
  index: number,
  receivedAt: number,
): Promise<RelayResult> {
  const rawId = (raw as { id?: unknown } | null)?.id;
  const id = typeof rawId === 'string' ? rawId : `#${index}`;
  const parsed = relayRecordSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.length ? `${issue.path.join('.')}: ` : '';
    return { id, status: 'rejected', reason: `${field}${issue?.message ?? 'invalid record'}` };
  }
  try {
    return { id, status: (await apply(deps, parsed.data, receivedAt)) ? 'accepted' : 'duplicate' };
  } catch (error) {
    if (error instanceof RecordRejected) return { id, status: 'rejected', reason: error.message };
    throw error; // the store is unavailable: the whole batch is answered 503 and retried
  }
}

/** Applies one record; false if it had been applied before (a resend after a lost answer). */
async function apply(deps: ListenerDeps, record: RelayRecord, receivedAt: number): Promise<boolean> {
  const loggerId: LoggerId = { customer: record.customer, side: record.side };
  const report =
    record.type === 'heartbeat' && record.intervalMinutes
      ? { intervalMs: record.intervalMinutes * 60_000 }
      : {};
  const { logger } = await phoneHomeAs(
    deps,
    loggerId,
    { transport: 'modem' },
    receivedAt,
    report,
    (current) => {
      const who = formatLoggerId(loggerId);
      if (!current) {
        throw new RecordRejected(
          `unknown Logger ${who}: register it with listener logger add ${loggerId.customer} ${loggerId.side} --transport modem`,
        );
      }
      if (current.logger.transport !== 'modem') {
        throw new RecordRejected(
          `Logger ${who} is registered with transport ${current.logger.transport}, not modem`,
        );
      }
    },
  );
  if (record.type === 'heartbeat') {
    deps.counters.count('Heartbeats');
    return deps.store.claimRelayedRecord(loggerId, record.id, receivedAt + deps.eventRetentionMs);
  }
  const event = {
    id: record.id,
    occurredAt: record.at,
    severity: record.severity,
    message: record.message,
    receivedAt,
    ...(record.source === undefined ? {} : { source: record.source }),
  };
  const { stored } = await deps.store.putEvents(loggerId, [event], {
    expiresAt: receivedAt + deps.eventRetentionMs,
    publishRetryAt: receivedAt + deps.outboxRetryMs,
  });
  deps.counters.count('Events', stored.length);
  await publishEvents(deps, logger, stored);
  return stored.length > 0;
}
