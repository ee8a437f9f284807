/**
 * The fleet counter: one item (`pk = LISTENER#COUNTS`, `sk = COUNTS`, attribute `loggers`) holding how many
 * Loggers are registered, so `listener status` and the mass-silence guard read the fleet size in one
 * GetItem instead of counting the `fleet` index (minutes at 100,000 on DynamoDB Local).
 *
 * No transactions (the two-region table is an MRSC global table, which has none): a registration is its
 * conditional Put, THEN an `ADD loggers 1`; a removal deletes the Logger item (returning it, so only the
 * remover that really deleted it counts), THEN `ADD loggers -1`. A crash between the two drifts the
 * counter by one; `listener fleet recount` recomputes it from the `fleet` index, and `listener doctor`
 * reports a counter that disagrees with the fleet it reads (docs/fleet.md).
 */
import {
  type DynamoDBDocumentClient,
  GetCommand,
  paginateQuery,
  type QueryCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { FleetRecount } from '../../ports.js';
import { guardPages, guardStoreCall, isConditionFailure } from './dynamo-errors.js';
import { fleetQuery } from './dynamo-fleet-index.js';
import { DUE_SHARDS, STATE_INDEX } from './table-schema.js';

export const COUNTS_KEY = { pk: 'LISTENER#COUNTS', sk: 'COUNTS' } as const;

/** Adds `delta` to the registered-Logger count (creating the item at `delta` if there is none). */
export async function addToFleetCount(doc: DynamoDBDocumentClient, table: string, delta: number) {
  await guardStoreCall(
    doc.send(
      new UpdateCommand({
        TableName: table,
        Key: COUNTS_KEY,
        UpdateExpression: 'ADD #loggers :delta',
        ExpressionAttributeNames: { '#loggers': 'loggers' },
        ExpressionAttributeValues: { ':delta': delta },
      }),
    ),
  );
}

/**
 * After the membership write succeeded: the counter update, which must not turn a done registration or
 * removal into a failure (a token shown once would be lost). If it fails, the counter drifts by `delta`
 * and the line below says how to repair it.
 */
export async function countMembershipChange(
  doc: DynamoDBDocumentClient,
  table: string,
  delta: number,
): Promise<void> {
  try {
    await addToFleetCount(doc, table, delta);
  } catch (error) {
    process.stderr.write(
      `listener: the fleet counter missed a change of ${delta} (${(error as Error).name}) — run: listener fleet recount\n`,
    );
  }
}

/** The counter, or undefined when the table has none (created before the counter, or never registered to). */
export async function readFleetCount(
  doc: DynamoDBDocumentClient,
  table: string,
): Promise<number | undefined> {
  const { Item } = await guardStoreCall(
    doc.send(new GetCommand({ TableName: table, Key: COUNTS_KEY, ConsistentRead: true })),
  );
  return Item && typeof Item.loggers === 'number' ? Item.loggers : undefined;
}

/**
 * Registered Loggers: the counter, or — on a table without one — a COUNT over the keys-only `fleet` index
 * (correct but slow on a large fleet on DynamoDB Local; `listener fleet recount` writes the counter).
 */
export async function fleetTotal(doc: DynamoDBDocumentClient, table: string): Promise<number> {
  return Math.max(0, (await readFleetCount(doc, table)) ?? (await countFleetIndex(doc, table)));
}

/** Counts the `fleet` index (one entry per Logger): what the counter should say. */
export function countFleetIndex(doc: DynamoDBDocumentClient, table: string): Promise<number> {
  return countQuery(doc, fleetQuery(table));
}

/** DOWN or PAUSED Loggers: the sparse `state` index, one COUNT query per shard. */
export async function countInState(
  doc: DynamoDBDocumentClient,
  table: string,
  state: 'DOWN' | 'PAUSED',
): Promise<number> {
  const counts = await Promise.all(
    Array.from({ length: DUE_SHARDS }, (_, shard) =>
      countQuery(doc, {
        TableName: table,
        IndexName: STATE_INDEX.name,
        KeyConditionExpression: '#shard = :shard',
        ExpressionAttributeNames: { '#shard': STATE_INDEX.partition },
        ExpressionAttributeValues: { ':shard': `${state}#${shard}` },
      }),
    ),
  );
  return counts.reduce((a, b) => a + b, 0);
}

export type Recount = FleetRecount;

/**
 * Recomputes the counter from the `fleet` index and writes it, only if the counter did not move while the
 * index was counted (a registration or removal meanwhile); false if it did every time (retry when quieter).
 */
export async function recountFleet(
  doc: DynamoDBDocumentClient,
  table: string,
  attempts = 3,
): Promise<Recount | undefined> {
  for (let attempt = 0; attempt < attempts; attempt++) {
    const before = await readFleetCount(doc, table);
    const after = await countFleetIndex(doc, table);
    try {
      await guardStoreCall(
        doc.send(
          new UpdateCommand({
            TableName: table,
            Key: COUNTS_KEY,
            UpdateExpression: 'SET #loggers = :after, #recountedAt = :at',
            ConditionExpression:
              before === undefined ? 'attribute_not_exists(#loggers)' : '#loggers = :before',
            ExpressionAttributeNames: { '#loggers': 'loggers', '#recountedAt': 'recountedAt' },
            ExpressionAttributeValues: {
              ':after': after,
              ':at': Date.now(),
              ...(before === undefined ? {} : { ':before': before }),
            },
          }),
        ),
      );
      return { before, after };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }
  return undefined;
}

async function countQuery(doc: DynamoDBDocumentClient, query: QueryCommandInput): Promise<number> {
  let total = 0;
  for await (const page of guardPages(paginateQuery({ client: doc }, { ...query, Select: 'COUNT' }))) {
    total += page.Count ?? 0;
  }
  return total;
}
