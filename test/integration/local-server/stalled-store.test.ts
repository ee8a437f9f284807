/**
 * A stalled DynamoDB (accepts connections, never answers): every call is bounded by the clients' timeouts,
 * retries and deadline (shared/adapters/aws-clients.ts), so a heartbeat is answered 503 + Retry-After in
 * under 3 s — the bound the issue sets — instead of hanging until Lambda's timeout.
 */
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { createHandler as createHeartbeat } from '../../../functions/heartbeat/handler.js';
import { DYNAMODB_LIMITS, dynamoClient } from '../../../shared/adapters/aws-clients.js';
import { dynamoPorts } from '../../../shared/adapters/dynamo/dynamo-ports.js';
import { registerLogger } from '../../../shared/listener/register.js';
import { httpEvent, lambdaContext, parsed } from '../../support/http.js';
import { createTestListener, type TestListener } from '../../support/listener.js';
import { type StalledServer, startStalledServer } from '../../support/stalled.js';

let stalled: StalledServer;
let listener: TestListener;
beforeAll(async () => {
  stalled = await startStalledServer();
});
afterAll(() => stalled.close());
beforeEach(async () => {
  listener = await createTestListener(inject('dynamoEndpoint'));
});
afterEach(() => listener.dispose());

const stalledClient = () =>
  dynamoClient({
    endpoint: stalled.endpoint,
    region: 'local',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  });

describe('a stalled DynamoDB', () => {
  it('fails a call with a TimeoutError within the deadline, after at most two attempts', async () => {
    const client = stalledClient();
    const before = stalled.connections();
    const started = Date.now();
    const error = await client
      .send(new GetItemCommand({ TableName: 'any', Key: { pk: { S: 'x' } } }))
      .catch((e: Error) => e);
    const elapsed = Date.now() - started;
    client.destroy();
    expect((error as Error).name).toBe('TimeoutError');
    expect(elapsed).toBeLessThan(3_000);
    expect(elapsed).toBeGreaterThanOrEqual(DYNAMODB_LIMITS.requestTimeoutMs - 50);
    expect(stalled.connections() - before).toBeLessThanOrEqual(DYNAMODB_LIMITS.maxAttempts);
  });

  it('answers a heartbeat 503 with Retry-After in whole seconds, in under 3 s', async () => {
    const { token } = await registerLogger(
      listener.runtime.loggers,
      { customer: 'geocust1', side: 'A', eventTimeoutMs: 780 * 60_000, transport: 'https' },
      listener.clock.now,
    );
    const client = stalledClient();
    const runtime = { ...listener.runtime, ...dynamoPorts(client, listener.tableName) };
    const heartbeat = createHeartbeat(() => runtime);
    const started = Date.now();
    const res = parsed(await heartbeat(httpEvent({ path: '/v1/heartbeat', token }), lambdaContext));
    const elapsed = Date.now() - started;
    client.destroy();
    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toMatch(/^[1-9]\d*$/);
    expect(res.body).toEqual({
      error: { code: 'unavailable', message: 'the Listener is temporarily unavailable; retry later' },
    });
    expect(elapsed).toBeLessThan(3_000);
  });
});
