/**
 * The keys-only `fleet` index: one entry per registered Logger (events and other items are not in it), so
 * listing or counting the fleet reads Logger keys only — never a Scan of the table.
 */
import { type DynamoDBDocumentClient, paginateQuery, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { guardPages } from '../dynamo-errors.js';
import { LOGGER_SK } from '../logger/dynamo-items.js';
import { FLEET_INDEX } from '../table-schema.js';

/** A Logger item's key, as the `fleet` index projects it. */
export type LoggerItemKey = { pk: string; sk: string };

/** The query of the whole `fleet` index (add `Select: 'COUNT'` to count it). */
export function fleetQuery(table: string): QueryCommandInput {
  return {
    TableName: table,
    IndexName: FLEET_INDEX.name,
    KeyConditionExpression: '#fleet = :fleet',
    ExpressionAttributeNames: { '#fleet': FLEET_INDEX.partition },
    ExpressionAttributeValues: { ':fleet': LOGGER_SK },
  };
}

/** Every registered Logger's key, a page (up to `pageSize` keys) at a time, in the index's id order. */
export async function* fleetPages(
  doc: DynamoDBDocumentClient,
  table: string,
  pageSize?: number,
): AsyncGenerator<LoggerItemKey[]> {
  const pages = paginateQuery({ client: doc, ...(pageSize ? { pageSize } : {}) }, fleetQuery(table));
  for await (const page of guardPages(pages)) {
    yield (page.Items ?? []).map((item) => ({ pk: String(item.pk), sk: String(item.sk) }));
  }
}
