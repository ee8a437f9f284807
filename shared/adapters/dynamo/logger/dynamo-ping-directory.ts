/**
 * The DynamoDB implementation of {@link PingDirectory}: a directory entry `PING#<hash>` / `PING` naming the
 * Logger, and the Logger item's `pingHash`. No transaction (a pair's MRSC table has none): the entry is
 * written before the Logger's hash and removed after it changes, so a crash between leaves at most an
 * entry whose Logger no longer carries its hash — which every ping's conditional write refuses.
 */
import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { Logger, LoggerId } from '../../../domain/logger.js';
import type { RecentPing } from '../../../domain/pings/history.js';
import type { PingDirectory, PingedLogger, RunOpening } from '../../../ports/ping-directory.js';
import { guardStoreCall, isConditionFailure, landed } from '../dynamo-errors.js';
import {
  APPEND_PING,
  loggerFromItem,
  loggerIdOfPk,
  loggerKey,
  RECENT_PINGS,
  recentPingItem,
  shardOf,
} from './dynamo-items.js';

/**
 * The one write of a `/start` in steady state (PingDirectory.startRun): the run opened, the revision moved
 * (a writer that read the Logger before cannot write over it), the Logger due at `dueAt`, and the ping's
 * history number taken.
 */
export function startRunUpdate(
  tableName: string,
  id: LoggerId,
  pingHash: string,
  { run, dueAt, ping, settings }: RunOpening,
) {
  const settled = settings ? ' AND #eventTimeoutMs = :timeout AND #heartbeatIntervalMs = :interval' : '';
  return {
    TableName: tableName,
    Key: loggerKey(id),
    // The ping also takes the next number of its history (ALL_NEW hands it back), in this same request.
    UpdateExpression: `SET #runs = :runs, #dueAt = :due, #dueShard = :shard, ${APPEND_PING} ADD #revision :one, #pingSeq :one`,
    ConditionExpression: `#pingHash = :hash AND #state IN (:new, :up) AND attribute_not_exists(#outbox) AND attribute_not_exists(#runs) AND #deadline >= :due${settled}`,
    ExpressionAttributeNames: {
      '#runs': 'runs',
      '#dueAt': 'dueAt',
      '#dueShard': 'dueShard',
      '#revision': 'revision',
      '#pingSeq': 'pingSeq',
      '#recentPings': RECENT_PINGS,
      '#pingHash': 'pingHash',
      '#state': 'state',
      '#outbox': 'outbox',
      '#deadline': 'deadline',
      ...(settings
        ? { '#eventTimeoutMs': 'eventTimeoutMs', '#heartbeatIntervalMs': 'heartbeatIntervalMs' }
        : {}),
    },
    ExpressionAttributeValues: {
      ':runs': [run],
      ':due': dueAt,
      ':shard': shardOf(id),
      ':one': 1,
      ':noPings': [],
      ':ping': [recentPingItem(ping)],
      ':hash': pingHash,
      ':new': 'NEW',
      ':up': 'UP',
      ...(settings ? { ':timeout': settings.eventTimeoutMs, ':interval': settings.heartbeatIntervalMs } : {}),
    },
    ReturnValues: 'ALL_NEW',
    ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
  } as const;
}

/** A ping URL's directory entry, by the hash of its uuid. */
export function pingEntryKey(pingHash: string): { pk: string; sk: string } {
  return { pk: `PING#${pingHash}`, sk: 'PING' };
}

