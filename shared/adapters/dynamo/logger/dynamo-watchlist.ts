/**
 * The DynamoDB implementation of {@link Watchlist}: queries of the sparse `due` index (8 shards, by
 * `dueAt`; see table-schema.ts), so reads grow with what is due, held or missing, never with the fleet;
 * the fleet counter and the `state` index for the watched count and the DOWN Loggers; and the deletion of
 * expired items.
 */
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  paginateQuery,
  QueryCommand,
} from '@aws-sdk/lib-dynamodb';
import {
  commonSites,
  type DeadlineRange,
  isMissing,
  type OverdueSighting,
} from '../../../domain/guards/mass-silence.js';
import type { Logger, Transport } from '../../../domain/logger.js';
import type { DueItem, Watchlist } from '../../../ports/watchlist.js';
import { guardPages, guardStoreCall, isLostRace, landed } from '../dynamo-errors.js';
import { countInState, fleetTotal } from '../fleet/dynamo-fleet-counter.js';
import { DUE_INDEX, DUE_SHARDS, PURGE_ATTRIBUTE, STATE_INDEX, TTL_ATTRIBUTE } from '../table-schema.js';
import {
  EVENT_SK_PREFIX,
  eventFromItem,
  isExpired,
  LOGGER_SK,
  loggerFromItem,
  loggerIdOfPk,
} from './dynamo-items.js';

export class DynamoWatchlist implements Watchlist {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async *findDue(now: number): AsyncIterable<DueItem> {
    for (let shard = 0; shard < DUE_SHARDS; shard++) {
      const pages = paginateQuery(
        { client: this.doc, pageSize: 100 },
        {
          TableName: this.tableName,
          IndexName: DUE_INDEX.name,
          KeyConditionExpression: 'dueShard = :shard AND dueAt <= :now',
          ExpressionAttributeValues: { ':shard': `due#${shard}`, ':now': now },
        },
      );
      for await (const page of guardPages(pages)) {
        for (const item of page.Items ?? []) {
          // Past its expiry (no TTL on a pair's table): deleted by the sweep, never acted on any more.
          if (isExpired(item, now))
            yield { type: 'expired', key: { pk: String(item.pk), sk: String(item.sk) } };
          else if (item.sk === LOGGER_SK) yield { type: 'logger', logger: loggerFromItem(item) };
          else if (String(item.sk).startsWith(EVENT_SK_PREFIX)) {
            yield {
              type: 'event',
              loggerId: loggerIdOfPk(String(item.pk)),
              event: eventFromItem(item),
              dueAt: Number(item.dueAt),
              sent: Array.isArray(item.sent) ? item.sent.map(String) : [],
            };
          }
        }
      }
    }
  }

