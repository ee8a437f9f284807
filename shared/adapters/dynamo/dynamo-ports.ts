/**
 * Builds the store ports (shared/ports/stores.ts) on one DynamoDB table, sharing one document client, for
 * shared/runtime.ts, the CLI's targets, local mode, the tests and the benches. Each adapter is one file:
 * they share the table's shape (table-schema.ts), the item codecs (dynamo-items.ts) and how failures
 * surface (dynamo-errors.ts).
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { LoggerHistory } from '../../ports/logger-history.js';
import type { StorePorts } from '../../ports/stores.js';
import { DynamoBridgeRegistry } from './dynamo-bridge-registry.js';
import { DynamoEventLog } from './dynamo-event-log.js';
import { DynamoListenerRecords } from './dynamo-listener-records.js';
import { DynamoLoggerHistory } from './history/dynamo-logger-history.js';
import { DynamoLoggerStore } from './logger/dynamo-logger-store.js';
import { DynamoWatchlist } from './logger/dynamo-watchlist.js';

export function dynamoPorts(
  client: DynamoDBClient,
  tableName: string,
): StorePorts & { readonly history: LoggerHistory } {
  const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  return {
    loggers: new DynamoLoggerStore(doc, tableName),
    watchlist: new DynamoWatchlist(doc, tableName),
    events: new DynamoEventLog(doc, tableName),
    bridges: new DynamoBridgeRegistry(doc, tableName),
    records: new DynamoListenerRecords(doc, tableName),
    history: new DynamoLoggerHistory(doc, tableName),
  };
}
