/**
 * The Listener's single DynamoDB table, shared by the store, local mode, the tests and the CDK stack so
 * that they can never disagree.
 *
 * - Logger item: `pk = LOGGER#<customer>/<side>`, `sk = LOGGER`.
 * - Event item:  `pk = LOGGER#<customer>/<side>`, `sk = EVENT#<event id>`, expiring ({@link PURGE_ATTRIBUTE}).
 * - Relayed-record marker: `pk = LOGGER#<customer>/<side>`, `sk = RELAYED#<record id>`, expiring.
 * - Bridge item: `pk = BRIDGE#<site>`, `sk = BRIDGE`: a dial-in bridge's token hash.
 * - Blind record: `pk = CUSTOMER#<customer>`, `sk = BLIND`: the customer's last blind episode and the side
 *   that raised its page (claimed by one conditional write; see shared/domain/guards/blind-customer.ts).
 * - Sweeper item: `pk = LISTENER#SWEEPER`, `sk = SWEEPER` (a side of a pair: `SWEEPER#<its name>`): the
 *   sweeper's last run and report (one write per sweep), read by `listener doctor`.
 * - Sweep beacon: `pk = LISTENER#SWEEP#<listener name>`, `sk = SWEEP`: one per Listener of a pair, its last
 *   sweep and period (one write per sweep), read by its twin; twin watch: `pk =
 *   LISTENER#TWIN_WATCH#<watcher>#<twin>`, `sk = TWIN_WATCH`, replaced whole by a write conditional on its
 *   revision (shared/domain/guards/twin-watch.ts).
 * - Channel health: `pk = LISTENER#CHANNELS#<listener name>`, `sk = CHANNELS`: how each notification
 *   channel is doing, written by a sweep only on a change, conditional on its revision
 *   (shared/domain/notices/channel-health.ts).
 * - A Logger item also carries its arrival history (`arrivals`), acknowledgement (`ack`), maintenance
 *   windows (`maintenance`) and reminder state (`remindAt`, `reminders`).
 * - `due` GSI (sparse): `dueShard` + `dueAt`; only items the sweeper must look at some day are in it
 *   (Loggers being watched, outbox retries, events not yet confirmed published). The partition key is
 *   sharded so no partition grows hot; the sweeper queries each shard for `dueAt <= now`.
 * - `fleet` GSI (sparse, keys only): one entry per Logger, written at registration, for admin listings and
 *   the fleet total (a `Select: COUNT` query; see docs/scale.md).
 * - `state` GSI (sparse): `stateShard` (`DOWN#<n>` / `PAUSED#<n>`, the Logger's `due` shard number) +
 *   `loggerId`; only DOWN and PAUSED Loggers are in it, so fleet counts and the status view read what needs
 *   attention, never the whole fleet. Written by transitions only (rare), never by the heartbeat fast path.
 */
export const KEY = { partition: 'pk', sort: 'sk' } as const;
export const DUE_INDEX = { name: 'due', partition: 'dueShard', sort: 'dueAt' } as const;
export const FLEET_INDEX = { name: 'fleet', partition: 'fleet', sort: 'loggerId' } as const;
export const STATE_INDEX = { name: 'state', partition: 'stateShard', sort: FLEET_INDEX.sort } as const;
export const TTL_ATTRIBUTE = 'expiresAt';
/**
 * Expiring items (events, relayed-record markers, audit entries, used acknowledge links) also carry
 * `purgeAt` (epoch ms, = `expiresAt`) and sit in the `due` index at it once nothing else is pending on
 * them: the sweeper finds them due and deletes them, a slice per run. A table of a Listener pair is a
 * multi-Region strongly consistent global table, which has no TTL (docs/architecture.md#expiring-items-without-ttl).
 */
export const PURGE_ATTRIBUTE = 'purgeAt';

/** How the table replicates: one region, or a Listener pair's multi-Region strongly consistent global table. */
export type TableConsistency = 'single-region' | 'multi-region-strong';

/**
 * The TTL attribute a table may have: `expiresAt` on a single-region table (TTL and the sweeper both
 * delete expired items, whichever comes first), none on an MRSC table (the sweeper alone).
 */
export function timeToLiveAttribute(consistency: TableConsistency): string | undefined {
  return consistency === 'single-region' ? TTL_ATTRIBUTE : undefined;
}

/**
 * Number of `due` index shards. Fixed forever for a table: changing it would hide items in shards the
 * sweeper no longer queries. 8 shards keep any one partition far below its write limit at 10^5 Loggers.
 */
export const DUE_SHARDS = 8;

/** BatchGetItem takes at most 100 keys (a DynamoDB limit). */
export const BATCH_GET_MAX = 100;
/** Keys a BatchGetItem left unprocessed are asked for again: this many requests in all. */
export const BATCH_GET_ATTEMPTS = 5;

/** The CreateTable input for local mode and tests (the CDK stack declares the same shape). */
export function createTableInput(tableName: string) {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST' as const,
    AttributeDefinitions: [
      { AttributeName: KEY.partition, AttributeType: 'S' as const },
      { AttributeName: KEY.sort, AttributeType: 'S' as const },
      { AttributeName: DUE_INDEX.partition, AttributeType: 'S' as const },
      { AttributeName: DUE_INDEX.sort, AttributeType: 'N' as const },
      { AttributeName: FLEET_INDEX.partition, AttributeType: 'S' as const },
      { AttributeName: FLEET_INDEX.sort, AttributeType: 'S' as const },
      { AttributeName: STATE_INDEX.partition, AttributeType: 'S' as const },
    ],
    KeySchema: [
      { AttributeName: KEY.partition, KeyType: 'HASH' as const },
      { AttributeName: KEY.sort, KeyType: 'RANGE' as const },
    ],
    GlobalSecondaryIndexes: [
      {
        IndexName: DUE_INDEX.name,
        KeySchema: [
          { AttributeName: DUE_INDEX.partition, KeyType: 'HASH' as const },
          { AttributeName: DUE_INDEX.sort, KeyType: 'RANGE' as const },
        ],
        Projection: { ProjectionType: 'ALL' as const },
      },
      {
        IndexName: FLEET_INDEX.name,
        KeySchema: [
          { AttributeName: FLEET_INDEX.partition, KeyType: 'HASH' as const },
          { AttributeName: FLEET_INDEX.sort, KeyType: 'RANGE' as const },
        ],
        Projection: { ProjectionType: 'KEYS_ONLY' as const },
      },
      {
        IndexName: STATE_INDEX.name,
        KeySchema: [
          { AttributeName: STATE_INDEX.partition, KeyType: 'HASH' as const },
          { AttributeName: STATE_INDEX.sort, KeyType: 'RANGE' as const },
        ],
        Projection: { ProjectionType: 'ALL' as const },
      },
    ],
  };
}
