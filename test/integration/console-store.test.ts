/**
 * The console's items on DynamoDB Local: the audit record (newest first, per Logger, removed with it),
 * one-time links used once, and one signing key however many cold starts race to create it.
 */
import { afterEach, describe, expect, inject, it } from 'vitest';
import { localClient } from '../../cli/local/dynamo-local.js';
import { DynamoAuditLog } from '../../shared/adapters/dynamo/dynamo-audit-log.js';
import { DynamoConsoleKeys, DynamoUsedLinks } from '../../shared/adapters/dynamo/dynamo-console-items.js';
import { acknowledgeAlarm, pauseLogger } from '../../shared/listener/admin.js';
import { registerLogger } from '../../shared/listener/register.js';
import { createTestListener, type TestListener } from '../support/listener.js';

const A = { customer: 'geocust1', side: 'A' } as const;
let listener: TestListener;
afterEach(() => listener.dispose());

async function setUp() {
  listener = await createTestListener(inject('dynamoEndpoint'));
  const client = localClient(inject('dynamoEndpoint'));
  return {
    audit: new DynamoAuditLog(client, listener.tableName, 86_400_000),
    links: new DynamoUsedLinks(client, listener.tableName),
    keys: () => new DynamoConsoleKeys(client, listener.tableName),
  };
}

describe('the console on DynamoDB Local', () => {
  it('keeps each Logger’s audit record, newest first, and removes it with the Logger', async () => {
    const { audit } = await setUp();
    const { loggers } = listener.runtime;
    await registerLogger(loggers, { ...A, eventTimeoutMs: 60_000, transport: 'https' }, listener.clock.now);
    const op = (actor: string, now: number) => ({ loggers, audit, actor, via: 'cli' as const, now });
    await pauseLogger(op('bob', listener.clock.now + 1), A);
    await acknowledgeAlarm(op('alice', listener.clock.now + 2), A); // not DOWN: nothing to own, no line
    const lines = await audit.list(A, 10);
    expect(lines).toEqual([expect.objectContaining({ action: 'pause', actor: 'bob', detail: 'was NEW' })]);
    await loggers.remove(A);
    expect(await audit.list(A, 10)).toEqual([]);
  });

  it('accepts a one-time link once', async () => {
    const { links } = await setUp();
    const results = await Promise.all([1, 2, 3].map(() => links.claim('link-1', Date.now() + 60_000)));
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('creates one signing key when cold starts race, and none when only reading', async () => {
    const { keys } = await setUp();
    expect(await keys().key(false)).toBeUndefined();
    const created = await Promise.all([1, 2, 3, 4].map(() => keys().key(true)));
    expect(new Set(created.map((k) => k?.toString('hex'))).size).toBe(1);
    expect(created[0]?.length).toBe(32);
  });
});
