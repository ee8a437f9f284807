/** A runtime whose DynamoDB endpoint refuses connections: how handlers behave in a DynamoDB outage. */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { dynamoPorts } from '../../shared/adapters/dynamo/dynamo-ports.js';
import type { Runtime } from '../../shared/runtime.js';

export function createRuntimeFor(base: Runtime): Runtime {
  const client = new DynamoDBClient({
    endpoint: 'http://127.0.0.1:9', // discard port: nothing listens
    region: 'local',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    maxAttempts: 1,
  });
  return { ...base, ...dynamoPorts(client, base.config.tableName) };
}
