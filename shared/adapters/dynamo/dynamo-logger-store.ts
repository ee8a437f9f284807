/**
 * The DynamoDB implementation of {@link LoggerStore}. One table (see table-schema.ts); every state change
 * is a conditional write, and a failed condition means "another worker got there first".
 */
import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  paginateQuery,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { BridgeExistsError, LoggerExistsError, StoreUnavailableError } from '../../domain/errors.js';
import type { LoggerEvent } from '../../domain/event.js';
import {
  formatLoggerId,
  type Logger,
  type LoggerId,
  type Side,
  type Transport,
} from '../../domain/logger.js';
import {
  commonSites,
  type DeadlineRange,
  type FleetRhythm,
  isMissing,
  type MassSilence,
  NO_MASS_SILENCE,
  type OverdueSighting,
} from '../../domain/mass-silence.js';
import type { PhoneHomeReport } from '../../domain/transitions.js';
import { newWatch, type SweepBeacon, type TwinWatch } from '../../domain/twin-watch.js';
import type {
  Bridge,
  DueItem,
  FastPhoneHome,
  LoggerStore,
  PhoneHomeProof,
  StoredEvents,
  SweeperStatus,
} from '../../ports.js';
import * as bridges from './dynamo-bridges.js';
import { guardPages, guardStoreCall, isConditionFailure, isLostRace, landed } from './dynamo-errors.js';
import {
  COUNTS_KEY,
  countInState,
  countMembershipChange,
  fleetTotal,
  membershipChange,
  type RhythmSettings,
  rhythmOf,
} from './dynamo-fleet-counter.js';
import { fleetPages } from './dynamo-fleet-index.js';
import {
  beaconKey,
  blindRecordKey,
  bridgeKey,
  EVENT_SK_PREFIX,
  eventFromItem,
  eventItem,
  eventKey,
  expiring,
  isExpired,
  LOGGER_SK,
  loggerFromItem,
  loggerIdOfPk,
  loggerItem,
  loggerKey,
  MASS_SILENCE_KEY,
  phoneHomeUpdate,
  RELAYED_SK_PREFIX,
  relayedRecordKey,
  shardOf,
  sweeperKey,
  transitionUpdate,
  twinWatchKey,
} from './dynamo-items.js';
import { DUE_INDEX, DUE_SHARDS, PURGE_ATTRIBUTE, TTL_ATTRIBUTE } from './table-schema.js';

/** BatchGetItem takes at most 100 keys; unprocessed keys are asked for again this many times in all. */
const BATCH_GET_MAX = 100;
const BATCH_GET_ATTEMPTS = 5;

