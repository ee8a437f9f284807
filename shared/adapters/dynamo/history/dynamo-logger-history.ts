/**
 * The DynamoDB implementation of {@link LoggerHistory}: items under the Logger's own partition (so
 * `logger remove` takes them with it), read together by one Query beside the Logger item.
 *
 * - recent pings: the Logger item's `recentPings` (compact entries, dynamo-items.ts), appended by the write
 *   that records each ping; `pingBase` counts the pings moved out of it (absent: none).
 * - ping chunk: `sk = PING#CHUNK#<0–4>`, {@link PING_CHUNK} pings moved out together (`base`: the number of
 *   the ping before its first); each put overwrites the chunk 100 pings older. No expiry needed.
 * - ping body: `sk = PING#BODY#<00–99>`, the ping's number mod 100 (`seq`, `body`, `bodyBytes`).
 * - outage: `sk = OUTAGE#<ISO start>`, written once when the outage ends, expiring after 90 days (TTL on a
 *   single-region table, the sweeper's purge of the `due` index on a pair's: see expiring()).
 */
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { ARRIVALS_KEPT, type Logger, type LoggerId } from '../../../domain/logger.js';
import {
  chunkSlot,
  type LoggerHistoryView,
  newestFirst,
  OUTAGE_RETENTION_MS,
  type Outage,
  type OutageCause,
  PING_CHUNK,
  PING_HISTORY_SLOTS,
  type PingBody,
  type PingEntry,
  pingSlot,
  recentEntries,
} from '../../../domain/pings/history.js';
import type { LoggerHistory } from '../../../ports/logger-history.js';
import { guardStoreCall, isConditionFailure } from '../dynamo-errors.js';
import {
  expiring,
  loggerFromItem,
  loggerKey,
  RECENT_PINGS,
  recentPingFromItem,
  recentPingItem,
  shardOf,
} from '../logger/dynamo-items.js';

export const PING_SK_PREFIX = 'PING#';
export const OUTAGE_SK_PREFIX = 'OUTAGE#';
const CHUNK_SK_PREFIX = `${PING_SK_PREFIX}CHUNK#`;
const BODY_SK_PREFIX = `${PING_SK_PREFIX}BODY#`;

export class DynamoLoggerHistory implements LoggerHistory {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async keepBody(id: LoggerId, seq: number, body: PingBody): Promise<void> {
    const sk = `${BODY_SK_PREFIX}${String(pingSlot(seq)).padStart(2, '0')}`;
    await this.putNewer({ pk: loggerKey(id).pk, sk, seq, ...body }, 'seq');
  }

  async moveOut(logger: Logger): Promise<void> {
    const recent = logger.recentPings ?? [];
    const before = (logger.pingSeq ?? recent.length) - recent.length;
    let moved = 0;
    for (; moved + PING_CHUNK <= recent.length; moved += PING_CHUNK) {
      const base = before + moved;
      const pings = recent.slice(moved, moved + PING_CHUNK).map(recentPingItem);
      const sk = `${CHUNK_SK_PREFIX}${chunkSlot(base)}`;
      await this.putNewer({ pk: loggerKey(logger).pk, sk, base, pings }, 'base');
    }
    if (moved === 0) return;
    await this.removeMoved(logger, before, moved);
  }

