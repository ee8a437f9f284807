/**
 * The DynamoDB implementation of {@link PingDirectory}: a directory entry `PING#<hash>` / `PING` naming the
 * Logger, and the Logger item's `pingHash`. No transaction (a pair's MRSC table has none): the entry is
 * written before the Logger's hash and removed after it changes, so a crash between leaves at most an
 * entry whose Logger no longer carries its hash — which every ping's conditional write refuses.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { LoggerId } from '../../domain/logger.js';
import type { PingDirectory, PingedLogger } from '../../ports/ping-directory.js';
import { guardStoreCall, isConditionFailure, landed } from './dynamo-errors.js';
import { loggerFromItem, loggerIdOfPk, loggerKey } from './dynamo-items.js';

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
    signal: 'start' | 'log' | 'fail',
    at: number,
  ): Promise<number | undefined> {
    // A start is a state change (transitions write `startedAt` back): it moves the revision, so a writer
    // that read the Logger before it cannot write over it. A log changes nothing a transition writes; a
    // failure that changes nothing (already DOWN, paused) is only counted. Each takes its history number.
    const update: { UpdateExpression: string; names: Record<string, string> } =
      signal === 'start'
        ? {
            UpdateExpression: 'SET #at = :at ADD #revision :one, #pingSeq :one',
            names: { '#at': 'startedAt', '#revision': 'revision' },
          }
        : signal === 'log'
          ? { UpdateExpression: 'SET #at = :at ADD #pingSeq :one', names: { '#at': 'lastLogAt' } }
          : { UpdateExpression: 'ADD #pingSeq :one', names: {} };
    try {
      const { Attributes } = await guardStoreCall(
        this.doc.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: loggerKey(id),
            UpdateExpression: update.UpdateExpression,
            ConditionExpression: '#pingHash = :hash',
            ExpressionAttributeNames: { ...update.names, '#pingHash': 'pingHash', '#pingSeq': 'pingSeq' },
            ExpressionAttributeValues: {
              ':hash': pingHash,
              ':one': 1,
              ...(signal === 'fail' ? {} : { ':at': at }),
            },
            ReturnValues: 'UPDATED_NEW',
          }),
        ),
      );
      return Number(Attributes?.pingSeq ?? 0);
    } catch (error) {
      // Only a failed condition says "not this Logger's URL": a write conflict is retried or is a 503.
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
  }
}
