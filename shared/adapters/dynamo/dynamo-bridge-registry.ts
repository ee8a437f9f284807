/**
 * The DynamoDB implementation of {@link BridgeRegistry}: dial-in bridges' items (`BRIDGE#<site>` /
 * `BRIDGE`) and the markers of relayed records already applied (`LOGGER#<customer>/<side>` /
 * `RELAYED#<record id>`, expiring; see table-schema.ts). Every change is a conditional write on what was
 * read. The sites a modem Logger is bound to are on its own item (dynamo-logger-store.ts `bindBridges`).
 */
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
import { BridgeExistsError } from '../../domain/errors.js';
import type { LoggerId } from '../../domain/logger.js';
import type { Bridge, BridgeRegistry } from '../../ports/bridge-registry.js';
import { guardPages, guardStoreCall, isConditionFailure, landed } from './dynamo-errors.js';
import { fleetQuery } from './fleet/dynamo-fleet-index.js';
import {
  bridgeKey,
  expiring,
  isExpired,
  RELAYED_SK_PREFIX,
  relayedRecordKey,
  shardOf,
} from './logger/dynamo-items.js';
import { FLEET_INDEX, PURGE_ATTRIBUTE, TTL_ATTRIBUTE } from './table-schema.js';

type Item = Record<string, unknown>;

/** The prefix of a bridge's own Logger id (`bridge-<site>/A`, shared/listener/register.ts). */
const BRIDGE_LOGGER_PREFIX = 'bridge-';

export class DynamoBridgeRegistry implements BridgeRegistry {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async registerBridge(bridge: Bridge): Promise<void> {
    try {
      await guardStoreCall(
        this.doc.send(
          new PutCommand({
            TableName: this.tableName,
            Item: { ...bridgeKey(bridge.site), ...bridge },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        ),
      );
    } catch (error) {
      if (isConditionFailure(error)) throw new BridgeExistsError(bridge.site);
      throw error;
    }
  }

  async getBridge(site: string): Promise<Bridge | undefined> {
    const { Item } = await guardStoreCall(
      this.doc.send(
        new GetCommand({ TableName: this.tableName, Key: bridgeKey(site), ConsistentRead: true }),
      ),
    );
    return Item ? bridgeFromItem(Item) : undefined;
  }

  /** Registered bridges: sites from their own Loggers in the `fleet` index (a key range), then their items. */
  async listBridges(): Promise<Bridge[]> {
    const base = fleetQuery(this.tableName);
    const query = {
      ...base,
      KeyConditionExpression: '#fleet = :fleet AND begins_with(#loggerId, :prefix)',
      ExpressionAttributeNames: { ...base.ExpressionAttributeNames, '#loggerId': FLEET_INDEX.sort },
      ExpressionAttributeValues: { ...base.ExpressionAttributeValues, ':prefix': BRIDGE_LOGGER_PREFIX },
    };
    const sites: string[] = [];
    for await (const page of guardPages(paginateQuery({ client: this.doc }, query))) {
      for (const item of page.Items ?? []) {
        const id = String(item[FLEET_INDEX.sort] ?? item.pk ?? '');
        const customer = id.replace(/^LOGGER#/, '').split('/')[0] ?? '';
        if (customer.startsWith(BRIDGE_LOGGER_PREFIX))
          sites.push(customer.slice(BRIDGE_LOGGER_PREFIX.length));
      }
    }
    const bridges = await Promise.all([...new Set(sites)].map((site) => this.getBridge(site)));
    return bridges.filter((b): b is Bridge => b !== undefined);
  }

  replaceBridgeToken(site: string, oldHash: string, newHash: string): Promise<boolean> {
    return landed(
      this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: bridgeKey(site),
          UpdateExpression: 'SET tokenHash = :new',
          ConditionExpression: 'tokenHash = :old',
          ExpressionAttributeValues: { ':new': newHash, ':old': oldHash },
        }),
      ),
      isConditionFailure,
    );
  }

  removeBridge(site: string, tokenHash: string): Promise<boolean> {
    return landed(
      this.doc.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: bridgeKey(site),
          ConditionExpression: 'tokenHash = :hash',
          ExpressionAttributeValues: { ':hash': tokenHash },
        }),
      ),
      isConditionFailure,
    );
  }

  async countRefused(site: string, count: number, now: number): Promise<void> {
    // A counter, not a state change: an ADD needs no read. The condition keeps a removed bridge removed.
    await landed(
      this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: bridgeKey(site),
          UpdateExpression: 'ADD refused :n SET lastRefusedAt = :now',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':n': count, ':now': now },
        }),
      ),
      isConditionFailure,
    );
  }

  async relayedRecordsSeen(
    id: LoggerId,
    recordIds: readonly string[],
    now?: number,
  ): Promise<ReadonlySet<string>> {
    const seen = new Set<string>();
    const keys = [...new Set(recordIds)].map((recordId) => relayedRecordKey(id, recordId));
    for (let i = 0; i < keys.length; i += 100) {
      let pending: Record<string, unknown>[] | undefined = keys.slice(i, i + 100);
      for (let attempt = 0; pending && pending.length > 0 && attempt < 8; attempt++) {
        const out: BatchGetCommandOutput = await guardStoreCall(
          this.doc.send(
            new BatchGetCommand({
              RequestItems: {
                [this.tableName]: {
                  Keys: pending,
                  ProjectionExpression: `sk, ${PURGE_ATTRIBUTE}, ${TTL_ATTRIBUTE}`,
                },
              },
            }),
          ),
        );
        for (const item of out.Responses?.[this.tableName] ?? []) {
          // An expired marker no longer makes a resend a duplicate (as if TTL had deleted it).
          if (now !== undefined && isExpired(item, now)) continue;
          seen.add(String(item.sk).slice(RELAYED_SK_PREFIX.length));
        }
        pending = out.UnprocessedKeys?.[this.tableName]?.Keys;
      }
    }
    return seen;
  }

  async claimRelayedRecord(
    id: LoggerId,
    recordId: string,
    expiresAt: number,
    now?: number,
  ): Promise<boolean> {
    const fresh =
      now === undefined
        ? { ConditionExpression: 'attribute_not_exists(pk)' }
        : {
            ConditionExpression: 'attribute_not_exists(pk) OR #expiresAt <= :now',
            ExpressionAttributeNames: { '#expiresAt': TTL_ATTRIBUTE },
            ExpressionAttributeValues: { ':now': Math.floor(now / 1000) },
          };
    return landed(
      this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...relayedRecordKey(id, recordId), ...expiring(expiresAt, shardOf(id)) },
          ...fresh,
        }),
      ),
      isConditionFailure,
    );
  }
}

function bridgeFromItem(item: Item): Bridge {
  return {
    site: String(item.site),
    tokenHash: String(item.tokenHash),
    registeredAt: Number(item.registeredAt),
    ...(typeof item.refused === 'number' ? { refused: item.refused } : {}),
    ...(typeof item.lastRefusedAt === 'number' ? { lastRefusedAt: item.lastRefusedAt } : {}),
  };
}
