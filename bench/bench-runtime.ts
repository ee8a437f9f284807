/** The heartbeat handler's runtime as the ingest benches run it: the real store, notifications dropped. */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { dynamoPorts } from '../shared/adapters/dynamo/dynamo-ports.js';
import { loadConfig } from '../shared/config.js';
import { noCounters, quietLog } from '../shared/listener/deps.js';
import type { Runtime } from '../shared/runtime.js';

export function benchRuntime(client: DynamoDBClient, table: string): Runtime {
  return {
    ...dynamoPorts(client, table),
    channels: [{ name: 'null', publish: async () => {} }],
    listenerName: 'BENCH',
    outboxRetryMs: 30_000,
    eventRetentionMs: 30 * 24 * 3_600_000,
    log: quietLog,
    counters: noCounters,
    config: loadConfig({ LISTENER_NAME: 'BENCH', TABLE_NAME: table }),
    now: Date.now,
  };
}
