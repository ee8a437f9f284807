/**
 * Which Listener heard a Logger: the two Listeners of a pair share one table, and each phone-home records
 * the Listener that received it (first and last time, and the last one to hear it) in the same single
 * DynamoDB update as the heartbeat — through HTTPS heartbeats, the state machine's path and relayed records.
 */
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { createHandler as createHeartbeat } from '../../functions/heartbeat/handler.js';
import { createHandler as createRelay } from '../../functions/relay/handler.js';
import { createHandler as createSweeper } from '../../functions/sweeper/handler.js';
import type { LoggerId } from '../../shared/domain/logger.js';
import { registerBridge, registerLogger } from '../../shared/listener/register.js';
import type { Runtime } from '../../shared/runtime.js';
import { httpEvent, lambdaContext, parsed } from '../support/http.js';
import { countRequests, createTestListener, type TestListener } from '../support/listener.js';

const MINUTE = 60_000;
const TIMEOUT = 780 * MINUTE;
const A: LoggerId = { customer: 'geocust1', side: 'A' };
const MODEM: LoggerId = { customer: 'geocust2', side: 'B' };

let listener: TestListener;
/** The pair: the same table and clock, two Listener names. */
let lnra: Runtime;
let lnrb: Runtime;
beforeEach(async () => {
  listener = await createTestListener(inject('dynamoEndpoint'));
  lnra = listener.runtime;
  lnrb = { ...listener.runtime, listenerName: 'GEOCSCLNRB' };
});
afterEach(() => listener.dispose());

/** Moves the shared clock on; returns the new time. */
const advance = (ms: number): number => {
  listener.clock.now += ms;
  return listener.clock.now;
};
const beat = async (runtime: Runtime, token: string) =>
  parsed(await createHeartbeat(() => runtime)(httpEvent({ path: '/v1/heartbeat', token }), lambdaContext))
    .statusCode;
const stored = async (id: LoggerId) => listener.runtime.loggers.get(id);

async function registerHttps(id: LoggerId): Promise<string> {
  return (
    await registerLogger(
      listener.runtime.loggers,
      { ...id, eventTimeoutMs: TIMEOUT, transport: 'https' },
      listener.clock.now,
    )
  ).token;
}

describe('which Listener heard a Logger', () => {
  it('records each Listener’s first and last hearing and the last one to hear it, one request per heartbeat', async () => {
    const token = await registerHttps(A);
    const t1 = advance(MINUTE);
    const requests = countRequests(listener);
    expect(await beat(lnra, token)).toBe(200);
    const t2 = advance(MINUTE);
    expect(await beat(lnrb, token)).toBe(200);
    const t3 = advance(MINUTE);
    expect(await beat(lnrb, token)).toBe(200);
    expect(requests.count()).toBe(3);
    expect(await stored(A)).toMatchObject({
      heardBy: { GEOCSCLNRA: { first: t1, last: t1 }, GEOCSCLNRB: { first: t2, last: t3 } },
      lastHeardBy: 'GEOCSCLNRB',
      lastSeenAt: t3,
    });
  });

  it('records the Listener on the state machine’s path too (a DOWN Logger recovering on the other Listener)', async () => {
    const token = await registerHttps(A);
    advance(MINUTE);
    await beat(lnra, token);
    advance(TIMEOUT + MINUTE);
    await createSweeper(() => lnra)({}, lambdaContext);
    expect((await stored(A))?.state).toBe('DOWN');
    advance(MINUTE);
    expect(await beat(lnrb, token)).toBe(200);
    const logger = await stored(A);
    expect(logger).toMatchObject({ state: 'UP', lastHeardBy: 'GEOCSCLNRB' });
    expect(logger?.heardBy?.GEOCSCLNRB).toEqual({ first: listener.clock.now, last: listener.clock.now });
    // Later transitions carry the hearings through unchanged.
    expect(logger?.heardBy?.GEOCSCLNRA?.last).toBeLessThan(listener.clock.now);
  });

  it('records the Listener that received a relay batch; the same record relayed to both counts once', async () => {
    const { loggers } = listener.runtime;
    const { relayToken } = await registerBridge(
      listener.runtime,
      { site: 'acme-dc1', eventTimeoutMs: 30 * MINUTE },
      listener.clock.now,
    );
    await registerLogger(
      loggers,
      { ...MODEM, eventTimeoutMs: TIMEOUT, transport: 'modem' },
      listener.clock.now,
    );
    const relay = async (runtime: Runtime, id: string, receivedAt: number) =>
      parsed(
        await createRelay(() => runtime)(
          httpEvent({
            path: '/v1/relay',
            token: relayToken,
            body: {
              bridge: 'acme-dc1',
              records: [
                {
                  id,
                  type: 'heartbeat',
                  ...MODEM,
                  at: new Date(receivedAt).toISOString(),
                  receivedAt: new Date(receivedAt).toISOString(),
                },
              ],
            },
          }),
          lambdaContext,
        ),
      ).body as { results: { status: string }[] };
    advance(10 * MINUTE);
    const early = listener.clock.now - 5 * MINUTE;
    expect((await relay(lnrb, 'r-late', listener.clock.now)).results[0]?.status).toBe('accepted');
    // Resent to the other Listener after a lost answer: deduplicated by record id, recorded nowhere.
    expect((await relay(lnra, 'r-late', listener.clock.now)).results[0]?.status).toBe('duplicate');
    let logger = await stored(MODEM);
    expect(logger).toMatchObject({ lastHeardBy: 'GEOCSCLNRB', lastSeenAt: listener.clock.now });
    expect(Object.keys(logger?.heardBy ?? {})).toEqual(['GEOCSCLNRB']);
    // An older record relayed late by the other Listener: heard there, but it is not the latest phone-home.
    expect((await relay(lnra, 'r-early', early)).results[0]?.status).toBe('accepted');
    logger = await stored(MODEM);
    expect(logger?.heardBy?.GEOCSCLNRA).toEqual({ first: early, last: early });
    expect(logger?.lastHeardBy).toBe('GEOCSCLNRB');
  });
});
