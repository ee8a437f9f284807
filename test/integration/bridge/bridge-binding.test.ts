/**
 * A bridge speaks only as the site its token names, and only for the modem Loggers bound to that site
 * (or bound to none: a legacy Logger, which doctor flags). Real handlers on DynamoDB Local.
 */
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { localClient } from '../../../cli/local/dynamo-local.js';
import { createHandler as createRelay } from '../../../functions/relay/handler.js';
import { createHandler as createSweeper } from '../../../functions/sweeper/handler.js';
import { DynamoAuditLog } from '../../../shared/adapters/dynamo/dynamo-audit-log.js';
import { diagnoseFleet } from '../../../shared/domain/doctor.js';
import type { LoggerId } from '../../../shared/domain/logger.js';
import type { Operator } from '../../../shared/listener/admin.js';
import { bindLogger, removeBridge, rotateBridgeToken } from '../../../shared/listener/bridge-admin.js';
import { registerBridge, registerLogger } from '../../../shared/listener/register.js';
import type { BridgeRegistry } from '../../../shared/ports/bridge-registry.js';
import { httpEvent, lambdaContext, parsed } from '../../support/http.js';
import { createTestListener, type TestListener } from '../../support/listener.js';

const MINUTE = 60_000;
const BOUND: LoggerId = { customer: 'geocust3', side: 'A' }; // bound to site2
const LEGACY: LoggerId = { customer: 'oldcust', side: 'A' }; // registered before bindings: bound to none
let listener: TestListener;
let relay: ReturnType<typeof createRelay>;
let tokens: Record<'site1' | 'site2', string>;

beforeEach(async () => {
  listener = await createTestListener(inject('dynamoEndpoint'));
  relay = createRelay(() => listener.runtime);
  const { loggers } = listener.runtime;
  const now = listener.clock.now;
  const bridge = async (site: string) =>
    (await registerBridge(listener.runtime, { site, eventTimeoutMs: 30 * MINUTE }, now)).relayToken;
  tokens = { site1: await bridge('site1'), site2: await bridge('site2') };
  const modem = { eventTimeoutMs: 780 * MINUTE, transport: 'modem' } as const;
  await registerLogger(loggers, { ...BOUND, ...modem, bridges: ['site2'] }, now);
  await registerLogger(loggers, { ...LEGACY, ...modem }, now);
});
afterEach(() => listener.dispose());

const heartbeat = (id: string, who: LoggerId = BOUND) => ({
  id,
  type: 'heartbeat',
  ...who,
  at: '2026-11-24T11:00:00Z',
});
const critical = (id: string, who: LoggerId = BOUND) => ({
  id,
  type: 'event',
  ...who,
  at: '2026-11-24T11:00:00Z',
  severity: 'critical',
  message: 'Router A failed',
});
async function send(token: string, records: unknown[], envelopeSite?: string) {
  const body = { ...(envelopeSite ? { bridge: envelopeSite } : {}), records };
  return parsed(await relay(httpEvent({ path: '/v1/relay', token, body }), lambdaContext));
}
const statuses = (res: Awaited<ReturnType<typeof send>>) =>
  (res.body.results as { status: string }[]).map((r) => r.status);
const operator = (): Operator & { bridges: BridgeRegistry } => ({
  loggers: listener.runtime.loggers,
  bridges: listener.runtime.bridges,
  audit: new DynamoAuditLog(localClient(inject('dynamoEndpoint')), listener.tableName, 86_400_000),
  actor: 'alice',
  via: 'cli',
  now: listener.clock.now,
});