  /**
   * Removes the first `moved` recent pings from `logger`'s item, if the count moved out of it is still
   * `before`: appends land after them and only this write removes, so they are the ones just put. The same
   * write trims the arrival history as the state machine would (to the last ARRIVALS_KEPT), so a Logger fed
   * by pings never reaches its cap: no extra request every 20 pings for it.
   */
  private async removeMoved(logger: Logger, before: number, moved: number): Promise<void> {
    const removed = Array.from({ length: moved }, (_, i) => `#recent[${i}]`);
    const arrivals = logger.arrivals?.length ?? 0;
    const trimmed = Math.max(0, arrivals - ARRIVALS_KEPT);
    // Arrivals too are appended after those seen; the size check keeps a state-machine trim since (which
    // writes them whole) from losing newer ones to these indexes.
    for (let i = 0; i < trimmed; i++) removed.push(`#arrivals[${i}]`);
    const arrivalsSeen = trimmed > 0 ? ' AND size(#arrivals) >= :arrivalsSeen' : '';
    await guardStoreCall(
      this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: loggerKey(logger),
          UpdateExpression: `REMOVE ${removed.join(', ')} SET #base = :after`,
          ConditionExpression: `attribute_exists(pk) AND (attribute_not_exists(#base) OR #base = :before) AND size(#recent) >= :moved${arrivalsSeen}`,
          ExpressionAttributeNames: {
            '#recent': RECENT_PINGS,
            '#base': 'pingBase',
            ...(trimmed > 0 ? { '#arrivals': 'arrivals' } : {}),
          },
          ExpressionAttributeValues: {
            ':before': before,
            ':after': before + moved,
            ':moved': moved,
            ...(trimmed > 0 ? { ':arrivalsSeen': arrivals } : {}),
          },
        }),
      ),
    ).catch((error: unknown) => {
      if (!isConditionFailure(error)) throw error; // another process moved them first
    });
  }

  /** Puts `item` unless its slot holds a newer one (by `order`): a slower writer never goes back in time. */
  private async putNewer(item: Record<string, unknown>, order: 'seq' | 'base'): Promise<void> {
    await guardStoreCall(
      this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: item,
          ConditionExpression: 'attribute_not_exists(#order) OR #order < :order',
          ExpressionAttributeNames: { '#order': order },
          ExpressionAttributeValues: { ':order': item[order] },
        }),
      ),
    ).catch((error: unknown) => {
      if (!isConditionFailure(error)) throw error;
    });
  }

  async recordOutage(id: LoggerId, outage: Outage): Promise<void> {
    await guardStoreCall(
      this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            pk: loggerKey(id).pk,
            sk: `${OUTAGE_SK_PREFIX}${new Date(outage.start).toISOString()}`,
            ...outage,
            ...expiring(outage.end + OUTAGE_RETENTION_MS, shardOf(id)),
          },
        }),
      ),
    );
  }

  async read(id: LoggerId): Promise<LoggerHistoryView> {
    const { Item } = await guardStoreCall(
      this.doc.send(new GetCommand({ TableName: this.tableName, Key: loggerKey(id), ConsistentRead: true })),
    );
    const bySeq = new Map<number, PingEntry>();
    const bodies = new Map<number, PingBody>();
    const outages: Outage[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      // 'OUTAGE#' < 'PING#' and nothing else of a Logger sorts between them: one query reads both.
      const page = await guardStoreCall(
        this.doc.send(
          new QueryCommand({
            TableName: this.tableName,
            KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
            ExpressionAttributeValues: {
              ':pk': loggerKey(id).pk,
              ':from': OUTAGE_SK_PREFIX,
              ':to': `${PING_SK_PREFIX}\uffff`,
            },
            ...(start ? { ExclusiveStartKey: start } : {}),
          }),
        ),
      );
      for (const item of page.Items ?? []) {
        const sk = String(item.sk);
        if (sk.startsWith(CHUNK_SK_PREFIX)) for (const ping of chunkPings(item)) bySeq.set(ping.seq, ping);
        else if (sk.startsWith(BODY_SK_PREFIX)) bodies.set(Number(item.seq), bodyOf(item));
        else if (sk.startsWith(OUTAGE_SK_PREFIX)) outages.push(outageFromItem(item));
      }
      start = page.LastEvaluatedKey;
    } while (start);
    // A chunk put but not yet removed from the Logger item is in both: the same pings, by number.
    if (Item) for (const ping of recentEntries(loggerFromItem(Item))) bySeq.set(ping.seq, ping);
    const pings = newestFirst([...bySeq.values()])
      .slice(0, PING_HISTORY_SLOTS)
      .map((ping) => ({ ...ping, ...(bodies.get(ping.seq) ?? {}) }));
    return { pings, outages: outages.sort((a, b) => b.start - a.start) };
  }
}

/** The pings a chunk item holds, numbered from its base. */
function chunkPings(item: Record<string, unknown>): PingEntry[] {
  const base = Number(item.base);
  const pings = Array.isArray(item.pings) ? (item.pings as Record<string, unknown>[]) : [];
  return pings.map((ping, i) => ({ ...recentPingFromItem(ping), seq: base + i + 1 }));
}

function bodyOf(item: Record<string, unknown>): PingBody {
  return { body: String(item.body ?? ''), bodyBytes: Number(item.bodyBytes ?? 0) };
}

function outageFromItem(item: Record<string, unknown>): Outage {
  const cause = item.cause as OutageCause | undefined;
  return {
    start: Number(item.start),
    end: Number(item.end),
    lengthMs: Number(item.lengthMs),
    cause: cause?.kind === 'failure' ? cause : { kind: 'silence' },
    ...(typeof item.acknowledgedBy === 'string' ? { acknowledgedBy: item.acknowledgedBy } : {}),
  };
}
