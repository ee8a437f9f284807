/**
 * The console's items in the Listener's table: used one-time links (`pk = LINK#<id>`, `sk = USED`,
 * expiring through TTL once the link itself has expired) and a signing key (`pk = LISTENER#CONSOLE`,
 * `sk = KEY`), created once by a conditional write so that concurrent cold starts agree on one key.
 *
 * Deployed, that key signs only the emailed acknowledge links (the notifying functions read it to sign
 * them); the cookie-signing key is a secret only the console reads (adapters/secrets/console-key-secret.ts).
 * In local mode it is the console's one key.
 */
import { randomBytes } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { ConsoleKeys } from '../../ports/console-keys.js';
import type { UsedLinks } from '../../ports/used-links.js';
import { guardStoreCall, isConditionFailure, landed } from './dynamo-errors.js';
import { expiring, shardOfText } from './logger/dynamo-items.js';

/** The acknowledge-link key's item (deployed; local mode's one console key). */
export const KEY_ITEM = { pk: 'LISTENER#CONSOLE', sk: 'KEY' } as const;

function documentClient(client: DynamoDBClient): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}

export class DynamoUsedLinks implements UsedLinks {
  private readonly doc: DynamoDBDocumentClient;
  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
  ) {
    this.doc = documentClient(client);
  }

  async claim(linkId: string, expiresAt: number): Promise<boolean> {
    return landed(
      this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          // Kept an hour past the link's own expiry, then deleted by the sweeper (or TTL).
          Item: {
            pk: `LINK#${linkId}`,
            sk: 'USED',
            ...expiring(expiresAt + 3_600_000, shardOfText(linkId)),
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
      isConditionFailure,
    );
  }
}

export class DynamoConsoleKeys implements ConsoleKeys {
  private readonly doc: DynamoDBDocumentClient;
  private cached: Buffer | undefined;
  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
  ) {
    this.doc = documentClient(client);
  }

  async key(create: boolean): Promise<Buffer | undefined> {
    this.cached ??= await this.read();
    if (this.cached || !create) return this.cached;
    try {
      await guardStoreCall(
        this.doc.send(
          new PutCommand({
            TableName: this.tableName,
            Item: { ...KEY_ITEM, key: randomBytes(32).toString('base64') },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        ),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error; // another cold start created it first: use theirs
    }
    this.cached = await this.read();
    return this.cached;
  }

  private async read(): Promise<Buffer | undefined> {
    const { Item } = await guardStoreCall(
      this.doc.send(new GetCommand({ TableName: this.tableName, Key: KEY_ITEM, ConsistentRead: true })),
    );
    return typeof Item?.key === 'string' ? Buffer.from(Item.key, 'base64') : undefined;
  }
}