export class DynamoPingDirectory implements PingDirectory {
  private readonly doc: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
  ) {
    this.doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  }

  async find(pingHash: string): Promise<LoggerId | undefined> {
    const { Item } = await guardStoreCall(
      this.doc.send(
        new GetCommand({ TableName: this.tableName, Key: pingEntryKey(pingHash), ConsistentRead: true }),
      ),
    );
    return typeof Item?.loggerPk === 'string' ? loggerIdOfPk(Item.loggerPk) : undefined;
  }

  async assign(id: LoggerId, before: string | undefined, pingHash: string): Promise<boolean> {
    await guardStoreCall(
      this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...pingEntryKey(pingHash), loggerPk: loggerKey(id).pk },
        }),
      ),
    );
    const assigned = await landed(
      this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: loggerKey(id),
          UpdateExpression: 'SET #pingHash = :new',
          ConditionExpression:
            before === undefined
              ? 'attribute_exists(pk) AND attribute_not_exists(#pingHash)'
              : 'attribute_exists(pk) AND #pingHash = :old',
          ExpressionAttributeNames: { '#pingHash': 'pingHash' },
          ExpressionAttributeValues: {
            ':new': pingHash,
            ...(before === undefined ? {} : { ':old': before }),
          },
        }),
      ),
      isConditionFailure,
    );
    await this.forget(assigned ? before : pingHash);
    return assigned;
  }

  async forget(pingHash: string | undefined): Promise<void> {
    if (pingHash === undefined) return;
    await guardStoreCall(
      this.doc.send(new DeleteCommand({ TableName: this.tableName, Key: pingEntryKey(pingHash) })),
    );
  }

  async read(id: LoggerId): Promise<PingedLogger | undefined> {
    const { Item } = await guardStoreCall(
      this.doc.send(new GetCommand({ TableName: this.tableName, Key: loggerKey(id), ConsistentRead: true })),
    );
    if (!Item) return undefined;
    const logger = loggerFromItem(Item);
    return typeof Item.pingHash === 'string' ? { logger, pingHash: Item.pingHash } : { logger };
  }

  async mark(
    id: LoggerId,
    pingHash: string,
    signal: 'log' | 'fail',
    at: number,
    ping: RecentPing,
  ): Promise<Logger | undefined> {
    // A log changes nothing a transition writes (no revision moves); a failure that changes nothing
    // (already DOWN, paused) is only kept. Each takes its history number and joins the recent pings.
    const update: { UpdateExpression: string; names: Record<string, string> } =
      signal === 'log'
        ? {
            UpdateExpression: `SET #at = :at, ${APPEND_PING} ADD #pingSeq :one`,
            names: { '#at': 'lastLogAt' },
          }
        : { UpdateExpression: `SET ${APPEND_PING} ADD #pingSeq :one`, names: {} };
    try {
      const { Attributes } = await guardStoreCall(
        this.doc.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: loggerKey(id),
            UpdateExpression: update.UpdateExpression,
            ConditionExpression: '#pingHash = :hash',
            ExpressionAttributeNames: {
              ...update.names,
              '#pingHash': 'pingHash',
              '#pingSeq': 'pingSeq',
              '#recentPings': RECENT_PINGS,
            },
            ExpressionAttributeValues: {
              ':hash': pingHash,
              ':one': 1,
              ':noPings': [],
              ':ping': [recentPingItem(ping)],
              ...(signal === 'fail' ? {} : { ':at': at }),
            },
            ReturnValues: 'ALL_NEW',
          }),
        ),
      );
      return loggerFromItem(Attributes ?? {});
    } catch (error) {
      // Only a failed condition says "not this Logger's URL": a write conflict is retried or is a 503.
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
  }

  async startRun(id: LoggerId, pingHash: string, opening: RunOpening) {
    const update = startRunUpdate(this.tableName, id, pingHash, opening);
    try {
      const { Attributes } = await guardStoreCall(this.doc.send(new UpdateCommand(update)));
      return { recorded: true as const, logger: loggerFromItem(Attributes ?? {}) };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      if (!error.Item) return { recorded: false as const };
      const item = unmarshall(error.Item);
      const logger = loggerFromItem(item);
      const current = typeof item.pingHash === 'string' ? { logger, pingHash: item.pingHash } : { logger };
      return { recorded: false as const, current };
    }
  }
}
