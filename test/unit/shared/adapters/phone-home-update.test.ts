/**
 * The heartbeat's one conditional UpdateItem is built in one place (`phoneHomeUpdate`): the store sends
 * exactly it, so the ingest bench's raw baseline (bench/scale.ts), which sends it too, asks DynamoDB for the
 * same work as the fast path. Faked at the SDK boundary.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { dynamoPorts } from '../../../../shared/adapters/dynamo/dynamo-ports.js';
import {
  loggerItem,
  loggerKey,
  phoneHomeUpdate,
} from '../../../../shared/adapters/dynamo/logger/dynamo-items.js';
import { newLogger } from '../../../../shared/domain/logger.js';
import { T0 } from '../../fixtures.js';

const client = new DynamoDBClient({
  region: 'local',
  credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
});
const dynamo = mockClient(DynamoDBDocumentClient);
afterEach(() => dynamo.reset());

const id = { customer: 'ACME', side: 'A' } as const;
const proof = { tokenHash: 'f'.repeat(64) };

describe('phoneHomeUpdate, the heartbeat fast path’s one write', () => {
  it('is exactly what the store sends for a heartbeat', async () => {
    const logger = newLogger(
      id,
      { eventTimeoutMs: 780 * 60_000, heartbeatIntervalMs: 720 * 60_000, transport: 'https' },
      T0,
    );
    dynamo.on(UpdateCommand).resolves({ Attributes: loggerItem(logger, proof.tokenHash) });
    const store = dynamoPorts(client, 'table').loggers;
    const report = { intervalMs: 720 * 60_000, agent: 'logger 12.0' };

    await store.recordPhoneHome(id, proof, T0, report, { now: T0, heardBy: 'ALPHA' });

    const sent = dynamo.commandCalls(UpdateCommand)[0]?.args[0].input;
    expect(sent).toEqual(phoneHomeUpdate('table', id, proof, T0, report, { now: T0, heardBy: 'ALPHA' }));
  });

  it('records in one request: conditional on the proof and a plain state, answering the whole Logger', () => {
    const update = phoneHomeUpdate('table', id, proof, T0, {}, { heardBy: 'ALPHA' });
    expect(update.Key).toEqual(loggerKey(id));
    // A cron Logger's deadline needs the schedule's arithmetic: it takes the state machine's path.
    expect(update.ConditionExpression).toMatch(
      /^#proof = :proof AND attribute_not_exists\(#schedule\) AND #state IN \(:new, :up\)/,
    );
    expect(update.ExpressionAttributeNames['#schedule']).toBe('schedule');
    expect(update.ExpressionAttributeNames['#proof']).toBe('tokenHash');
    expect(update.ExpressionAttributeValues[':proof']).toBe(proof.tokenHash);
    expect(update.ReturnValues).toBe('ALL_NEW');
    expect(update.ReturnValuesOnConditionCheckFailure).toBe('ALL_OLD');
  });

  it('checks the age against the timeout only for a phone-home received before now (a relayed record)', () => {
    const live = phoneHomeUpdate('table', id, proof, T0, {}, { now: T0 });
    const relayed = phoneHomeUpdate('table', id, { transport: 'modem' }, T0 - 60_000, {}, { now: T0 });
    expect(live.ConditionExpression).not.toContain(':age');
    expect(relayed.ConditionExpression).toContain('#eventTimeoutMs >= :age');
    expect(relayed.ExpressionAttributeValues[':age']).toBe(60_000);
    expect(relayed.ConditionExpression).toMatch(/^#proof = :proof/);
    expect(relayed.ExpressionAttributeNames['#proof']).toBe('transport');
  });

  it("is proven by a ping URL's hash instead of the token's, and any phone-home closes a start", () => {
    const ping = { at: T0, kind: 'success' as const, exitStatus: 0, method: 'GET', userAgent: 'curl/8.5.0' };
    const update = phoneHomeUpdate('table', id, { pingHash: 'ab'.repeat(32), ping }, T0, {}, { now: T0 });
    expect(update.ExpressionAttributeNames['#proof']).toBe('pingHash');
    expect(update.ExpressionAttributeValues[':proof']).toBe('ab'.repeat(32));
    // It also takes the ping's number in the Logger's history and keeps the ping, in the same request,
    // compact (the due index projects every attribute: its size is what each write costs).
    expect(update.UpdateExpression).toMatch(
      /, #recentPings = list_append\(if_not_exists\(#recentPings, :noPings\), :ping\) REMOVE #startedAt ADD #pingSeq :one$/,
    );
    expect(update.ExpressionAttributeValues[':ping']).toEqual([
      { t: T0, k: 'success', x: 0, m: 'GET', u: 'curl/8.5.0' },
    ]);
    expect(update.ExpressionAttributeNames['#startedAt']).toBe('startedAt');
  });

  it('counts and keeps no ping for a heartbeat: the item does not grow with heartbeats', () => {
    const update = phoneHomeUpdate('table', id, { tokenHash: 'cd'.repeat(32) }, T0, {}, { now: T0 });
    expect(update.UpdateExpression).toMatch(/ REMOVE #startedAt$/);
    expect(update.ExpressionAttributeNames).not.toHaveProperty('#pingSeq');
    expect(update.ExpressionAttributeNames).not.toHaveProperty('#recentPings');
  });
});
