/**
 * The DynamoDB implementation of {@link ListenerRecords}: one item each for the sweeper's last run, the
 * mass-silence record, each Listener's sweep beacon and each twin watch (`LISTENER#…`; see
 * table-schema.ts). The mass-silence record and the twin watch are replaced whole by a write conditional
 * on their revision.
 */
import {
  BatchGetCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { StoreUnavailableError } from '../../domain/errors.js';
import { type FleetRhythm, type MassSilence, NO_MASS_SILENCE } from '../../domain/guards/mass-silence.js';
import { newWatch, type SweepBeacon, type TwinWatch } from '../../domain/guards/twin-watch.js';
import { type ChannelHealthRecord, emptyHealth } from '../../domain/notices/channel-health.js';
import type { ListenerRecords, SweeperStatus } from '../../ports/listener-records.js';
import { guardStoreCall, isLostRace, landed } from './dynamo-errors.js';
import { COUNTS_KEY, rhythmOf } from './fleet/dynamo-fleet-counter.js';
import {
  beaconKey,
  channelHealthKey,
  MASS_SILENCE_KEY,
  sweeperKey,
  twinWatchKey,
} from './logger/dynamo-items.js';
import { BATCH_GET_ATTEMPTS } from './table-schema.js';

export class DynamoListenerRecords implements ListenerRecords {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

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

  async getChannelHealth(listenerName: string): Promise<ChannelHealthRecord> {
    const { Item } = await guardStoreCall(
      this.doc.send(
        new GetCommand({
          TableName: this.tableName,
          Key: channelHealthKey(listenerName),
          ConsistentRead: true,
        }),
      ),
    );
    return Item && isRecord(Item.health)
      ? (Item.health as unknown as ChannelHealthRecord)
      : emptyHealth(listenerName);
  }

  async writeChannelHealth(before: ChannelHealthRecord, after: ChannelHealthRecord): Promise<boolean> {
    return this.putOnRevision(channelHealthKey(after.listener), before.revision, after.revision, {
      health: after,
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
