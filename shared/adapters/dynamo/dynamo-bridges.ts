/**
 * Dial-in bridges' items (`BRIDGE#<site>` / `BRIDGE`) and the bridge sites bound to a modem Logger: the
 * DynamoDB side of LoggerStore's bridge methods. Every change is a conditional write on what was read.
 */
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  paginateQuery,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { LoggerId } from '../../domain/logger.js';
import type { Bridge } from '../../ports/bridge-registry.js';
import { guardPages, guardStoreCall, isConditionFailure, isLostRace, landed } from './dynamo-errors.js';
import { fleetQuery } from './dynamo-fleet-index.js';
import { bridgeKey, loggerKey } from './dynamo-items.js';
import { FLEET_INDEX } from './table-schema.js';

type Item = Record<string, unknown>;

export function bridgeFromItem(item: Item): Bridge {
  return {
    site: String(item.site),
    tokenHash: String(item.tokenHash),
    registeredAt: Number(item.registeredAt),
    ...(typeof item.refused === 'number' ? { refused: item.refused } : {}),
    ...(typeof item.lastRefusedAt === 'number' ? { lastRefusedAt: item.lastRefusedAt } : {}),
  };
}

export async function getBridge(doc: DynamoDBDocumentClient, table: string, site: string) {
  const { Item } = await guardStoreCall(
    doc.send(new GetCommand({ TableName: table, Key: bridgeKey(site), ConsistentRead: true })),
  );
  return Item ? bridgeFromItem(Item) : undefined;
}

/** The prefix of a bridge's own Logger id (`bridge-<site>/A`, shared/listener/register.ts). */
const BRIDGE_LOGGER_PREFIX = 'bridge-';

/** Registered bridges: sites from their own Loggers in the `fleet` index (a key range), then their items. */
export async function listBridges(doc: DynamoDBDocumentClient, table: string): Promise<Bridge[]> {
  const base = fleetQuery(table);
  const query = {
    ...base,
    KeyConditionExpression: '#fleet = :fleet AND begins_with(#loggerId, :prefix)',
    ExpressionAttributeNames: { ...base.ExpressionAttributeNames, '#loggerId': FLEET_INDEX.sort },
    ExpressionAttributeValues: { ...base.ExpressionAttributeValues, ':prefix': BRIDGE_LOGGER_PREFIX },
  };
  const sites: string[] = [];
  for await (const page of guardPages(paginateQuery({ client: doc }, query))) {
    for (const item of page.Items ?? []) {
      const id = String(item[FLEET_INDEX.sort] ?? item.pk ?? '');
      const customer = id.replace(/^LOGGER#/, '').split('/')[0] ?? '';
      if (customer.startsWith(BRIDGE_LOGGER_PREFIX)) sites.push(customer.slice(BRIDGE_LOGGER_PREFIX.length));
    }
  }
  const bridges = await Promise.all([...new Set(sites)].map((site) => getBridge(doc, table, site)));
  return bridges.filter((b): b is Bridge => b !== undefined);
}

export function replaceBridgeToken(
  doc: DynamoDBDocumentClient,
  table: string,
  site: string,
  oldHash: string,
  newHash: string,
): Promise<boolean> {
  return landed(
    doc.send(
      new UpdateCommand({
        TableName: table,
        Key: bridgeKey(site),
        UpdateExpression: 'SET tokenHash = :new',
        ConditionExpression: 'tokenHash = :old',
        ExpressionAttributeValues: { ':new': newHash, ':old': oldHash },
      }),
    ),
    isConditionFailure,
  );
}

export function removeBridge(
  doc: DynamoDBDocumentClient,
  table: string,
  site: string,
  tokenHash: string,
): Promise<boolean> {
  return landed(
    doc.send(
      new DeleteCommand({
        TableName: table,
        Key: bridgeKey(site),
        ConditionExpression: 'tokenHash = :hash',
        ExpressionAttributeValues: { ':hash': tokenHash },
      }),
    ),
    isConditionFailure,
  );
}

export async function countRefused(
  doc: DynamoDBDocumentClient,
  table: string,
  site: string,
  count: number,
  now: number,
): Promise<void> {
  // A counter, not a state change: an ADD needs no read. The condition keeps a removed bridge removed.
  await landed(
    doc.send(
      new UpdateCommand({
        TableName: table,
        Key: bridgeKey(site),
        UpdateExpression: 'ADD refused :n SET lastRefusedAt = :now',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':n': count, ':now': now },
      }),
    ),
    isConditionFailure,
  );
}

export function bindBridges(
  doc: DynamoDBDocumentClient,
  table: string,
  id: LoggerId,
  before: readonly string[] | undefined,
  after: readonly string[] | undefined,
): Promise<boolean> {
  const values: Item = { ':modem': 'modem' };
  const unchanged = before?.length ? '#bridges = :before' : 'attribute_not_exists(#bridges)';
  if (before?.length) values[':before'] = [...before];
  if (after?.length) values[':after'] = [...after];
  return landed(
    doc.send(
      new UpdateCommand({
        TableName: table,
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
