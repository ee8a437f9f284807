/**
 * The sweep at scale, against DynamoDB Local: it keeps to its time budget, leaves the rest due for the
 * next run, and over any number of cut-short and concurrent runs pages each overdue Logger exactly once.
 */

import { PublishCommand } from '@aws-sdk/client-sns';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { localClient } from '../../../cli/local/dynamo-local.js';
import { loggerItem } from '../../../shared/adapters/dynamo/logger/dynamo-items.js';
import { newLogger } from '../../../shared/domain/logger.js';
import { sweep } from '../../../shared/listener/sweep/sweep.js';
import { createTestListener, type TestListener } from '../../support/listener.js';

const MINUTE = 60_000;
const TIMEOUT = 780 * MINUTE;
let listener: TestListener;

beforeEach(async () => {
  listener = await createTestListener(inject('dynamoEndpoint'));
});
afterEach(() => listener.dispose());

/** Registers `count` Loggers (both sides of count/2 customers) in batches, as a fleet import would. */
async function fleet(count: number): Promise<void> {
  const doc = DynamoDBDocumentClient.from(localClient(inject('dynamoEndpoint')));
  const items = Array.from({ length: count }, (_, i) =>
    loggerItem(
      newLogger(
        { customer: `fleet${Math.floor(i / 2)}`, side: i % 2 ? 'B' : 'A' },
        { eventTimeoutMs: TIMEOUT, heartbeatIntervalMs: 720 * MINUTE, transport: 'https' },
        listener.clock.now,
      ),
      'unused-token-hash',
    ),
  );
  for (let i = 0; i < items.length; i += 25) {
    const batch = items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
    await doc.send(new BatchWriteCommand({ RequestItems: { [listener.tableName]: batch } }));
  }
  doc.destroy();
}

/** A clock that moves 1 ms each time it is read: budgets cut sweeps short deterministically. */
function tickingClock(start: number): () => number {
  let now = start;
  return () => now++;
}

describe('sweep time budget', () => {
  it('stops starting new items at its budget, says so, and leaves the rest due', async () => {
    await fleet(40);
    listener.clock.now += TIMEOUT + MINUTE;
    const now = listener.clock.now;
    const report = await sweep(listener.runtime, now, tickingClock(now), { budgetMs: 10, concurrency: 2 });
    expect(report.cutShort).toBe(true);
    expect(report.due).toBeLessThan(40);
    const rest = await sweep(listener.runtime, now, tickingClock(now));
    expect(rest.cutShort).toBeUndefined();
    expect(report.raised + rest.raised).toBe(40);
  });

  it('pages 1,000 overdue Loggers exactly once across concurrent, cut-short sweeps', async () => {
    await fleet(1_000);
    listener.clock.now += TIMEOUT + MINUTE;
    let runs = 0;
    let cut = 0;
    // Two sweepers at a time, each cut short after ~300 reads of its clock, until nothing is left.
    for (let round = 0; round < 40; round++) {
      const now = listener.clock.now;
      const reports = await Promise.all(
        [1, 2].map(() => sweep(listener.runtime, now, tickingClock(now), { budgetMs: 300 })),
      );
      runs += reports.length;
      cut += reports.filter((r) => r.cutShort).length;
      if (reports.every((r) => r.due === 0)) break;
      listener.clock.now += listener.runtime.outboxRetryMs;
    }
    const pages = listener.sns
      .commandCalls(PublishCommand)
      .map((c) => c.args[0].input.MessageAttributes ?? {})
      .filter((a) => a.kind?.StringValue === 'LOGGER_SILENT')
      .map((a) => `${a.customer?.StringValue}/${a.side?.StringValue}`);
    expect(cut).toBeGreaterThan(0);
    expect(runs).toBeGreaterThan(2);
    expect(pages).toHaveLength(1_000);
    expect(new Set(pages).size).toBe(1_000);
  }, 180_000);
});

