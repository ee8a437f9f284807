/**
 * Builds the store ports (shared/ports/stores.ts) on one DynamoDB table, for shared/runtime.ts, the CLI's
 * targets, local mode, the tests and the benches.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { StorePorts } from '../../ports/stores.js';
import { DynamoLoggerStore } from './dynamo-logger-store.js';

export function dynamoPorts(client: DynamoDBClient, tableName: string): StorePorts {
  const store = new DynamoLoggerStore(client, tableName);
  return { loggers: store, watchlist: store, events: store, bridges: store, records: store };
}
