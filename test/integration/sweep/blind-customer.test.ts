/**
 * The blind customer (both sides DOWN) without transactions, against DynamoDB Local: sweepers race on both
 * sides of many customers in seeded interleavings, a twin comes back at the worst moments, a look at the
 * twin is cut short — and each blind episode is paged exactly once, never when the twin was already back.
 * The store never sends a transaction (a multi-Region strongly consistent table has none;
 * docs/architecture.md#two-regions-why-mrsc): single-item writes, and reads single or batched.
 */
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { PublishCommand } from '@aws-sdk/client-sns';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { StoreUnavailableError } from '../../../shared/domain/errors.js';
import type { Logger, LoggerId } from '../../../shared/domain/logger.js';
import { DETAIL_TYPES } from '../../../shared/domain/notices/notification.js';
import { phoneHome } from '../../../shared/listener/phone-home.js';
import { registerLogger } from '../../../shared/listener/register.js';
import { sweep } from '../../../shared/listener/sweep/sweep.js';
import type { LoggerStore } from '../../../shared/ports/logger-store.js';
import { createTestListener, type TestListener } from '../../support/listener.js';
import { seeded } from '../../support/seeded.js';

const MINUTE = 60_000;
const TIMEOUT = 780 * MINUTE;

let listener: TestListener;
beforeEach(async () => {
  listener = await createTestListener(inject('dynamoEndpoint'));
});
afterEach(() => listener.dispose());

const now = () => listener.clock.now;
const advance = (ms: number) => {
  listener.clock.now += ms;
};
const sweepWith = (loggers: LoggerStore) => sweep({ ...listener.runtime, loggers }, now(), now);

async function register(id: LoggerId): Promise<string> {
  const { token } = await registerLogger(
    listener.runtime.loggers,
    { ...id, eventTimeoutMs: TIMEOUT, transport: 'https' },
    now(),
  );
  return token;
}

/** SNS pages of `kind` for a customer (and side); EventBridge events of `kind` for the customer. */
function pages(kind: keyof typeof DETAIL_TYPES, customer: string, side?: 'A' | 'B'): number {
  return listener.sns.commandCalls(PublishCommand).filter((call) => {
    const a = call.args[0].input.MessageAttributes ?? {};
    return (
      a.kind?.StringValue === kind &&
      a.customer?.StringValue === customer &&
      (side === undefined || a.side?.StringValue === side)
    );
  }).length;
}
function busEvents(kind: keyof typeof DETAIL_TYPES, customer: string): number {
  return listener.bus
    .commandCalls(PutEventsCommand)
    .flatMap((call) => call.args[0].input.Entries ?? [])
    .filter(
      (e) =>
        e.DetailType === DETAIL_TYPES[kind] &&
        (JSON.parse(e.Detail ?? '{}') as { customer?: string }).customer === customer,
    ).length;
}

/** No transaction went to DynamoDB, and the flows did claim blind records (PutItem). */
function expectNoTransactions(): void {
  const operations = listener.dynamoOperations();
  expect(operations.filter((op) => op.startsWith('Transact'))).toEqual([]);
  expect(operations).toContain('PutItem');
  expect(operations).toContain('UpdateItem');
}

/**
 * The store, with each call on the alarm path (reads, transitions, blind claims) waiting a seeded random
 * while before it is sent and after it answers: each seed is another interleaving of the sweepers' writes
 * and reads at DynamoDB. Correctness must hold for every one, so no timing is asserted.
 */
function jittered(store: LoggerStore, random: () => number, maxMs: number): LoggerStore {
  const pause = () => new Promise((resolve) => setTimeout(resolve, Math.floor(random() * maxMs)));
  const delayed = new Set(['get', 'getMany', 'writeTransition', 'claimBlindEpisode']);
  return new Proxy(store, {
    get(target, property) {
      const value = Reflect.get(target, property, target) as unknown;
      if (typeof value !== 'function') return value;
      const method = value as (...args: unknown[]) => Promise<unknown>;
      if (!delayed.has(String(property))) return method.bind(target);
      return async (...args: unknown[]) => {
        await pause();
        const result = await method.apply(target, args);
        await pause();
        return result;
      };
    },
  });
}

/** The store, running `hook` once around the DOWN write of `id`: just before it, or just after it landed. */
function aroundDownWrite(
  store: LoggerStore,
  id: LoggerId,
  when: 'before' | 'after',
  hook: () => Promise<void>,
): LoggerStore {
  let pending = true;
  const isDownWrite = (before: Logger, after: Logger) =>
    pending &&
    after.customer === id.customer &&
    after.side === id.side &&
    before.state !== 'DOWN' &&
    after.state === 'DOWN';
  return new Proxy(store, {
    get(target, property) {
      const value = Reflect.get(target, property, target) as unknown;
      if (typeof value !== 'function') return value;
      if (property !== 'writeTransition') return (value as (...a: unknown[]) => unknown).bind(target);
      return async (before: Logger, after: Logger) => {
        const fire = isDownWrite(before, after);
        if (fire) pending = false;
        if (fire && when === 'before') await hook();
        const written = await target.writeTransition(before, after);
        if (fire && when === 'after' && written) await hook();
        return written;
      };
    },
  });
}

