/**
 * The DynamoDB implementation of {@link LoggerHistory}: items under the Logger's own partition (so
 * `logger remove` takes them with it), read together by one Query.
 *
 * - ping slot: `sk = PING#<00–99>`, the ping's number mod 100: a bounded ring, each put overwrites the
 *   ping 100 older. No expiry needed: a Logger never holds more than 100.
 * - outage: `sk = OUTAGE#<ISO start>`, written once when the outage ends, expiring after 90 days (TTL on a
 *   single-region table, the sweeper's purge of the `due` index on a pair's: see expiring()).
 */
import { type DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import {
  type LoggerHistoryView,
  newestFirst,
  OUTAGE_RETENTION_MS,
  type Outage,
  type OutageCause,
  type PingEntry,
  pingSlot,
} from '../../../domain/history.js';
import type { LoggerId } from '../../../domain/logger.js';
import type { LoggerHistory } from '../../../ports/logger-history.js';
import { guardStoreCall } from '../dynamo-errors.js';
import { expiring, loggerKey, shardOf } from '../dynamo-items.js';

export const PING_SK_PREFIX = 'PING#';
export const OUTAGE_SK_PREFIX = 'OUTAGE#';

/** The sort key of ping number `seq`'s slot. */
export function pingSlotSk(seq: number): string {
  return `${PING_SK_PREFIX}${String(pingSlot(seq)).padStart(2, '0')}`;
}

export class DynamoLoggerHistory implements LoggerHistory {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async recordPing(id: LoggerId, entry: PingEntry): Promise<void> {
    await guardStoreCall(
      this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk: loggerKey(id).pk, sk: pingSlotSk(entry.seq), ...entry },
          // A slower writer of an older ping never overwrites a newer one in the same slot.
          ConditionExpression: 'attribute_not_exists(#seq) OR #seq < :seq',
          ExpressionAttributeNames: { '#seq': 'seq' },
          ExpressionAttributeValues: { ':seq': entry.seq },
        }),
      ),
    ).catch((error: Error) => {
      if (error.name !== 'ConditionalCheckFailedException') throw error;
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
    const pings: PingEntry[] = [];
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
        if (sk.startsWith(PING_SK_PREFIX)) pings.push(pingFromItem(item));
        else if (sk.startsWith(OUTAGE_SK_PREFIX)) outages.push(outageFromItem(item));
      }
      start = page.LastEvaluatedKey;
    } while (start);
    return { pings: newestFirst(pings), outages: outages.sort((a, b) => b.start - a.start) };
  }
}

function pingFromItem(item: Record<string, unknown>): PingEntry {
  const text = (name: string) => (typeof item[name] === 'string' ? { [name]: item[name] as string } : {});
  const num = (name: string) => (typeof item[name] === 'number' ? { [name]: item[name] as number } : {});
  return {
    seq: Number(item.seq),
    at: Number(item.at),
    kind: item.kind as PingEntry['kind'],
    ...num('exitStatus'),
    ...num('durationMs'),
    ...text('method'),
    ...text('source'),
    ...text('userAgent'),
    ...text('body'),
    ...num('bodyBytes'),
  };
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
