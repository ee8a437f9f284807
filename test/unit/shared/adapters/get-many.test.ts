/**
 * `getMany`, the sweep's batched read of a page's twins: strongly consistent (the blind-customer check
 * reads strictly after its own write), 100 keys a request, and a key DynamoDB left unprocessed is "not
 * read", never "not registered". Faked at the SDK boundary: DynamoDB Local never returns UnprocessedKeys.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { dynamoPorts } from '../../../../shared/adapters/dynamo/dynamo-ports.js';
import { loggerItem, loggerKey } from '../../../../shared/adapters/dynamo/logger/dynamo-items.js';
import { type LoggerId, newLogger } from '../../../../shared/domain/logger.js';
import { T0 } from '../../fixtures.js';

const client = new DynamoDBClient({
  region: 'local',
  credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
});
const dynamo = mockClient(DynamoDBDocumentClient);
afterEach(() => {
  dynamo.reset();
  vi.useRealTimers();
});

const ids = (n: number): LoggerId[] =>
  Array.from({ length: n }, (_, i) => ({ customer: `c${i}`, side: 'A' }));
const item = (id: LoggerId) =>
  loggerItem(
    newLogger(
      id,
      { eventTimeoutMs: 780 * 60_000, heartbeatIntervalMs: 720 * 60_000, transport: 'https' },
      T0,
    ),
    'hash',
  );

describe('reading many Loggers at once (the sweep reads a page of twins)', () => {
  it('reads 100 keys a request, strongly consistent, and maps an absent Logger to undefined', async () => {
    dynamo.on(BatchGetCommand).callsFake((input) => {
      const keys = (input.RequestItems?.t?.Keys ?? []) as { pk: string }[];
      // Every Logger exists except c7/A (keys read LOGGER#<customer>/<side>).
      const found = keys.filter((k) => k.pk !== 'LOGGER#c7/A');
      const customer = (pk: string) => pk.slice('LOGGER#'.length).split('/')[0] ?? '';
      return { Responses: { t: found.map((k) => item({ customer: customer(k.pk), side: 'A' })) } };
    });
    const read = await dynamoPorts(client, 't').loggers.getMany(ids(150));
    const calls = dynamo.commandCalls(BatchGetCommand).map((c) => c.args[0].input.RequestItems?.t);
    expect(calls.map((c) => c?.Keys?.length)).toEqual([100, 50]);
    expect(calls.every((c) => c?.ConsistentRead === true)).toBe(true);
    expect(read.size).toBe(150);
    expect(read.has('c7/A')).toBe(true);
    expect(read.get('c7/A')).toBeUndefined();
    expect(read.get('c8/A')?.customer).toBe('c8');
  });

  it('leaves out a key still unprocessed after its retries: not read is not "not registered"', async () => {
    const stuck = loggerKey({ customer: 'c1', side: 'A' });
    dynamo.on(BatchGetCommand).resolves({
      Responses: { t: [item({ customer: 'c0', side: 'A' })] },
      UnprocessedKeys: { t: { Keys: [stuck] } },
    });
    // The retries back off (50, 100, 200, 400 ms): on fake timers, run at once.
    vi.useFakeTimers();
    const reading = dynamoPorts(client, 't').loggers.getMany(ids(2));
    await vi.runAllTimersAsync();
    const read = await reading;
    expect(read.get('c0/A')?.customer).toBe('c0');
    expect(read.has('c1/A')).toBe(false);
    expect(dynamo.commandCalls(BatchGetCommand)).toHaveLength(5); // the first ask and 4 retries
  });
});
