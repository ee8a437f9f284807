/**
 * The DynamoDB implementation of {@link Fleet}: the fleet size from the counter item
 * (dynamo-fleet-counter.ts), the other counts and the status view from the sparse `state` and `due`
 * indexes — never a Scan, never the whole fleet — and the bulk reads and settings writes of
 * `listener logger import|export`.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  DynamoDBDocumentClient,
  paginateQuery,
  type QueryCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { displayState, type Logger, type LoggerId, twinOf } from '../../../domain/logger.js';
import { counted } from '../../../domain/words.js';
import type { Fleet, FleetCounts } from '../../../ports/fleet.js';
import { guardPages, guardStoreCall, isConditionFailure, landed } from '../dynamo-errors.js';
import { LOGGER_SK, loggerFromItem, loggerIdOfPk, loggerKey, shardOf } from '../logger/dynamo-items.js';
import { DUE_INDEX, DUE_SHARDS, STATE_INDEX } from '../table-schema.js';
import {
  countInState,
  countMembershipChange,
  fleetTotal,
  type Recount,
  readFleetCount,
  recountFleet,
  settingsChange,
} from './dynamo-fleet-counter.js';
import { fleetPages } from './dynamo-fleet-index.js';

/** BatchGetItem takes at most 100 keys. */
const BATCH_GET_MAX = 100;
/** Parallel BatchGetItem requests: enough to hide latency, few enough not to be throttled. */
const READ_CONCURRENCY = 8;

const SHARDS = Array.from({ length: DUE_SHARDS }, (_, n) => n);
/** Watched Loggers in the due index (not DOWN/PAUSED, not an event item). */
const WATCHED_FILTER = {
  FilterExpression: 'sk = :logger AND #state IN (:new, :up)',
  names: { '#state': 'state' },
  values: { ':logger': LOGGER_SK, ':new': 'NEW', ':up': 'UP' },
};