describe('a modem Logger bound to a bridge site', () => {
  it("refuses site1's records for a Logger bound to site2, per record: state unchanged, nothing stored or paged", async () => {
    listener.clock.now += 10 * MINUTE;
    const before = await listener.runtime.loggers.get(BOUND);
    const res = await send(tokens.site1, [heartbeat('h1'), critical('e1')], 'site1');
    expect(res.statusCode).toBe(200);
    expect(res.body.results).toEqual([
      { id: 'h1', status: 'refused', reason: expect.stringContaining('not bound to bridge site1') },
      { id: 'e1', status: 'refused', reason: expect.stringContaining('bound to site2') },
    ]);
    expect(await listener.runtime.loggers.get(BOUND)).toEqual(before);
    expect(await listener.runtime.events.listEvents(BOUND, 10)).toEqual([]);
    expect(listener.published()).toEqual([]);
    // Never marked applied either: site2 sending the same ids is accepted, not a duplicate.
    expect(statuses(await send(tokens.site2, [heartbeat('h1'), critical('e1')], 'site2'))).toEqual([
      'accepted',
      'accepted',
    ]);
    expect(await listener.runtime.loggers.get(BOUND)).toMatchObject({
      state: 'UP',
      lastSeenAt: listener.clock.now,
    });
  });

  it('refuses on the state machine path too: a DOWN Logger relayed by the wrong site stays DOWN, no all-clear', async () => {
    listener.clock.now += 781 * MINUTE;
    await createSweeper(() => listener.runtime)({}, lambdaContext);
    expect(await listener.runtime.loggers.get(BOUND)).toMatchObject({ state: 'DOWN' });
    const pagesBefore = listener.published().length;
    expect(statuses(await send(tokens.site1, [heartbeat('h1')]))).toEqual(['refused']);
    expect(await listener.runtime.loggers.get(BOUND)).toMatchObject({ state: 'DOWN' });
    expect(listener.published()).toHaveLength(pagesBefore);
  });

  it('answers a resend of an applied record from another site refused, not duplicate', async () => {
    expect(statuses(await send(tokens.site2, [heartbeat('h1')]))).toEqual(['accepted']);
    expect(statuses(await send(tokens.site2, [heartbeat('h1')]))).toEqual(['duplicate']);
    expect(statuses(await send(tokens.site1, [heartbeat('h1')]))).toEqual(['refused']);
  });

  it('takes records from every bound site (a backup), and counts refusals per site in one write per request', async () => {
    await bindLogger(operator(), BOUND, ['site2', 'site1']);
    expect(statuses(await send(tokens.site1, [heartbeat('h1')]))).toEqual(['accepted']);
    expect(statuses(await send(tokens.site2, [heartbeat('h2')]))).toEqual(['accepted']);
    await bindLogger(operator(), BOUND, ['site2']);
    const writes = listener.dynamoOperations().length;
    await send(tokens.site1, [heartbeat('h3'), heartbeat('h4'), critical('e5')]);
    const ops = listener.dynamoOperations().slice(writes);
    expect(ops.filter((op) => op === 'UpdateItem')).toHaveLength(2); // the refused phone-home, the ADD
    const bridges = await listener.runtime.bridges.listBridges();
    expect(bridges.map((b) => [b.site, b.refused ?? 0])).toEqual([
      ['site1', 3],
      ['site2', 0],
    ]);
    expect(bridges[0]?.lastRefusedAt).toBe(listener.clock.now);
  });

  it('binds conditionally on the binding read, and records who changed it in the audit log', async () => {
    const { loggers } = listener.runtime;
    expect(await loggers.bindBridges(BOUND, ['site1'], ['site1', 'site2'])).toBe(false); // stale: it is [site2]
    expect((await loggers.get(BOUND))?.bridges).toEqual(['site2']);
    const audit = new DynamoAuditLog(localClient(inject('dynamoEndpoint')), listener.tableName, 86_400_000);
    const op = { ...operator(), audit };
    const change = await bindLogger(op, BOUND, ['site1', 'nosuch']);
    expect(change).toMatchObject({ before: ['site2'], after: ['site1', 'nosuch'], unregistered: ['nosuch'] });
    const [entry] = await audit.list(BOUND, 5);
    expect(entry).toMatchObject({ action: 'bridge-bind', actor: 'alice', detail: 'site2 → site1, nosuch' });
    await expect(bindLogger(op, { customer: 'bridge-site1', side: 'A' }, ['site1'])).rejects.toThrow(
      /only modem Loggers/,
    );
  });
});

