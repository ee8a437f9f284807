/**
 * The DynamoDB implementation of {@link LoggerStore}: the Logger items (`LOGGER#<customer>/<side>` /
 * `LOGGER`, see table-schema.ts) and the customer's blind record. Every state change is a conditional
 * write, and a failed condition means "another worker got there first".
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  paginateQuery,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { LoggerExistsError } from '../../../domain/errors.js';
import { formatLoggerId, type Logger, type LoggerId, type Side } from '../../../domain/logger.js';
import type { PhoneHomeReport } from '../../../domain/transitions.js';
import type { FastPhoneHome, LoggerStore, PhoneHomeProof } from '../../../ports/logger-store.js';
import { guardPages, guardStoreCall, isConditionFailure, isLostRace, landed } from '../dynamo-errors.js';
import {
  countMembershipChange,
  membershipChange,
  type RhythmSettings,
} from '../fleet/dynamo-fleet-counter.js';
import { fleetPages } from '../fleet/dynamo-fleet-index.js';
import { BATCH_GET_ATTEMPTS, BATCH_GET_MAX } from '../table-schema.js';
import {
  blindRecordKey,
  LOGGER_SK,
  loggerFromItem,
  loggerIdOfPk,
  loggerItem,
  loggerKey,
  phoneHomeUpdate,
  transitionUpdate,
} from './dynamo-items.js';

export class DynamoLoggerStore implements LoggerStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

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
    // Registered: now the fleet counter (no transaction: see dynamo-fleet-counter.ts).
    await countMembershipChange(this.doc, this.tableName, membershipChange(1, logger));
  }

  async get(id: LoggerId): Promise<Logger | undefined> {
    const { Item } = await guardStoreCall(
      this.doc.send(new GetCommand({ TableName: this.tableName, Key: loggerKey(id), ConsistentRead: true })),
    );
    return Item ? loggerFromItem(Item) : undefined;
  }

  async getMany(ids: readonly LoggerId[]): Promise<ReadonlyMap<string, Logger | undefined>> {
    const read = new Map<string, Logger | undefined>();
    const unique = [...new Map(ids.map((id) => [formatLoggerId(id), id])).values()];
    for (let i = 0; i < unique.length; i += BATCH_GET_MAX) {
      const chunk = unique.slice(i, i + BATCH_GET_MAX);
      const found = await this.batchGet(chunk.map(loggerKey), { consistent: true });
      for (const id of chunk) read.set(formatLoggerId(id), undefined);
      for (const logger of found.loggers) read.set(formatLoggerId(logger), logger);
      // Keys DynamoDB left unprocessed were not read: not "absent".
      for (const key of found.unread) read.delete(formatLoggerId(loggerIdOfPk(String(key.pk))));
    }
    return read;
  }

  async list(): Promise<Logger[]> {
    const keys: Record<string, string>[] = [];
    for await (const page of fleetPages(this.doc, this.tableName)) keys.push(...page);
    const loggers: Logger[] = [];
    for (let i = 0; i < keys.length; i += BATCH_GET_MAX) {
      loggers.push(...(await this.batchGet(keys.slice(i, i + BATCH_GET_MAX))).loggers);
    }
    return loggers.sort((a, b) => `${a.customer}/${a.side}`.localeCompare(`${b.customer}/${b.side}`));
  }

  /** Up to 100 Loggers; `unread`: keys still unprocessed after the retries. */
  private async batchGet(
    keys: Record<string, string>[],
    options: { consistent?: boolean } = {},
  ): Promise<{ loggers: Logger[]; unread: Record<string, unknown>[] }> {
    const loggers: Logger[] = [];
    let pending: Record<string, unknown>[] | undefined = keys;
    // BatchGetItem may return part of the batch as UnprocessedKeys under load; ask again for those, backing off.
    for (let attempt = 0; pending && pending.length > 0 && attempt < BATCH_GET_ATTEMPTS; attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 25 * 2 ** attempt));
      const out: BatchGetCommandOutput = await guardStoreCall(
        this.doc.send(
          new BatchGetCommand({
            RequestItems: {
              [this.tableName]: { Keys: pending, ...(options.consistent ? { ConsistentRead: true } : {}) },
            },
          }),
        ),
      );
      loggers.push(...(out.Responses?.[this.tableName] ?? []).map(loggerFromItem));
      pending = out.UnprocessedKeys?.[this.tableName]?.Keys;
    }
    return { loggers, unread: pending ?? [] };
  }

  async recordPhoneHome(
    id: LoggerId,
    proof: PhoneHomeProof,
    receivedAt: number,
    report: PhoneHomeReport,
    options: { readonly now?: number; readonly heardBy?: string } = {},
  ): Promise<FastPhoneHome> {
    try {
      const { Attributes } = await guardStoreCall(
        this.doc.send(
          new UpdateCommand(phoneHomeUpdate(this.tableName, id, proof, receivedAt, report, options)),
        ),
      );
      return { recorded: true, logger: loggerFromItem(Attributes ?? {}) };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      if (!error.Item) return { recorded: false };
      const stored = error.Item;
      // Parsed only if the caller asks (its token matched): a wrong token costs what an unknown id does.
      return {
        recorded: false,
        current: storedLogger(String(stored.tokenHash?.S), () => unmarshall(stored), stored.pingHash?.S),
      };
    }
  }

  async writeTransition(before: Logger, after: Logger): Promise<boolean> {
    // One item, one conditional write: nothing here may need a transaction (a multi-Region strongly
    // consistent table has none). What once needed the twin in the same transaction — the blind customer —
    // is now a write, then a read of the twin, then a conditional write on the customer's blind record
    // (shared/domain/guards/blind-customer.ts explains why that is as sound).
    return landed(
      this.doc.send(new UpdateCommand({ TableName: this.tableName, ...transitionUpdate(before, after) })),
      isLostRace,
    );
  }

  async claimBlindEpisode(customer: string, episode: string, side: Side, now: number): Promise<Side> {
    try {
      await guardStoreCall(
        this.doc.send(
          new PutCommand({
            TableName: this.tableName,
            Item: { ...blindRecordKey(customer), episode, side, at: now },
            // A new episode replaces the last one; the same episode is claimed once.
            ConditionExpression: 'attribute_not_exists(pk) OR episode <> :episode',
            ExpressionAttributeValues: { ':episode': episode },
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        ),
      );
      return side;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const claimed = error.Item ? unmarshall(error.Item) : undefined;
      if (claimed?.side === 'A' || claimed?.side === 'B') return claimed.side;
      throw error;
    }
  }

  async getWithToken(id: LoggerId): Promise<{ logger: Logger; tokenHash: string } | undefined> {
    const { Item } = await guardStoreCall(
      this.doc.send(new GetCommand({ TableName: this.tableName, Key: loggerKey(id), ConsistentRead: true })),
    );
    return Item ? storedLogger(String(Item.tokenHash), () => Item) : undefined;
  }

  async replaceToken(id: LoggerId, oldHash: string, newHash: string): Promise<boolean> {
    return landed(
      this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: loggerKey(id),
          UpdateExpression: 'SET #tokenHash = :new',
          ConditionExpression: '#tokenHash = :old',
          ExpressionAttributeNames: { '#tokenHash': 'tokenHash' },
          ExpressionAttributeValues: { ':new': newHash, ':old': oldHash },
        }),
      ),
      isConditionFailure,
    );
  }

  async bindBridges(
    id: LoggerId,
    before: readonly string[] | undefined,
    after: readonly string[] | undefined,
  ): Promise<boolean> {
    const values: Record<string, unknown> = { ':modem': 'modem' };
    const unchanged = before?.length ? '#bridges = :before' : 'attribute_not_exists(#bridges)';
    if (before?.length) values[':before'] = [...before];
    if (after?.length) values[':after'] = [...after];
    return landed(
      this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: loggerKey(id),
          UpdateExpression: after?.length ? 'SET #bridges = :after' : 'REMOVE #bridges',
          ConditionExpression: `attribute_exists(pk) AND #transport = :modem AND ${unchanged}`,
          ExpressionAttributeNames: { '#bridges': 'bridges', '#transport': 'transport' },
          ExpressionAttributeValues: values,
        }),
      ),
      isLostRace,
    );
  }

  async remove(id: LoggerId): Promise<number> {
    const pk = loggerKey(id).pk;
    const keys: Record<string, string>[] = [];
    const pages = paginateQuery(
      { client: this.doc },
      {
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': pk },
        ProjectionExpression: 'pk, sk',
      },
    );
    for await (const page of guardPages(pages)) {
      for (const item of page.Items ?? []) keys.push({ pk: String(item.pk), sk: String(item.sk) });
    }
    // The Logger item goes first, so that once it is gone nothing of it is left in the due index even if
    // deleting its events is interrupted (they expire anyway).
    const ordered = [...keys.filter((k) => k.sk === LOGGER_SK), ...keys.filter((k) => k.sk !== LOGGER_SK)];
    for (const key of ordered) {
      if (key.sk === LOGGER_SK) {
        // Only the remover whose conditional delete found the Logger counts it out (two removes at once: one).
        const removed = await this.deleteExisting(key);
        if (removed) await countMembershipChange(this.doc, this.tableName, membershipChange(-1, removed));
        continue;
      }
      await guardStoreCall(this.doc.send(new DeleteCommand({ TableName: this.tableName, Key: key })));
    }
    return ordered.length;
  }

  /** Deletes the Logger item if it is there; its settings (what it counted for), or undefined if it was not. */
  private async deleteExisting(key: Record<string, string>): Promise<RhythmSettings | undefined> {
    try {
      const { Attributes } = await guardStoreCall(
        this.doc.send(
          new DeleteCommand({
            TableName: this.tableName,
            Key: key,
            ConditionExpression: 'attribute_exists(pk)',
            ReturnValues: 'ALL_OLD',
          }),
        ),
      );
      return {
        eventTimeoutMs: Number(Attributes?.eventTimeoutMs),
        heartbeatIntervalMs: Number(Attributes?.heartbeatIntervalMs),
      };
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
  }
}

/**
 * A stored Logger with its token hash, parsed on first use: authentication reads only the hash, so a wrong
 * token (refused) costs no more than an unknown id (nothing stored), and timing does not tell them apart.
 */
function storedLogger(tokenHash: string, item: () => Record<string, unknown>, pingHash?: string) {
  let logger: Logger | undefined;
  return {
    tokenHash,
    ...(pingHash === undefined ? {} : { pingHash }),
    get logger(): Logger {
      logger ??= loggerFromItem(item());
      return logger;
    },
  };
}