export class DynamoFleet implements Fleet {
  private readonly doc: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
  ) {
    this.doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  }

  async counts(now: number): Promise<FleetCounts> {
    const [total, down, paused, overdue] = await Promise.all([
      this.total(),
      countInState(this.doc, this.tableName, 'DOWN'),
      countInState(this.doc, this.tableName, 'PAUSED'),
      Promise.all(SHARDS.map((n) => this.count(this.dueQuery(n, now, true)))).then(sum),
    ]);
    return { total, watched: Math.max(0, total - paused), overdue, down, paused };
  }

  /** Registered Loggers: the fleet counter (one GetItem); a table without one counts the `fleet` index. */
  total(): Promise<number> {
    return fleetTotal(this.doc, this.tableName);
  }

  counter(): Promise<number | undefined> {
    return readFleetCount(this.doc, this.tableName);
  }

  recount(): Promise<Recount | undefined> {
    return recountFleet(this.doc, this.tableName);
  }

  async inState(state: 'DOWN' | 'PAUSED'): Promise<Logger[]> {
    const shards = await Promise.all(SHARDS.map((n) => this.items(this.stateQuery(state, n))));
    return shards.flat();
  }

  async attention(now: number, lookaheadMs: number): Promise<Logger[]> {
    const found = new Map<string, Logger>();
    const add = (logger: Logger) => found.set(loggerKey(logger).pk, logger);
    const queries = [
      ...SHARDS.flatMap((n) => [this.stateQuery('DOWN', n), this.stateQuery('PAUSED', n)]),
      ...SHARDS.map((n) => this.dueQuery(n, now + lookaheadMs, false)),
    ];
    await Promise.all(
      queries.map(async (query) => {
        for (const logger of await this.items(query)) {
          const state = displayState(logger, now);
          const watchedNeedsLook = logger.deadline <= now || state === 'LATE';
          if (logger.state === 'DOWN' || logger.state === 'PAUSED' || watchedNeedsLook) add(logger);
        }
      }),
    );
    const twins = [...found.values()].map(twinOf).filter((id) => !found.has(loggerKey(id).pk));
    for (const twin of await this.getMany(twins)) add(twin);
    return [...found.values()];
  }

  async getMany(ids: readonly LoggerId[]): Promise<Logger[]> {
    return this.getManyKeys(ids.map(loggerKey));
  }

  async *pages(pageSize = 1000): AsyncIterable<Logger[]> {
    for await (const ids of this.idPages(pageSize)) {
      const loggers = await this.getMany(ids);
      // The index orders ids by their UTF-8 bytes; a plain comparison keeps that order within the page.
      yield loggers.sort((a, b) => (byId(a) < byId(b) ? -1 : 1));
    }
  }

  async *idPages(pageSize = 1000): AsyncIterable<LoggerId[]> {
    for await (const keys of fleetPages(this.doc, this.tableName, pageSize)) {
      yield keys.map((key) => loggerIdOfPk(key.pk));
    }
  }

  async updateSettings(before: Logger, after: Logger): Promise<boolean> {
    const dueSet = after.dueAt === undefined ? '' : ', #dueAt = :dueAt, #dueShard = :dueShard';
    // The Phone Home configuration, the contact and a cron schedule are settings too (`logger set --phone …`,
    // `--owner ''`, `--cron …`):
    // each written when present, removed when absent.
    const optional = {
      phoneHome: after.phoneHome,
      owner: after.owner,
      note: after.note,
      schedule: after.schedule,
    };
    const given = Object.entries(optional).filter(([, value]) => value !== undefined);
    const absent = Object.keys(optional).filter((name) => !given.some(([g]) => g === name));
    const optionalSet = given.map(([name]) => `, #${name} = :${name}`).join('');
    const remove = absent.length === 0 ? '' : ` REMOVE ${absent.map((name) => `#${name}`).join(', ')}`;
    const written = await landed(
      this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: loggerKey(after),
          UpdateExpression: `SET #eventTimeoutMs = :timeout, #heartbeatIntervalMs = :interval, #transport = :transport, #deadline = :deadline${dueSet}${optionalSet}${remove}`,
          // The same guard as a transition: a heartbeat or transition landing meanwhile wins; read again.
          ConditionExpression: '#revision = :revision AND #deadline = :expectedDeadline',
          ExpressionAttributeNames: {
            '#eventTimeoutMs': 'eventTimeoutMs',
            '#heartbeatIntervalMs': 'heartbeatIntervalMs',
            '#transport': 'transport',
            '#deadline': 'deadline',
            '#revision': 'revision',
            ...Object.fromEntries(Object.keys(optional).map((name) => [`#${name}`, name])),
            ...(after.dueAt === undefined ? {} : { '#dueAt': 'dueAt', '#dueShard': 'dueShard' }),
          },
          ExpressionAttributeValues: {
            ':timeout': after.eventTimeoutMs,
            ':interval': after.heartbeatIntervalMs,
            ':transport': after.transport,
            ':deadline': after.deadline,
            ':revision': before.revision,
            ':expectedDeadline': before.deadline,
            ...(after.dueAt === undefined ? {} : { ':dueAt': after.dueAt, ':dueShard': shardOf(after) }),
            ...Object.fromEntries(given.map(([name, value]) => [`:${name}`, value])),
          },
        }),
      ),
      isConditionFailure,
    );
    // The fleet's rhythm follows a new interval or timeout (after the write, like the count: see the counter).
    const rhythmMoved =
      before.heartbeatIntervalMs !== after.heartbeatIntervalMs ||
      before.eventTimeoutMs !== after.eventTimeoutMs;
    if (written && rhythmMoved)
      await countMembershipChange(this.doc, this.tableName, settingsChange(before, after));
    return written;
  }

  private stateQuery(state: 'DOWN' | 'PAUSED', shard: number): QueryCommandInput {
    return {
      TableName: this.tableName,
      IndexName: STATE_INDEX.name,
      KeyConditionExpression: '#shard = :shard',
      ExpressionAttributeNames: { '#shard': STATE_INDEX.partition },
      ExpressionAttributeValues: { ':shard': `${state}#${shard}` },
    };
  }

  /** Watched Loggers of a `due` shard with `dueAt <= until`; `overdueOnly`: only those past their deadline. */
  private dueQuery(shard: number, until: number, overdueOnly: boolean): QueryCommandInput {
    return {
      TableName: this.tableName,
      IndexName: DUE_INDEX.name,
      KeyConditionExpression: `${DUE_INDEX.partition} = :shard AND ${DUE_INDEX.sort} <= :until`,
      // An UP Logger may be due for an outbox retry, not its deadline: only a passed deadline is overdue.
      FilterExpression: overdueOnly
        ? `${WATCHED_FILTER.FilterExpression} AND #deadline <= :until`
        : WATCHED_FILTER.FilterExpression,
      ExpressionAttributeNames: {
        ...WATCHED_FILTER.names,
        ...(overdueOnly ? { '#deadline': 'deadline' } : {}),
      },
      ExpressionAttributeValues: { ...WATCHED_FILTER.values, ':shard': `due#${shard}`, ':until': until },
    };
  }

  private async count(query: QueryCommandInput): Promise<number> {
    let total = 0;
    for await (const page of guardPages(paginateQuery({ client: this.doc }, { ...query, Select: 'COUNT' }))) {
      total += page.Count ?? 0;
    }
    return total;
  }

  private async items(query: QueryCommandInput): Promise<Logger[]> {
    const loggers: Logger[] = [];
    for await (const page of guardPages(paginateQuery({ client: this.doc }, query))) {
      loggers.push(...(page.Items ?? []).map(loggerFromItem));
    }
    return loggers;
  }

  /** BatchGetItem in chunks of 100, a few at a time. */
  private async getManyKeys(keys: readonly Record<string, string>[]): Promise<Logger[]> {
    const chunks: Record<string, string>[][] = [];
    for (let i = 0; i < keys.length; i += BATCH_GET_MAX) chunks.push(keys.slice(i, i + BATCH_GET_MAX));
    const found: Logger[] = [];
    let next = 0;
    const worker = async () => {
      for (let chunk = chunks[next++]; chunk; chunk = chunks[next++])
        found.push(...(await this.batchGet(chunk)));
    };
    await Promise.all(Array.from({ length: Math.min(READ_CONCURRENCY, chunks.length) }, worker));
    return found;
  }

  private async batchGet(keys: Record<string, unknown>[]): Promise<Logger[]> {
    const found: Logger[] = [];
    let pending: Record<string, unknown>[] | undefined = keys;
    // Part of a batch may come back unprocessed under load: ask again for those, backing off.
    for (let attempt = 0; pending && pending.length > 0; attempt++) {
      if (attempt >= 10)
        throw new Error(`DynamoDB left ${counted(pending.length, 'key')} unread after 10 attempts`);
      if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(1000, 25 * 2 ** attempt)));
      const out: BatchGetCommandOutput = await guardStoreCall(
        this.doc.send(new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: pending } } })),
      );
      found.push(...(out.Responses?.[this.tableName] ?? []).map(loggerFromItem));
      pending = out.UnprocessedKeys?.[this.tableName]?.Keys;
    }
    return found;
  }
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

function byId(logger: LoggerId): string {
  return `${logger.customer}/${logger.side}`;
}
