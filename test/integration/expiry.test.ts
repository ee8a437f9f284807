/**
 * Expiring items without TTL (a Listener pair's MRSC table has none; docs/architecture.md#expiring-items-without-ttl):
 * an expired relayed-record marker or event id no longer counts, and the sweeper deletes expired items it
 * finds in the due index — no Scan. The clock starts years ahead so DynamoDB Local's own TTL (real time)
 * can never be what removed them.
 */
import { QueryCommand } from '@aws-sdk/client-dynamodb';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { localClient } from '../../cli/local/dynamo-local.js';
import { createHandler as createEvents } from '../../functions/events/handler.js';
import { createHandler as createRelay } from '../../functions/relay/handler.js';
import { DynamoAuditLog } from '../../shared/adapters/dynamo/dynamo-audit-log.js';
import { registerBridge, registerLogger } from '../../shared/listener/register.js';
import { sweep } from '../../shared/listener/sweep/sweep.js';
import { httpEvent, lambdaContext, parsed } from '../support/http.js';
import { createTestListener, type TestListener } from '../support/listener.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const MODEM = { customer: 'geocust1', side: 'A' } as const;
const HTTPS = { customer: 'geocust1', side: 'B' } as const;

let listener: TestListener;
let bridgeToken: string;
let httpsToken: string;
beforeEach(async () => {
  listener = await createTestListener(inject('dynamoEndpoint'), Date.UTC(2031, 0, 6, 12), {
    EVENT_RETENTION: '1h',
  });
  const { loggers } = listener.runtime;
  const now = listener.clock.now;
  bridgeToken = (
    await registerBridge(listener.runtime, { site: 'acme-dc1', eventTimeoutMs: 30 * MINUTE }, now)
  ).relayToken;
  await registerLogger(loggers, { ...MODEM, eventTimeoutMs: 780 * MINUTE, transport: 'modem' }, now);
  httpsToken = (
    await registerLogger(loggers, { ...HTTPS, eventTimeoutMs: 780 * MINUTE, transport: 'https' }, now)
  ).token;
});
afterEach(() => listener.dispose());

const relay = (id: string) =>
  createRelay(() => listener.runtime)(
    httpEvent({
      path: '/v1/relay',
      token: bridgeToken,
      body: {
        bridge: 'acme-dc1',
        records: [{ id, type: 'heartbeat', ...MODEM, at: new Date(listener.clock.now).toISOString() }],
      },
    }),
    lambdaContext,
  ).then(parsed);
const postEvent = (id: string) =>
  createEvents(() => listener.runtime)(
    httpEvent({
      path: '/v1/events',
      token: httpsToken,
      body: { events: [{ id, occurredAt: '2031-01-06T11:00:00Z', severity: 'info', message: 'x' }] },
    }),
    lambdaContext,
  ).then(parsed);

/** The sort keys stored under a Logger (its own item, events, markers, audit entries). */
async function itemsUnder(id: { customer: string; side: string }): Promise<string[]> {
  const { Items } = await localClient(inject('dynamoEndpoint')).send(
    new QueryCommand({
      TableName: listener.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': { S: `LOGGER#${id.customer}/${id.side}` } },
    }),
  );
  return (Items ?? []).map((item) => String(item.sk?.S)).sort();
}

describe('items past their expiry, with no TTL', () => {
  it('no longer make a resent relayed record or event a duplicate', async () => {
    expect((await relay('r1')).body).toEqual({ results: [{ id: 'r1', status: 'accepted' }] });
    expect((await relay('r1')).body).toEqual({ results: [{ id: 'r1', status: 'duplicate' }] });
    expect((await postEvent('e1')).body).toMatchObject({ accepted: 1, duplicates: 0 });
    expect((await postEvent('e1')).body).toMatchObject({ accepted: 0, duplicates: 1 });
    listener.clock.now += HOUR + MINUTE; // past the retention; nothing has deleted them yet
    expect((await relay('r1')).body).toEqual({ results: [{ id: 'r1', status: 'accepted' }] });
    expect((await postEvent('e1')).body).toMatchObject({ accepted: 1, duplicates: 0 });
  });

  it('are deleted by the sweeper, found in the due index, and only once expired', async () => {
    await relay('r1');
    await postEvent('e1');
    const audit = new DynamoAuditLog(localClient(inject('dynamoEndpoint')), listener.tableName, HOUR);
    await audit.append({
      id: 'a1',
      at: listener.clock.now,
      loggerId: HTTPS,
      action: 'ack',
      actor: 'jo',
      via: 'cli',
    });
    const run = () => sweep(listener.runtime, listener.clock.now, () => listener.clock.now);
    listener.clock.now += 30 * MINUTE; // the event is published meanwhile; nothing has expired yet
    expect((await run()).pruned).toBeUndefined();
    expect(await itemsUnder(MODEM)).toEqual(['LOGGER', 'RELAYED#r1']);
    expect((await itemsUnder(HTTPS)).map((sk) => sk.replace(/#20.*$/, ''))).toEqual([
      'AUDIT',
      'EVENT#e1',
      'LOGGER',
    ]);
    listener.clock.now += 31 * MINUTE;
    expect((await run()).pruned).toBe(3);
    expect(await itemsUnder(MODEM)).toEqual(['LOGGER']);
    expect(await itemsUnder(HTTPS)).toEqual(['LOGGER']);
    // The Loggers themselves are still watched: nothing else changed.
    expect(await listener.runtime.loggers.get(MODEM)).toMatchObject({ state: 'UP' });
  });
});