describe('a customer going blind', () => {
  it('is paged exactly once when both sides go DOWN at the same moment in three racing sweepers, in any interleaving', async () => {
    const perRun = 4;
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 0x7fffffff }), async (seed) => {
        run++;
        const customers = Array.from({ length: perRun }, (_, i) => `blind-${run}-${i}`);
        // Both sides registered at the same moment: the same deadline, DOWN in the same sweep.
        for (const customer of customers) {
          await register({ customer, side: 'A' });
          await register({ customer, side: 'B' });
        }
        advance(TIMEOUT + MINUTE);
        const random = seeded(seed);
        await Promise.all([1, 2, 3].map(() => sweepWith(jittered(listener.runtime.loggers, random, 8))));
        // What a lost write left pending (a retry, an alarm still awaiting its twin) is done by the next sweep.
        advance(listener.runtime.outboxRetryMs + 1);
        await sweepWith(listener.runtime.loggers);
        for (const customer of customers) {
          expect(pages('CUSTOMER_BLIND', customer), `${customer} (seed ${seed})`).toBe(1);
          expect(busEvents('CUSTOMER_BLIND', customer), `${customer} (seed ${seed})`).toBe(1);
          expect(pages('LOGGER_SILENT', customer, 'A'), `${customer}/A (seed ${seed})`).toBe(1);
          expect(pages('LOGGER_SILENT', customer, 'B'), `${customer}/B (seed ${seed})`).toBe(1);
        }
      }),
      { numRuns: 5 },
    );
    // Later sweeps page nothing more: every alarm has had its look at the twin.
    const published = listener.sns.commandCalls(PublishCommand).length;
    advance(10 * MINUTE);
    await sweepWith(listener.runtime.loggers);
    expect(listener.sns.commandCalls(PublishCommand)).toHaveLength(published);
    expectNoTransactions();
  }, 180_000);

  it.each(['before', 'after'] as const)(
    'is not paged when the DOWN twin comes back just %s the other side’s DOWN write',
    async (when) => {
      const a = { customer: 'geocust1', side: 'A' } as const;
      const b = { customer: 'geocust1', side: 'B' } as const;
      const tokenA = await register(a);
      const tokenB = await register(b);
      advance(60 * MINUTE);
      await phoneHome(listener.runtime, tokenA, now()); // A's deadline is an hour after B's
      advance(TIMEOUT - 60 * MINUTE + MINUTE);
      await sweepWith(listener.runtime.loggers); // B DOWN and paged; A still phoning home
      expect(pages('LOGGER_SILENT', 'geocust1', 'B')).toBe(1);
      advance(60 * MINUTE);
      // A is due now; B phones home at the chosen moment around A's DOWN write.
      const store = aroundDownWrite(listener.runtime.loggers, a, when, async () => {
        await phoneHome(listener.runtime, tokenB, now());
      });
      await sweepWith(store);
      expect(pages('LOGGER_SILENT', 'geocust1', 'A')).toBe(1);
      expect(pages('LOGGER_RECOVERED', 'geocust1', 'B')).toBe(1);
      expect(pages('CUSTOMER_BLIND', 'geocust1')).toBe(0);
      expect(busEvents('CUSTOMER_BLIND', 'geocust1')).toBe(0);
      // A's alarm says B phones home: B was back when A's sweeper looked at it.
      const silentA = listener
        .published()
        .find((p) => p.kind === 'LOGGER_SILENT' && p.attributes.side === 'A');
      expect(silentA?.email).toContain('Side B phones home normally');
      expect(listener.dynamoOperations().filter((op) => op.startsWith('Transact'))).toEqual([]);
    },
  );

  it('is paged by the next sweep when the look at the twin is cut short, while both alarms go out at once', async () => {
    const customer = 'geocust2';
    await register({ customer, side: 'A' });
    await register({ customer, side: 'B' });
    advance(TIMEOUT + MINUTE);
    // Every claim of a blind episode fails in this sweep, as if the store failed (or the sweeper died) just
    // after the DOWN writes: the check cannot finish, the alarms must not wait for it.
    const failing = new Proxy(listener.runtime.loggers, {
      get(target, property) {
        if (property === 'claimBlindEpisode') {
          return () => Promise.reject(new StoreUnavailableError('DynamoDB is unavailable (test)'));
        }
        const value = Reflect.get(target, property, target) as unknown;
        return typeof value === 'function' ? (value as () => unknown).bind(target) : value;
      },
    });
    await sweepWith(failing);
    expect(pages('LOGGER_SILENT', customer, 'A')).toBe(1);
    expect(pages('LOGGER_SILENT', customer, 'B')).toBe(1);
    expect(pages('CUSTOMER_BLIND', customer)).toBe(0);
    // The alarm still awaiting its twin kept its Logger due: the next sweep past the retry delay finishes.
    advance(listener.runtime.outboxRetryMs + 1);
    await sweepWith(listener.runtime.loggers);
    expect(pages('CUSTOMER_BLIND', customer)).toBe(1);
    advance(listener.runtime.outboxRetryMs + 1);
    await sweepWith(listener.runtime.loggers);
    expect(pages('CUSTOMER_BLIND', customer)).toBe(1);
    expect(pages('LOGGER_SILENT', customer)).toBe(2);
    expectNoTransactions();
  });
});