export class DynamoLoggerStore implements LoggerStore {
  private readonly doc: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
  ) {
    this.doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  }

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
    // (shared/domain/blind-customer.ts explains why that is as sound).
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

  async recordSweep(status: SweeperStatus, listenerName?: string): Promise<void> {
    await guardStoreCall(
      this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: sweeperKey(listenerName),
          UpdateExpression: 'SET #lastRunAt = :at, #report = :report',
          ExpressionAttributeNames: { '#lastRunAt': 'lastRunAt', '#report': 'report' },
          ExpressionAttributeValues: { ':at': status.lastRunAt, ':report': status.report },
        }),
      ),
    );
  }

  async getSweeperStatus(listenerName?: string): Promise<SweeperStatus | undefined> {
    const { Item } = await guardStoreCall(
      this.doc.send(new GetCommand({ TableName: this.tableName, Key: sweeperKey(listenerName) })),
    );
    return Item
      ? { lastRunAt: Number(Item.lastRunAt), report: (Item.report ?? {}) as SweeperStatus['report'] }
      : undefined;
  }

  async *findDue(now: number): AsyncIterable<DueItem> {
    for (let shard = 0; shard < DUE_SHARDS; shard++) {
      const pages = paginateQuery(
        { client: this.doc, pageSize: 100 },
        {
          TableName: this.tableName,
          IndexName: DUE_INDEX.name,
          KeyConditionExpression: 'dueShard = :shard AND dueAt <= :now',
          ExpressionAttributeValues: { ':shard': `due#${shard}`, ':now': now },
        },
      );
      for await (const page of guardPages(pages)) {
        for (const item of page.Items ?? []) {
          // Past its expiry (no TTL on a pair's table): deleted by the sweep, never acted on any more.
          if (isExpired(item, now))
            yield { type: 'expired', key: { pk: String(item.pk), sk: String(item.sk) } };
          else if (item.sk === LOGGER_SK) yield { type: 'logger', logger: loggerFromItem(item) };
          else if (String(item.sk).startsWith(EVENT_SK_PREFIX)) {
            yield {
              type: 'event',
              loggerId: loggerIdOfPk(String(item.pk)),
              event: eventFromItem(item),
              dueAt: Number(item.dueAt),
              sent: Array.isArray(item.sent) ? item.sent.map(String) : [],
            };
          }
        }
      }
    }
  }

  async putEvents(
    id: LoggerId,
    events: readonly LoggerEvent[],
    options: { expiresAt: number; publishRetryAt: number; now?: number },
  ): Promise<StoredEvents> {
    // An event id whose item has expired may be stored again, as after TTL deleted it (no TTL on a pair).
    const fresh =
      options.now === undefined
        ? { ConditionExpression: 'attribute_not_exists(pk)' }
        : {
            ConditionExpression: 'attribute_not_exists(pk) OR #expiresAt <= :now',
            ExpressionAttributeNames: { '#expiresAt': TTL_ATTRIBUTE },
            ExpressionAttributeValues: { ':now': Math.floor(options.now / 1000) },
          };
    const outcomes = await Promise.all(
      events.map(async (event) => {
        try {
          await guardStoreCall(
            this.doc.send(
              new PutCommand({
                TableName: this.tableName,
                Item: eventItem(id, event, options),
                ...fresh,
              }),
            ),
          );
          return { event, stored: true };
        } catch (error) {
          if (isConditionFailure(error)) return { event, stored: false };
          throw error;
        }
      }),
    );
    return {
      stored: outcomes.filter((o) => o.stored).map((o) => o.event),
      duplicates: outcomes.filter((o) => !o.stored).map((o) => o.event),
    };
  }

  async recordEventDelivery(
    id: LoggerId,
    eventId: string,
    delivery: { readonly sent: readonly string[]; readonly complete: boolean; readonly failed: boolean },
  ): Promise<void> {
    const sets: string[] = [];
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    if (delivery.sent.length > 0) {
      sets.push('#sent = :sent');
      names['#sent'] = 'sent';
      values[':sent'] = [...delivery.sent];
    }
    if (delivery.failed) {
      sets.push('#failedAttempts = if_not_exists(#failedAttempts, :zero) + :one');
      names['#failedAttempts'] = 'failedAttempts';
      values[':zero'] = 0;
      values[':one'] = 1;
    }
    if (delivery.complete) {
      // Published everywhere: it stays in the due index only to be deleted at its expiry (an event stored
      // before `purgeAt` existed is parked at the end of time instead; TTL deletes it).
      sets.push('#dueAt = if_not_exists(#purgeAt, :never)');
      Object.assign(names, { '#dueAt': 'dueAt', '#purgeAt': PURGE_ATTRIBUTE });
      values[':never'] = NEVER;
    }
    const update = sets.length ? `SET ${sets.join(', ')}` : '';
    if (!update.trim()) return;
    try {
      await guardStoreCall(
        this.doc.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: eventKey(id, eventId),
            UpdateExpression: update.trim(),
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeNames: names,
            ...(Object.keys(values).length ? { ExpressionAttributeValues: values } : {}),
          }),
        ),
      );
    } catch (error) {
      // The event expired (and was deleted) meanwhile: nothing left to record.
      if (!isConditionFailure(error)) throw error;
    }
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

  async claimEvent(id: LoggerId, eventId: string, seenDueAt: number, retryAt: number): Promise<boolean> {
    return landed(
      this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: eventKey(id, eventId),
          UpdateExpression: 'SET dueAt = :retryAt',
          ConditionExpression: 'dueAt = :seen',
          ExpressionAttributeValues: { ':retryAt': retryAt, ':seen': seenDueAt },
        }),
      ),
      isLostRace,
    );
  }

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

  getBridge(site: string): Promise<Bridge | undefined> {
    return bridges.getBridge(this.doc, this.tableName, site);
  }

  listBridges(): Promise<Bridge[]> {
    return bridges.listBridges(this.doc, this.tableName);
  }

  replaceBridgeToken(site: string, oldHash: string, newHash: string): Promise<boolean> {
    return bridges.replaceBridgeToken(this.doc, this.tableName, site, oldHash, newHash);
  }

  removeBridge(site: string, tokenHash: string): Promise<boolean> {
    return bridges.removeBridge(this.doc, this.tableName, site, tokenHash);
  }

  countRefused(site: string, count: number, now: number): Promise<void> {
    return bridges.countRefused(this.doc, this.tableName, site, count, now);
  }

  bindBridges(
    id: LoggerId,
    before: readonly string[] | undefined,
    after: readonly string[] | undefined,
  ): Promise<boolean> {
    return bridges.bindBridges(this.doc, this.tableName, id, before, after);
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

  async listEvents(id: LoggerId, limit: number): Promise<LoggerEvent[]> {
    const { Items } = await guardStoreCall(
      this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': loggerKey(id).pk, ':prefix': EVENT_SK_PREFIX },
        }),
      ),
    );
    return (Items ?? [])
      .map(eventFromItem)
      .sort((a, b) => b.receivedAt - a.receivedAt)
      .slice(0, limit);
  }

  async pruneExpired(key: Readonly<Record<string, string>>, now: number): Promise<boolean> {
    return landed(
      this.doc.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: { pk: key.pk, sk: key.sk },
          // Only if still expired: an id stored again meanwhile (a fresh event or marker) stays.
          ConditionExpression: '#expiresAt <= :now',
          ExpressionAttributeNames: { '#expiresAt': TTL_ATTRIBUTE },
          ExpressionAttributeValues: { ':now': Math.floor(now / 1000) },
        }),
      ),
      isLostRace,
    );
  }

  async getMassSilence(): Promise<MassSilence> {
    const { Item } = await guardStoreCall(
      this.doc.send(
        new GetCommand({ TableName: this.tableName, Key: MASS_SILENCE_KEY, ConsistentRead: true }),
      ),
    );
    return Item && isRecord(Item.silence) ? (Item.silence as unknown as MassSilence) : NO_MASS_SILENCE;
  }

  async getMassSilenceAndRhythm(): Promise<{ silence: MassSilence; rhythm?: FleetRhythm }> {
    let keys: Record<string, string>[] = [MASS_SILENCE_KEY, COUNTS_KEY];
    const found: Record<string, unknown>[] = [];
    // One BatchGetItem, so the guard's two reads cost the sweep one request.
    for (let attempt = 0; keys.length > 0 && attempt < BATCH_GET_ATTEMPTS; attempt++) {
      const out = await guardStoreCall(
        this.doc.send(
          new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: keys, ConsistentRead: true } } }),
        ),
      );
      found.push(...(out.Responses?.[this.tableName] ?? []));
      keys = (out.UnprocessedKeys?.[this.tableName]?.Keys ?? []) as Record<string, string>[];
    }
    if (keys.length > 0) throw new StoreUnavailableError('DynamoDB left the mass-silence record unread');
    const record = found.find((item) => item.pk === MASS_SILENCE_KEY.pk);
    const rhythm = rhythmOf(found.find((item) => item.pk === COUNTS_KEY.pk));
    return {
      silence:
        record && isRecord(record.silence) ? (record.silence as unknown as MassSilence) : NO_MASS_SILENCE,
      ...(rhythm ? { rhythm } : {}),
    };
  }

  async writeMassSilence(before: MassSilence, after: MassSilence): Promise<boolean> {
    return this.putOnRevision(MASS_SILENCE_KEY, before.revision, after.revision, { silence: after });
  }

  async recordBeacon(listenerName: string, lastSweepAt: number, sweepEveryMs: number): Promise<SweepBeacon> {
    const { Attributes } = await guardStoreCall(
      this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: beaconKey(listenerName),
          UpdateExpression: 'SET #at = :at, #every = :every',
          ExpressionAttributeNames: { '#at': 'lastSweepAt', '#every': 'sweepEveryMs' },
          ExpressionAttributeValues: { ':at': lastSweepAt, ':every': sweepEveryMs },
          // The previous sweep and the twin recorded on it come back with the write: no extra read.
          ReturnValues: 'ALL_OLD',
        }),
      ),
    );
    return beaconOf(listenerName, Attributes) ?? { listenerName };
  }

  async getBeacon(listenerName: string): Promise<SweepBeacon | undefined> {
    const { Item } = await guardStoreCall(
      this.doc.send(
        new GetCommand({ TableName: this.tableName, Key: beaconKey(listenerName), ConsistentRead: true }),
      ),
    );
    return beaconOf(listenerName, Item);
  }

  async pairBeacon(listenerName: string, twin: string): Promise<void> {
    await guardStoreCall(
      this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: beaconKey(listenerName),
          UpdateExpression: 'SET #twin = :twin',
          ExpressionAttributeNames: { '#twin': 'twin' },
          ExpressionAttributeValues: { ':twin': twin },
        }),
      ),
    );
  }

  async getTwinWatch(watcher: string, twin: string): Promise<TwinWatch> {
    const { Item } = await guardStoreCall(
      this.doc.send(
        new GetCommand({
          TableName: this.tableName,
          Key: twinWatchKey(watcher, twin),
          ConsistentRead: true,
        }),
      ),
    );
    return Item && isRecord(Item.watch) ? (Item.watch as unknown as TwinWatch) : newWatch(watcher, twin);
  }

  async writeTwinWatch(before: TwinWatch, after: TwinWatch): Promise<boolean> {
    return this.putOnRevision(twinWatchKey(after.watcher, after.twin), before.revision, after.revision, {
      watch: after,
    });
  }

  /**
   * Replaces a Listener-wide record (mass silence, twin watch) if it is still at `readRevision` (0: not
   * written yet); false when another sweeper got there first.
   */
  private async putOnRevision(
    key: Record<string, string>,
    readRevision: number,
    revision: number,
    body: Record<string, unknown>,
  ): Promise<boolean> {
    const fresh = readRevision === 0;
    return landed(
      this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...key, revision, ...body },
          ConditionExpression: fresh ? 'attribute_not_exists(pk)' : '#revision = :revision',
          ...(fresh
            ? {}
            : {
                ExpressionAttributeNames: { '#revision': 'revision' },
                ExpressionAttributeValues: { ':revision': readRevision },
              }),
        }),
      ),
      isLostRace,
    );
  }

  async sightMissing(
    now: number,
    windowMs: number,
    ranges: readonly DeadlineRange[],
    from = now - windowMs,
  ): Promise<OverdueSighting> {
    const customers = new Set<string>();
    const transports = new Set<Transport>();
    let count = 0;
    let firstDeadline = Number.POSITIVE_INFINITY;
    const bindings: (string[] | undefined)[] = [];
    for (const range of ranges) {
      for (let shard = 0; shard < DUE_SHARDS; shard++) {
        const pages = paginateQuery(
          { client: this.doc, pageSize: 500 },
          {
            TableName: this.tableName,
            IndexName: DUE_INDEX.name,
            KeyConditionExpression: 'dueShard = :shard AND dueAt BETWEEN :from AND :to',
            FilterExpression: '#state IN (:new, :up)',
            ProjectionExpression:
              'customer, transport, #deadline, dueAt, eventTimeoutMs, heartbeatIntervalMs, bridges',
            ExpressionAttributeNames: { '#state': 'state', '#deadline': 'deadline' },
            ExpressionAttributeValues: {
              ':shard': `due#${shard}`,
              ':from': range.from + 1,
              ':to': range.to,
              ':new': 'NEW',
              ':up': 'UP',
            },
          },
        );
        for await (const page of guardPages(pages)) {
          for (const item of page.Items ?? []) {
            // Due at its deadline: not an outbox retry, a held page or an event.
            if (item.deadline !== item.dueAt) continue;
            const facts = {
              deadline: Number(item.deadline),
              eventTimeoutMs: Number(item.eventTimeoutMs),
              heartbeatIntervalMs: Number(item.heartbeatIntervalMs),
            };
            if (!isMissing(facts, now, windowMs, from)) continue;
            count++;
            firstDeadline = Math.min(firstDeadline, facts.deadline);
            bindings.push(boundSites(item.bridges));
            customers.add(String(item.customer));
            transports.add(item.transport as Transport);
          }
        }
      }
    }
    const first = Number.isFinite(firstDeadline) ? { firstDeadline } : {};
    const sites = commonSites(bindings);
    return { count, customers: [...customers], transports: [...transports], ...first, sites };
  }

  async countWatched(): Promise<number> {
    const [total, paused] = await Promise.all([
      fleetTotal(this.doc, this.tableName),
      countInState(this.doc, this.tableName, 'PAUSED'),
    ]);
    return Math.max(0, total - paused);
  }

  async probeWatched(cap: number): Promise<number> {
    const perShard = Math.max(1, Math.ceil(cap / DUE_SHARDS));
    const counts = await Promise.all(
      Array.from({ length: DUE_SHARDS }, (_, shard) =>
        guardStoreCall(
          this.doc.send(
            new QueryCommand({
              TableName: this.tableName,
              IndexName: DUE_INDEX.name,
              KeyConditionExpression: 'dueShard = :shard',
              // Not the expiring items waiting there to be deleted (they sort after the Loggers anyway).
              FilterExpression: 'attribute_not_exists(#purgeAt) OR attribute_exists(#deadline)',
              ExpressionAttributeNames: { '#purgeAt': PURGE_ATTRIBUTE, '#deadline': 'deadline' },
              ExpressionAttributeValues: { ':shard': `due#${shard}` },
              Select: 'COUNT',
              Limit: perShard,
            }),
          ),
        ).then((out) => out.Count ?? 0),
      ),
    );
    return Math.min(
      cap,
      counts.reduce((a, b) => a + b, 0),
    );
  }

  async countHeld(until: number): Promise<number> {
    let count = 0;
    for (let shard = 0; shard < DUE_SHARDS; shard++) {
      const pages = paginateQuery(
        { client: this.doc },
        { ...heldQuery(this.tableName, shard, until), Select: 'COUNT' },
      );
      for await (const page of guardPages(pages)) count += page.Count ?? 0;
    }
    return count;
  }

  async findHeld(until: number): Promise<Logger[]> {
    const held: Logger[] = [];
    for (let shard = 0; shard < DUE_SHARDS; shard++) {
      const pages = paginateQuery(
        { client: this.doc, pageSize: 500 },
        heldQuery(this.tableName, shard, until),
      );
      for await (const page of guardPages(pages)) {
        for (const item of page.Items ?? []) if (item.sk === LOGGER_SK) held.push(loggerFromItem(item));
      }
    }
    return held;
  }
}

