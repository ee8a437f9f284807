/**
 * A wrong token for a registered Logger and any token for an unregistered id must cost the same, or timing
 * tells an attacker which ids exist (the wrong-token path answered ~0.7 ms slower: it parsed the stored
 * Logger; the unknown path skipped the comparison). Checked structurally, on DynamoDB Local: both paths
 * send the same requests, compare a hash once, and parse no stored Logger.
 */
import * as crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import * as items from '../../shared/adapters/dynamo/logger/dynamo-items.js';
import { UnknownLoggerError } from '../../shared/domain/errors.js';
import { authenticateLogger } from '../../shared/listener/authenticate.js';
import { phoneHome } from '../../shared/listener/phone-home.js';
import { registerLogger } from '../../shared/listener/register.js';
import { createTestListener, type TestListener } from '../support/listener.js';

vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:crypto')>();
  return { ...actual, timingSafeEqual: vi.fn(actual.timingSafeEqual) };
});
vi.mock('../../shared/adapters/dynamo/logger/dynamo-items.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../shared/adapters/dynamo/logger/dynamo-items.js')>();
  return { ...actual, loggerFromItem: vi.fn(actual.loggerFromItem) };
});

let listener: TestListener;
let registered: string;
beforeAll(async () => {
  listener = await createTestListener(inject('dynamoEndpoint'));
  const request = {
    customer: 'geocust1',
    side: 'A' as const,
    eventTimeoutMs: 3_600_000,
    transport: 'https' as const,
  };
  registered = (await registerLogger(listener.runtime.loggers, request, listener.clock.now)).token;
});
afterAll(() => listener.dispose());

const secret = 'x'.repeat(43);
const wrongToken = () => `${registered.slice(0, registered.lastIndexOf('.'))}.${secret}`;
const unknownToken = () => `phl.nobody.A.${secret}`;

/** What refusing `token` cost: the DynamoDB requests sent, hash comparisons made, stored Loggers parsed. */
async function refusalOf(refuse: (token: string) => Promise<unknown>, token: string) {
  const sent = listener.dynamoOperations().length;
  vi.mocked(crypto.timingSafeEqual).mockClear();
  vi.mocked(items.loggerFromItem).mockClear();
  await expect(refuse(token)).rejects.toBeInstanceOf(UnknownLoggerError);
  return {
    requests: listener.dynamoOperations().slice(sent),
    comparisons: vi.mocked(crypto.timingSafeEqual).mock.calls.length,
    parsed: vi.mocked(items.loggerFromItem).mock.calls.length,
  };
}

describe('a wrong token and an unknown id are refused at the same cost', () => {
  it('on a heartbeat: one UpdateItem, one hash comparison, no Logger parsed, either way', async () => {
    const heartbeat = (token: string) => phoneHome(listener.runtime, token, listener.clock.now);
    const wrong = await refusalOf(heartbeat, wrongToken());
    const unknown = await refusalOf(heartbeat, unknownToken());
    expect(wrong).toEqual({ requests: ['UpdateItem'], comparisons: 1, parsed: 0 });
    expect(unknown).toEqual(wrong);
  });

  it('on a request authenticated by a read (events): one GetItem, one hash comparison, no Logger parsed', async () => {
    const authenticate = (token: string) => authenticateLogger(listener.runtime, token);
    const wrong = await refusalOf(authenticate, wrongToken());
    const unknown = await refusalOf(authenticate, unknownToken());
    expect(wrong).toEqual({ requests: ['GetItem'], comparisons: 1, parsed: 0 });
    expect(unknown).toEqual(wrong);
  });

  it('still lets the right token through', async () => {
    await expect(phoneHome(listener.runtime, registered, listener.clock.now)).resolves.toMatchObject({
      logger: { customer: 'geocust1', side: 'A', state: 'UP' },
    });
    await expect(authenticateLogger(listener.runtime, registered)).resolves.toEqual({
      customer: 'geocust1',
      side: 'A',
    });
  });
});