describe("a page's twins in one read", () => {
  /** Operations sent from now on, counted by name. */
  function operationsFrom(start: number): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const op of listener.dynamoOperations().slice(start)) counts[op] = (counts[op] ?? 0) + 1;
    return counts;
  }

  it('raises 250 alarms with one strongly consistent BatchGetItem per 100 twins, not a GetItem each', async () => {
    await fleet(500);
    // Side B of every customer phones home late: only the 250 side-A Loggers are overdue, their twins UP.
    const store = listener.runtime.loggers;
    listener.clock.now += TIMEOUT - MINUTE;
    for (let c = 0; c < 250; c++) {
      const b = await store.get({ customer: `fleet${c}`, side: 'B' });
      if (!b) throw new Error('fixture: side B missing');
      const later = {
        ...b,
        state: 'UP' as const,
        deadline: listener.clock.now + TIMEOUT,
        revision: b.revision + 1,
      };
      await store.writeTransition(b, { ...later, dueAt: later.deadline });
    }
    listener.clock.now += 2 * MINUTE;
    const start = listener.dynamoOperations().length;
    const report = await sweep(listener.runtime, listener.clock.now);
    const ops = operationsFrom(start);
    expect(report.raised).toBe(250);
    expect(ops.BatchGetItem).toBe(3);
    // Reads of a single Logger: none for the twins (the sweep's own bookkeeping makes a few).
    expect(ops.GetItem ?? 0).toBeLessThan(10);
    const alarms = listener.published().filter((p) => p.kind === 'LOGGER_SILENT');
    expect(alarms).toHaveLength(250);
    // Each alarm carries the look at its twin, from the batched read.
    expect(alarms.every((p) => p.email.includes('Side B phones home normally'))).toBe(true);
  });

  it('pages a customer blind once when both sides go DOWN in the same page', async () => {
    await fleet(20);
    listener.clock.now += TIMEOUT + MINUTE;
    const report = await sweep(listener.runtime, listener.clock.now);
    expect(report.raised).toBe(20);
    const blind = listener.published().filter((p) => p.kind === 'CUSTOMER_BLIND');
    expect(blind.map((p) => p.attributes.customer).sort()).toEqual(
      Array.from({ length: 10 }, (_, c) => `fleet${c}`).sort(),
    );
  });

  it('reads a twin alone when the batched read fails, and still raises every alarm once', async () => {
    await fleet(20);
    listener.clock.now += TIMEOUT + MINUTE;
    const store = listener.runtime.loggers;
    const failing = new Proxy(store, {
      get(target, name, receiver) {
        if (name === 'getMany') return async () => Promise.reject(new Error('BatchGetItem failed'));
        const value = Reflect.get(target, name, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const report = await sweep({ ...listener.runtime, loggers: failing }, listener.clock.now);
    expect(report.raised).toBe(20);
    expect(report.failed).toBe(0);
    expect(listener.published().filter((p) => p.kind === 'CUSTOMER_BLIND')).toHaveLength(10);
  });
});

describe('the watched-Loggers probe (for the heartbeats-stopped alarm)', () => {
  it('counts watched Loggers from the due index, capped, and the sweep reports it as a gauge', async () => {
    const store = listener.runtime.loggers;
    expect(await listener.runtime.watchlist.probeWatched(100)).toBe(0);
    await fleet(40);
    expect(await listener.runtime.watchlist.probeWatched(100)).toBe(40);
    expect(await listener.runtime.watchlist.probeWatched(16)).toBe(16);
    const paused = await store.get({ customer: 'fleet0', side: 'A' });
    if (!paused) throw new Error('fixture: fleet0/A missing');
    const { dueAt: _, ...notDue } = paused;
    await store.writeTransition(paused, { ...notDue, state: 'PAUSED', revision: paused.revision + 1 });
    expect(await listener.runtime.watchlist.probeWatched(100)).toBe(39);
    const gauges: Record<string, number> = {};
    const counters = {
      count() {},
      gauge: (name: string, value: number) => {
        gauges[name] = value;
      },
    };
    await sweep({ ...listener.runtime, counters }, listener.clock.now);
    expect(gauges).toMatchObject({ WatchedLoggers: 39, PendingNotificationMaxAgeSeconds: 0 });
  });
});