/** Where a published event waits in the due index when it has no `purgeAt` (stored before it existed). */
const NEVER = 8.64e15;

/** Loggers of one due shard whose pages are held until `until` (they are due exactly then). */
function heldQuery(tableName: string, shard: number, until: number) {
  return {
    TableName: tableName,
    IndexName: DUE_INDEX.name,
    KeyConditionExpression: 'dueShard = :shard AND dueAt = :until',
    FilterExpression: 'attribute_exists(#held)',
    ExpressionAttributeNames: { '#held': 'held' },
    ExpressionAttributeValues: { ':shard': `due#${shard}`, ':until': until },
  };
}

/** A modem Logger's bound bridge sites (`bridges`, a list or a set), if it has any. */
function boundSites(value: unknown): string[] | undefined {
  const sites = value instanceof Set ? [...value] : Array.isArray(value) ? value : undefined;
  return sites?.map(String);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A beacon item as the domain reads it. */
function beaconOf(listenerName: string, item: Record<string, unknown> | undefined): SweepBeacon | undefined {
  if (!item) return undefined;
  const { lastSweepAt, sweepEveryMs, twin } = item;
  return {
    listenerName,
    ...(typeof lastSweepAt === 'number' ? { lastSweepAt } : {}),
    ...(typeof sweepEveryMs === 'number' ? { sweepEveryMs } : {}),
    ...(typeof twin === 'string' ? { twin } : {}),
  };
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