  async pruneExpired(key: Readonly<Record<string, string>>, now: number): Promise<boolean> {
    return landed(
      this.doc.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: { pk: key.pk, sk: key.sk },
          // Only if still expired: an id stored again meanwhile (a fresh event or marker) stays.
          ConditionExpression: '#expiresAt <= :now',
          ExpressionAttributeNames: { '#expiresAt': TTL_ATTRIBUTE },
          ExpressionAttributeValues: { ':now': Math.floor(now / 1000) },
        }),
      ),
      isLostRace,
    );
  }

  async sightMissing(
    now: number,
    windowMs: number,
    ranges: readonly DeadlineRange[],
    from = now - windowMs,
  ): Promise<OverdueSighting> {
    const customers = new Set<string>();
    const transports = new Set<Transport>();
    let count = 0;
    let firstDeadline = Number.POSITIVE_INFINITY;
    const bindings: (string[] | undefined)[] = [];
    for (const range of ranges) {
      for (let shard = 0; shard < DUE_SHARDS; shard++) {
        const pages = paginateQuery(
          { client: this.doc, pageSize: 500 },
          {
            TableName: this.tableName,
            IndexName: DUE_INDEX.name,
            KeyConditionExpression: 'dueShard = :shard AND dueAt BETWEEN :from AND :to',
            FilterExpression: '#state IN (:new, :up)',
            ProjectionExpression:
              'customer, transport, #deadline, dueAt, eventTimeoutMs, heartbeatIntervalMs, bridges',
            ExpressionAttributeNames: { '#state': 'state', '#deadline': 'deadline' },
            ExpressionAttributeValues: {
              ':shard': `due#${shard}`,
              ':from': range.from + 1,
              ':to': range.to,
              ':new': 'NEW',
              ':up': 'UP',
            },
          },
        );
        for await (const page of guardPages(pages)) {
          for (const item of page.Items ?? []) {
            // Due at its deadline: not an outbox retry, a held page or an event.
            if (item.deadline !== item.dueAt) continue;
            const facts = {
              deadline: Number(item.deadline),
              eventTimeoutMs: Number(item.eventTimeoutMs),
              heartbeatIntervalMs: Number(item.heartbeatIntervalMs),
            };
            if (!isMissing(facts, now, windowMs, from)) continue;
            count++;
            firstDeadline = Math.min(firstDeadline, facts.deadline);
            bindings.push(boundSites(item.bridges));
            customers.add(String(item.customer));
            transports.add(item.transport as Transport);
          }
        }
      }
    }
    const first = Number.isFinite(firstDeadline) ? { firstDeadline } : {};
    const sites = commonSites(bindings);
    return { count, customers: [...customers], transports: [...transports], ...first, sites };
  }

  async countWatched(): Promise<number> {
    const [total, paused] = await Promise.all([
      fleetTotal(this.doc, this.tableName),
      countInState(this.doc, this.tableName, 'PAUSED'),
    ]);
    return Math.max(0, total - paused);
  }

  async probeWatched(cap: number): Promise<number> {
    const perShard = Math.max(1, Math.ceil(cap / DUE_SHARDS));
    const counts = await Promise.all(
      Array.from({ length: DUE_SHARDS }, (_, shard) =>
        guardStoreCall(
          this.doc.send(
            new QueryCommand({
              TableName: this.tableName,
              IndexName: DUE_INDEX.name,
              KeyConditionExpression: 'dueShard = :shard',
              // Not the expiring items waiting there to be deleted (they sort after the Loggers anyway).
              FilterExpression: 'attribute_not_exists(#purgeAt) OR attribute_exists(#deadline)',
              ExpressionAttributeNames: { '#purgeAt': PURGE_ATTRIBUTE, '#deadline': 'deadline' },
              ExpressionAttributeValues: { ':shard': `due#${shard}` },
              Select: 'COUNT',
              Limit: perShard,
            }),
          ),
        ).then((out) => out.Count ?? 0),
      ),
    );
    return Math.min(
      cap,
      counts.reduce((a, b) => a + b, 0),
    );
  }

  async countHeld(until: number): Promise<number> {
    let count = 0;
    for (let shard = 0; shard < DUE_SHARDS; shard++) {
      const pages = paginateQuery(
        { client: this.doc },
        { ...heldQuery(this.tableName, shard, until), Select: 'COUNT' },
      );
      for await (const page of guardPages(pages)) count += page.Count ?? 0;
    }
    return count;
  }

  async findHeld(until: number): Promise<Logger[]> {
    const held: Logger[] = [];
    for (let shard = 0; shard < DUE_SHARDS; shard++) {
      const pages = paginateQuery(
        { client: this.doc, pageSize: 500 },
        heldQuery(this.tableName, shard, until),
      );
      for await (const page of guardPages(pages)) {
        for (const item of page.Items ?? []) if (item.sk === LOGGER_SK) held.push(loggerFromItem(item));
      }
    }
    return held;
  }

  async findDown(): Promise<Logger[]> {
    const shards = await Promise.all(
      Array.from({ length: DUE_SHARDS }, async (_, shard) => {
        const down: Logger[] = [];
        const pages = paginateQuery({ client: this.doc }, downQuery(this.tableName, shard));
        for await (const page of guardPages(pages)) down.push(...(page.Items ?? []).map(loggerFromItem));
        return down;
      }),
    );
    return shards.flat();
  }
}

/** The DOWN Loggers of one shard of the sparse `state` index. */
function downQuery(tableName: string, shard: number) {
  return {
    TableName: tableName,
    IndexName: STATE_INDEX.name,
    KeyConditionExpression: '#shard = :shard',
    ExpressionAttributeNames: { '#shard': STATE_INDEX.partition },
    ExpressionAttributeValues: { ':shard': `DOWN#${shard}` },
  };
}

/** Loggers of one due shard whose pages are held until `until` (they are due exactly then). */
function heldQuery(tableName: string, shard: number, until: number) {
  return {
    TableName: tableName,
    IndexName: DUE_INDEX.name,
    KeyConditionExpression: 'dueShard = :shard AND dueAt = :until',
    FilterExpression: 'attribute_exists(#held)',
    ExpressionAttributeNames: { '#held': 'held' },
    ExpressionAttributeValues: { ':shard': `due#${shard}`, ':until': until },
  };
}

/** A modem Logger's bound bridge sites (`bridges`, a list or a set), if it has any. */
function boundSites(value: unknown): string[] | undefined {
  const sites = value instanceof Set ? [...value] : Array.isArray(value) ? value : undefined;
  return sites?.map(String);
}
