/**
 * The DynamoDB implementation of {@link LoggerStore}. One table (see table-schema.ts); every state change
 * is a conditional write, and a failed condition means "another worker got there first".
 */
import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  paginateQuery,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { LoggerExistsError } from '../domain/errors.js';
import type { LoggerEvent } from '../domain/event.js';
import type { Logger, LoggerId } from '../domain/logger.js';
import type { PhoneHomeReport } from '../domain/transitions.js';
import type { DueItem, FastPhoneHome, LoggerStore, StoredEvents } from '../ports.js';
import { guardStoreCall, isConditionFailure } from './dynamo-errors.js';
import {
  EVENT_SK_PREFIX,
  eventFromItem,
  eventItem,
  eventKey,
  LOGGER_SK,
  loggerFromItem,
  loggerIdOfPk,
  loggerItem,
  loggerKey,
  shardOf,
  transitionUpdate,
} from './dynamo-items.js';
import { DUE_INDEX, DUE_SHARDS, FLEET_INDEX } from './table-schema.js';

export class DynamoLoggerStore implements LoggerStore {
  private readonly doc: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
  ) {
    this.doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  }

  async register(logger: Logger, tokenHash: string): Promise<void> {
    try {
      await guardStoreCall(
        this.doc.send(
          new PutCommand({
            TableName: this.tableName,
            Item: loggerItem(logger, tokenHash),
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        ),
      );
    } catch (error) {
      if (isConditionFailure(error)) throw new LoggerExistsError(`${logger.customer}/${logger.side}`);
      throw error;
    }
  }

  async get(id: LoggerId): Promise<Logger | undefined> {
    const { Item } = await guardStoreCall(
      this.doc.send(new GetCommand({ TableName: this.tableName, Key: loggerKey(id), ConsistentRead: true })),
    );
    return Item ? loggerFromItem(Item) : undefined;
  }

  async list(): Promise<Logger[]> {
    const keys: Record<string, string>[] = [];
    const pages = paginateQuery(
      { client: this.doc },
      {
        TableName: this.tableName,
        IndexName: FLEET_INDEX.name,
        KeyConditionExpression: '#fleet = :fleet',
        ExpressionAttributeNames: { '#fleet': FLEET_INDEX.partition },
        ExpressionAttributeValues: { ':fleet': LOGGER_SK },
      },
    );
    for await (const page of guardPages(pages)) {
      for (const item of page.Items ?? []) keys.push({ pk: String(item.pk), sk: String(item.sk) });
    }
    const loggers: Logger[] = [];
    for (let i = 0; i < keys.length; i += 100) loggers.push(...(await this.batchGet(keys.slice(i, i + 100))));
    return loggers.sort((a, b) => `${a.customer}/${a.side}`.localeCompare(`${b.customer}/${b.side}`));
  }

  private async batchGet(keys: Record<string, string>[]): Promise<Logger[]> {
    const found: Logger[] = [];
    let pending: Record<string, unknown>[] | undefined = keys;
    // BatchGetItem may return part of the batch as UnprocessedKeys under load; ask again for those.
    for (let attempt = 0; pending && pending.length > 0 && attempt < 8; attempt++) {
      const out: BatchGetCommandOutput = await guardStoreCall(
        this.doc.send(new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: pending } } })),
      );
      found.push(...(out.Responses?.[this.tableName] ?? []).map(loggerFromItem));
      pending = out.UnprocessedKeys?.[this.tableName]?.Keys;
    }
    return found;
  }

  async recordPhoneHome(
    id: LoggerId,
    tokenHash: string,
    receivedAt: number,
    report: PhoneHomeReport,
  ): Promise<FastPhoneHome> {
    const sets = [
      '#lastSeenAt = :now',
      '#deadline = :now + #eventTimeoutMs',
      '#dueAt = :now + #eventTimeoutMs',
      '#dueShard = :shard',
      '#state = :up',
    ];
    const names: Record<string, string> = {
      '#lastSeenAt': 'lastSeenAt',
      '#deadline': 'deadline',
      '#eventTimeoutMs': 'eventTimeoutMs',
      '#dueAt': 'dueAt',
      '#dueShard': 'dueShard',
      '#state': 'state',
      '#tokenHash': 'tokenHash',
      '#outbox': 'outbox',
    };
    const values: Record<string, unknown> = {
      ':now': receivedAt,
      ':shard': shardOf(id),
      ':up': 'UP',
      ':new': 'NEW',
      ':hash': tokenHash,
    };
    if (report.intervalMs !== undefined) {
      sets.push('#reportedIntervalMs = :interval');
      names['#reportedIntervalMs'] = 'reportedIntervalMs';
      values[':interval'] = report.intervalMs;
    }
    if (report.agent !== undefined) {
      sets.push('#agent = :agent');
      names['#agent'] = 'agent';
      values[':agent'] = report.agent;
    }
    try {
      const { Attributes } = await guardStoreCall(
        this.doc.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: loggerKey(id),
            UpdateExpression: `SET ${sets.join(', ')}`,
            // Only the plain case is done in one request; a DOWN, PAUSED or outbox-pending Logger needs the
            // state machine, so the condition fails and hands back the stored item in the same request.
            ConditionExpression:
              '#tokenHash = :hash AND #state IN (:new, :up) AND attribute_not_exists(#outbox)',
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
            ReturnValues: 'ALL_NEW',
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        ),
      );
      return { recorded: true, logger: loggerFromItem(Attributes ?? {}) };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      if (!error.Item) return { recorded: false };
      const item = unmarshall(error.Item);
      return {
        recorded: false,
        current: { logger: loggerFromItem(item), tokenHash: String(item.tokenHash) },
      };
    }
  }

  async writeTransition(before: Logger, after: Logger): Promise<boolean> {
    try {
      await guardStoreCall(
        this.doc.send(new UpdateCommand({ TableName: this.tableName, ...transitionUpdate(before, after) })),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

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
          if (item.sk === LOGGER_SK) yield { type: 'logger', logger: loggerFromItem(item) };
          else if (String(item.sk).startsWith(EVENT_SK_PREFIX)) {
            yield {
              type: 'event',
              loggerId: loggerIdOfPk(String(item.pk)),
              event: eventFromItem(item),
              dueAt: Number(item.dueAt),
            };
          }
        }
      }
    }
  }

  async putEvents(
    id: LoggerId,
    events: readonly LoggerEvent[],
    options: { expiresAt: number; publishRetryAt: number },
  ): Promise<StoredEvents> {
    const outcomes = await Promise.all(
      events.map(async (event) => {
        try {
          await guardStoreCall(
            this.doc.send(
              new PutCommand({
                TableName: this.tableName,
                Item: eventItem(id, event, options),
                ConditionExpression: 'attribute_not_exists(pk)',
              }),
            ),
          );
          return { event, stored: true };
        } catch (error) {
          if (isConditionFailure(error)) return { event, stored: false };
          throw error;
        }
      }),
    );
    return {
      stored: outcomes.filter((o) => o.stored).map((o) => o.event),
      duplicates: outcomes.filter((o) => !o.stored).map((o) => o.event),
    };
  }

  async markEventsPublished(id: LoggerId, eventIds: readonly string[]): Promise<void> {
    await Promise.all(
      eventIds.map((eventId) =>
        guardStoreCall(
          this.doc.send(
            new UpdateCommand({
              TableName: this.tableName,
              Key: eventKey(id, eventId),
              UpdateExpression: 'REMOVE dueShard, dueAt',
              ConditionExpression: 'attribute_exists(pk)',
            }),
          ),
        ).catch((error: unknown) => {
          // The event expired (TTL) meanwhile: nothing left to mark.
          if (!isConditionFailure(error)) throw error;
        }),
      ),
    );
  }

  async claimEvent(id: LoggerId, eventId: string, seenDueAt: number, retryAt: number): Promise<boolean> {
    try {
      await guardStoreCall(
        this.doc.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: eventKey(id, eventId),
            UpdateExpression: 'SET dueAt = :retryAt',
            ConditionExpression: 'dueAt = :seen',
            ExpressionAttributeValues: { ':retryAt': retryAt, ':seen': seenDueAt },
          }),
        ),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async listEvents(id: LoggerId, limit: number): Promise<LoggerEvent[]> {
    const { Items } = await guardStoreCall(
      this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': loggerKey(id).pk, ':prefix': EVENT_SK_PREFIX },
        }),
      ),
    );
    return (Items ?? [])
      .map(eventFromItem)
      .sort((a, b) => b.receivedAt - a.receivedAt)
      .slice(0, limit);
  }
}

async function* guardPages<T>(pages: AsyncIterable<T>): AsyncIterable<T> {
  const iterator = pages[Symbol.asyncIterator]();
  while (true) {
    const next = await guardStoreCall(iterator.next());
    if (next.done) return;
    yield next.value;
  }
}
