/**
 * `listener logger set` on DynamoDB Local: a change in place is a conditional write on what was read, so a
 * heartbeat or a sweep landing between the read and the write is kept, and the change is made over it.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { localClient } from '../../cli/local/dynamo-local.js';
import { DynamoAuditLog } from '../../shared/adapters/dynamo/dynamo-audit-log.js';
import { DynamoFleet } from '../../shared/adapters/dynamo/fleet/dynamo-fleet.js';
import type { LoggerId } from '../../shared/domain/logger.js';
import type { Operator } from '../../shared/listener/admin.js';
import { changeSettings } from '../../shared/listener/change-settings.js';
import { phoneHome } from '../../shared/listener/phone-home.js';
import { registerLogger } from '../../shared/listener/register.js';
import { sweep } from '../../shared/listener/sweep/sweep.js';
import type { LoggerStore } from '../../shared/ports/logger-store.js';
import { createTestListener, type TestListener } from '../support/listener.js';

const MINUTE = 60_000;
const ID: LoggerId = { customer: 'acme', side: 'B' };

const opened: TestListener[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((l) => l.dispose()));
});

async function setUp(timeoutMs = 3 * MINUTE) {
  const listener = await createTestListener(inject('dynamoEndpoint'));
  opened.push(listener);
  const client = (listener.runtime.loggers as unknown as { doc: DynamoDBClient }).doc;
  const fleet = new DynamoFleet(client as unknown as DynamoDBClient, listener.tableName);
  const audit = new DynamoAuditLog(localClient(inject('dynamoEndpoint')), listener.tableName, 60 * MINUTE);
  const { token } = await registerLogger(
    listener.runtime.loggers,
    { ...ID, eventTimeoutMs: timeoutMs, transport: 'modem' },
    listener.clock.now,
  );
  /** The store, doing `meanwhile` once right after the first read: another writer between read and write. */
  const racing = (meanwhile: () => Promise<unknown>): LoggerStore => {
    const store = listener.runtime.loggers;
    let raced = false;
    return new Proxy(store, {
      get(target, name) {
        if (name !== 'get') return Reflect.get(target, name);
        return async (id: LoggerId) => {
          const read = await target.get(id);
          if (!raced) {
            raced = true;
            await meanwhile();
          }
          return read;
        };
      },
    });
  };
  const op = (loggers: LoggerStore): Operator => ({
    loggers,
    audit,
    actor: 'alice',
    via: 'cli',
    now: listener.clock.now,
  });
  return { listener, fleet, audit, token, racing, op };
}

describe('logger set: a change in place', () => {
  it('keeps a heartbeat that lands between its read and its write, and moves the deadline from it', async () => {
    const t = await setUp();
    t.listener.clock.now += MINUTE;
    const beatAt = t.listener.clock.now;
    const store = t.racing(() => phoneHome(t.listener.runtime, t.token, beatAt));
    const change = await changeSettings(t.op(store), t.fleet, ID, { eventTimeoutMs: 10 * MINUTE });
    expect(change.changes).toEqual([{ setting: 'timeout', from: '3m', to: '10m' }]);
    expect(await t.listener.runtime.loggers.get(ID)).toMatchObject({
      state: 'UP',
      lastSeenAt: beatAt,
      eventTimeoutMs: 10 * MINUTE,
      deadline: beatAt + 10 * MINUTE,
    });
    expect(await t.audit.list(ID, 5)).toEqual([
      expect.objectContaining({ action: 'settings', actor: 'alice', detail: 'timeout 3m → 10m' }),
    ]);
  });

  it('keeps the alarm of a sweep that lands between its read and its write', async () => {
    const t = await setUp();
    t.listener.clock.now += 4 * MINUTE; // past the 3m timeout: the sweep declares it DOWN
    const store = t.racing(() => sweep(t.listener.runtime, t.listener.clock.now));
    await changeSettings(t.op(store), t.fleet, ID, { eventTimeoutMs: 10 * MINUTE });
    const after = await t.listener.runtime.loggers.get(ID);
    expect(after).toMatchObject({ state: 'DOWN', eventTimeoutMs: 10 * MINUTE });
    expect(after?.downSince).toBe(t.listener.clock.now);
  });

  it("records a modem Logger's Phone Home configuration; a primary given alone keeps the backup", async () => {
    const t = await setUp();
    const store = t.listener.runtime.loggers;
    await changeSettings(t.op(store), t.fleet, ID, {
      phoneHome: {
        primary: { phone: '9,19191234567', listener: 'GEOCSCLNRA' },
        backup: { phone: '9,14081234567', listener: 'GEOCSCLNRB' },
      },
    });
    await changeSettings(t.op(store), t.fleet, ID, {
      phoneHome: { primary: { phone: '9,19191234500', listener: 'GEOCSCLNRA' } },
    });
    expect((await store.get(ID))?.phoneHome).toEqual({
      primary: { phone: '9,19191234500', listener: 'GEOCSCLNRA' },
      backup: { phone: '9,14081234567', listener: 'GEOCSCLNRB' },
    });
    const again = await changeSettings(t.op(store), t.fleet, ID, {
      phoneHome: { primary: { phone: '9,19191234500', listener: 'GEOCSCLNRA' } },
    });
    expect(again.after).toBeUndefined();
  });

  it('records whom to call and a note over a concurrent heartbeat, audits them, and removes one given as ""', async () => {
    const t = await setUp();
    t.listener.clock.now += MINUTE;
    const beatAt = t.listener.clock.now;
    const store = t.racing(() => phoneHome(t.listener.runtime, t.token, beatAt));
    const change = await changeSettings(t.op(store), t.fleet, ID, {
      owner: ' Acme NOC +1 919 555 0100 ',
      note: 'rack 4, badge at gate B',
    });
    expect(change.changes).toEqual([
      { setting: 'owner', from: 'none', to: '"Acme NOC +1 919 555 0100"' },
      { setting: 'note', from: 'none', to: '"rack 4, badge at gate B"' },
    ]);
    expect(await t.listener.runtime.loggers.get(ID)).toMatchObject({
      state: 'UP',
      lastSeenAt: beatAt,
      owner: 'Acme NOC +1 919 555 0100',
      note: 'rack 4, badge at gate B',
    });
    expect(await t.audit.list(ID, 5)).toEqual([
      expect.objectContaining({
        action: 'settings',
        detail: 'owner none → "Acme NOC +1 919 555 0100"; note none → "rack 4, badge at gate B"',
      }),
    ]);

    const store2 = t.listener.runtime.loggers;
    const cleared = await changeSettings(t.op(store2), t.fleet, ID, { note: '' });
    expect(cleared.changes).toEqual([{ setting: 'note', from: '"rack 4, badge at gate B"', to: 'none' }]);
    const after = await store2.get(ID);
    expect(after?.owner).toBe('Acme NOC +1 919 555 0100');
    expect(after).not.toHaveProperty('note');
    expect(
      (await changeSettings(t.op(store2), t.fleet, ID, { owner: 'Acme NOC +1 919 555 0100' })).after,
    ).toBeUndefined();
  });

  it('refuses an owner with control characters before writing anything', async () => {
    const t = await setUp();
    const store = t.listener.runtime.loggers;
    await expect(
      changeSettings(t.op(store), t.fleet, ID, { owner: 'eve\u001b]0;pwned\u0007' }),
    ).rejects.toThrow(/control characters/);
    expect(await store.get(ID)).not.toHaveProperty('owner');
  });
});