describe('the envelope names the bridge', () => {
  it("refuses with 403 an envelope naming another site than the token's, without repeating it, and applies nothing", async () => {
    const forged = await send(tokens.site1, [heartbeat('h1'), critical('e1')], 'site2');
    expect(forged.statusCode).toBe(403);
    expect(forged.body.error).toMatchObject({ code: 'forbidden' });
    expect(JSON.stringify(forged.body)).not.toContain('site2');
    expect(await listener.runtime.loggers.get(BOUND)).toMatchObject({ state: 'NEW' });
    expect(listener.published()).toEqual([]);
    expect(statuses(await send(tokens.site2, [heartbeat('h1')], 'site2'))).toEqual(['accepted']);
  });
});

describe('a legacy modem Logger bound to no site', () => {
  it('is relayed by any bridge, flagged by doctor, and then only by the sites it is bound to', async () => {
    expect(statuses(await send(tokens.site1, [heartbeat('h1', LEGACY)]))).toEqual(['accepted']);
    expect(statuses(await send(tokens.site2, [heartbeat('h2', LEGACY)]))).toEqual(['accepted']);
    const findings = async () =>
      diagnoseFleet({
        loggers: await listener.runtime.loggers.list(),
        sweeper: { lastRunAt: listener.clock.now, report: { failed: 0 } },
        sweepEveryMs: 60_000,
        pairs: [],
        now: listener.clock.now,
      }).filter((f) => f.rule === 'bridge-binding');
    expect(await findings()).toEqual([
      expect.objectContaining({
        subject: 'oldcust/A',
        severity: 'warning',
        message: expect.stringContaining('bound to no bridge site'),
      }),
    ]);
    await bindLogger(operator(), LEGACY, ['site1']);
    expect(await findings()).toEqual([]);
    expect(statuses(await send(tokens.site2, [heartbeat('h3', LEGACY)]))).toEqual(['refused']);
    expect(statuses(await send(tokens.site1, [heartbeat('h4', LEGACY)]))).toEqual(['accepted']);
  });
});

describe('listener bridge rotate-token and remove', () => {
  it('rotate-token: the old token is dead at once, the new one works; a rotation on a stale hash does not land', async () => {
    const old = tokens.site2;
    const oldHash = (await listener.runtime.bridges.getBridge('site2'))?.tokenHash ?? '';
    const fresh = await rotateBridgeToken(listener.runtime.bridges, 'site2');
    expect((await send(old, [heartbeat('h1')])).statusCode).toBe(401);
    expect(statuses(await send(fresh, [heartbeat('h1')]))).toEqual(['accepted']);
    expect(await listener.runtime.bridges.replaceBridgeToken('site2', oldHash, 'x')).toBe(false);
  });

  it('remove: the token is dead at once, its own Logger goes, and Loggers bound to it are named and fail closed', async () => {
    const removal = await removeBridge(listener.runtime, 'site2');
    expect(removal.boundLoggers).toEqual([BOUND]);
    expect(removal.selfLoggerItems).toBeGreaterThan(0);
    expect((await send(tokens.site2, [heartbeat('h1')])).statusCode).toBe(401);
    expect(await listener.runtime.loggers.get({ customer: 'bridge-site2', side: 'A' })).toBeUndefined();
    expect(statuses(await send(tokens.site1, [heartbeat('h1')]))).toEqual(['refused']);
    const findings = diagnoseFleet({
      loggers: await listener.runtime.loggers.list(),
      sweeper: { lastRunAt: listener.clock.now, report: { failed: 0 } },
      sweepEveryMs: 60_000,
      pairs: [],
      now: listener.clock.now,
    }).filter((f) => f.rule === 'bridge-binding' && f.subject === 'geocust3/A');
    expect(findings).toEqual([expect.objectContaining({ severity: 'error' })]);
    // A refusal counted for a removed bridge does not bring its item back.
    await listener.runtime.bridges.countRefused('site2', 1, listener.clock.now);
    expect(await listener.runtime.bridges.getBridge('site2')).toBeUndefined();
  });
});
