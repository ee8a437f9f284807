/**
 * The fleet counter: one item (`pk = LISTENER#COUNTS`, `sk = COUNTS`, attribute `loggers`) holding how many
 * Loggers are registered, so `listener status` and the mass-silence guard read the fleet size in one
 * GetItem instead of counting the `fleet` index (minutes at 100,000 on DynamoDB Local). The same writes keep
 * the fleet's rhythm there for the guard: `phoneHomesPerDay` (Σ 1/interval) and `margins` (a number set of
 * the distinct timeout − interval).
 *
 * No transactions (the two-region table is an MRSC global table, which has none): a registration is its
 * conditional Put, THEN an `ADD loggers 1`; a removal deletes the Logger item (returning it, so only the
 * remover that really deleted it counts), THEN `ADD loggers -1`. A crash between the two drifts the
 * counter by one; `listener fleet recount` recomputes it from the `fleet` index, and `listener doctor`
 * reports a counter that disagrees with the fleet it reads (docs/fleet.md).
 */
import {
  BatchGetCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  paginateQuery,
  type QueryCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { StoreUnavailableError } from '../../../domain/errors.js';
import { DAY_MS, type FleetRhythm } from '../../../domain/guards/mass-silence.js';
import type { LoggerSettings } from '../../../domain/logger.js';
import type { FleetRecount } from '../../../ports/fleet.js';
import { guardPages, guardStoreCall, isConditionFailure } from '../dynamo-errors.js';
import { DUE_SHARDS, STATE_INDEX } from '../table-schema.js';
import { fleetPages, fleetQuery } from './dynamo-fleet-index.js';

export const COUNTS_KEY = { pk: 'LISTENER#COUNTS', sk: 'COUNTS' } as const;

/** The settings of a Logger that make the fleet's rhythm (shared/domain/guards/mass-silence.ts `FleetRhythm`). */
export type RhythmSettings = Pick<LoggerSettings, 'eventTimeoutMs' | 'heartbeatIntervalMs'>;

/** What a Logger adds to the counter item: one Logger, its phone-homes a day, its margin. */
export interface FleetChange {
  readonly loggers: number;
  readonly phoneHomesPerDay: number;
  /** Added to the set of margins (never taken out but by a recount: a stale one costs a narrow query). */
  readonly margin?: number;
}

/** The change a Logger with `settings` makes joining (`sign` 1) or leaving (-1) the fleet. */
export function membershipChange(sign: 1 | -1, settings: RhythmSettings): FleetChange {
  return {
    loggers: sign,
    phoneHomesPerDay: (sign * DAY_MS) / settings.heartbeatIntervalMs,
    ...(sign > 0 ? { margin: settings.eventTimeoutMs - settings.heartbeatIntervalMs } : {}),
  };
}

/** The change of a Logger's settings: the same Logger count, its new rhythm for its old. */
export function settingsChange(before: RhythmSettings, after: RhythmSettings): FleetChange {
  const out = membershipChange(-1, before);
  const into = membershipChange(1, after);
  return { ...into, loggers: 0, phoneHomesPerDay: into.phoneHomesPerDay + out.phoneHomesPerDay };
}

/** Adds `delta` Loggers (and their rhythm) to the counter item, creating it if there is none. */
export async function addToFleetCount(
  doc: DynamoDBDocumentClient,
  table: string,
  delta: number | FleetChange,
) {
  const change = typeof delta === 'number' ? { loggers: delta, phoneHomesPerDay: 0 } : delta;
  const adds = ['#loggers :delta'];
  const names: Record<string, string> = { '#loggers': 'loggers' };
  const values: Record<string, unknown> = { ':delta': change.loggers };
  if (change.phoneHomesPerDay !== 0) {
    adds.push('#perDay :perDay');
    names['#perDay'] = 'phoneHomesPerDay';
    values[':perDay'] = change.phoneHomesPerDay;
  }
  if (change.margin !== undefined) {
    adds.push('#margins :margin');
    names['#margins'] = 'margins';
    values[':margin'] = new Set([change.margin]);
  }
  await guardStoreCall(
    doc.send(
      new UpdateCommand({
        TableName: table,
        Key: COUNTS_KEY,
        UpdateExpression: `ADD ${adds.join(', ')}`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    ),
  );
}

/** The fleet's rhythm as the counter item holds it; undefined before it was kept (a recount adds it). */
export function rhythmOf(item: Record<string, unknown> | undefined): FleetRhythm | undefined {
  if (!item || typeof item.loggers !== 'number' || typeof item.phoneHomesPerDay !== 'number')
    return undefined;
  const margins = item.margins instanceof Set ? [...item.margins].map(Number) : [];
  return {
    loggers: item.loggers,
    phoneHomesPerDay: item.phoneHomesPerDay,
    margins: margins.sort((a, b) => a - b),
  };
}

/**
 * After the membership write succeeded: the counter update, which must not turn a done registration or
 * removal into a failure (a token shown once would be lost). If it fails, the counter drifts by `delta`
 * and the line below says how to repair it.
 */
export async function countMembershipChange(
  doc: DynamoDBDocumentClient,
  table: string,
  change: FleetChange,
): Promise<void> {
  try {
    await addToFleetCount(doc, table, change);
  } catch (error) {
    process.stderr.write(
      `listener: the fleet counter missed a change of ${change.loggers} (${(error as Error).name}) — run: listener fleet recount\n`,
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
 * Recomputes the counter and the fleet's rhythm from the `fleet` index (and each Logger's interval and
 * timeout) and writes them, only if the counter did not move while the fleet was read (a registration or
 * removal meanwhile); undefined if it did every time (retry when quieter).
 */
export async function recountFleet(
  doc: DynamoDBDocumentClient,
  table: string,
  attempts = 3,
): Promise<Recount | undefined> {
  for (let attempt = 0; attempt < attempts; attempt++) {
    const before = await readFleetCount(doc, table);
    const rhythm = await readRhythm(doc, table);
    const margins = rhythm.margins.length > 0;
    try {
      await guardStoreCall(
        doc.send(
          new UpdateCommand({
            TableName: table,
            Key: COUNTS_KEY,
            UpdateExpression: `SET #loggers = :after, #perDay = :perDay, #recountedAt = :at${margins ? ', #margins = :margins' : ' REMOVE #margins'}`,
            ConditionExpression:
              before === undefined ? 'attribute_not_exists(#loggers)' : '#loggers = :before',
            ExpressionAttributeNames: {
              '#loggers': 'loggers',
              '#perDay': 'phoneHomesPerDay',
              '#margins': 'margins',
              '#recountedAt': 'recountedAt',
            },
            ExpressionAttributeValues: {
              ':after': rhythm.loggers,
              ':perDay': rhythm.phoneHomesPerDay,
              ':at': Date.now(),
              ...(margins ? { ':margins': new Set(rhythm.margins) } : {}),
              ...(before === undefined ? {} : { ':before': before }),
            },
          }),
        ),
      );
      return { before, after: rhythm.loggers };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }
  return undefined;
}

/** BatchGetItem takes at most 100 keys; unprocessed ones are asked for again this many times in all. */
const BATCH_GET_MAX = 100;
const BATCH_GET_ATTEMPTS = 5;

/** The rhythm of the registered fleet: the `fleet` index's keys, then each Logger's interval and timeout. */
async function readRhythm(doc: DynamoDBDocumentClient, table: string): Promise<FleetRhythm> {
  let loggers = 0;
  let phoneHomesPerDay = 0;
  const margins = new Set<number>();
  for await (const keys of fleetPages(doc, table)) {
    for (let i = 0; i < keys.length; i += BATCH_GET_MAX) {
      for (const item of await readSettings(doc, table, keys.slice(i, i + BATCH_GET_MAX))) {
        const interval = Number(item.heartbeatIntervalMs);
        const timeout = Number(item.eventTimeoutMs);
        if (!(interval > 0) || !(timeout > 0)) continue;
        loggers++;
        phoneHomesPerDay += DAY_MS / interval;
        margins.add(timeout - interval);
      }
    }
  }
  return { loggers, phoneHomesPerDay, margins: [...margins].sort((a, b) => a - b) };
}

async function readSettings(
  doc: DynamoDBDocumentClient,
  table: string,
  keys: readonly Record<string, unknown>[],
): Promise<Record<string, unknown>[]> {
  const found: Record<string, unknown>[] = [];
  let pending = [...keys];
  for (let attempt = 0; pending.length > 0 && attempt < BATCH_GET_ATTEMPTS; attempt++) {
    const out = await guardStoreCall(
      doc.send(
        new BatchGetCommand({
          RequestItems: {
            [table]: {
              Keys: pending,
              ConsistentRead: true,
              ProjectionExpression: 'heartbeatIntervalMs, eventTimeoutMs',
            },
          },
        }),
      ),
    );
    found.push(...(out.Responses?.[table] ?? []));
    pending = [...(out.UnprocessedKeys?.[table]?.Keys ?? [])];
  }
  // Keys still unread: the recount would be short; fail it, so the counter is never written wrong.
  if (pending.length > 0) throw new StoreUnavailableError('DynamoDB left keys unread during the recount');
  return found;
}

async function countQuery(doc: DynamoDBDocumentClient, query: QueryCommandInput): Promise<number> {
  let total = 0;
  for await (const page of guardPages(paginateQuery({ client: doc }, { ...query, Select: 'COUNT' }))) {
    total += page.Count ?? 0;
  }
  return total;
}
