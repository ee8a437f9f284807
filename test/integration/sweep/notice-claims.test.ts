/**
 * Issue 20 §1 against DynamoDB Local: Loggers that come back right at their deadline, raced by several
 * sweepers, for hundreds of outages. Counted per channel (three fake channels that record every delivery,
 * one slow, one failing now and then): no notification id twice on any channel, each outage exactly one
 * LOGGER_SILENT and one LOGGER_RECOVERED on each, the all-clear never before its page, and a recovery's
 * silence never shorter than the timeout its page spoke of. Times are on an injected clock.
 */
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import type { Logger } from '../../../shared/domain/logger.js';
import type { Notification, StateNotification } from '../../../shared/domain/notices/notification.js';
import type { ListenerDeps } from '../../../shared/listener/deps.js';
import { phoneHome } from '../../../shared/listener/phone-home.js';
import { registerLogger } from '../../../shared/listener/register.js';
import { sweep } from '../../../shared/listener/sweep/sweep.js';
import type { NotificationChannel } from '../../../shared/ports/channels.js';
import type { LoggerStore } from '../../../shared/ports/logger-store.js';
import { createTestListener, type TestListener } from '../../support/listener.js';
import { seeded } from '../../support/seeded.js';

const TIMEOUT = 60_000;
const RETRY = 5_000;
const LOGGERS = 100;
/** DynamoDB Local on a shared 2-core machine: several thousand conditional writes. */
const RACE_TIMEOUT_MS = 240_000;
/** Each round is about 80 outages. `RACE_ROUNDS=3` makes a quick look (the outage count is then not checked); `RACE_SEED` replays another draw. */
const ROUNDS = Number(process.env.RACE_ROUNDS ?? 7);
const MIN_OUTAGES = 500;

/** A channel that records every delivery it made; `slow` yields to the event loop before answering, `fails` rejects some calls. */
class CountingChannel implements NotificationChannel {
  readonly delivered: StateNotification[] = [];
  constructor(
    readonly name: string,
    private readonly behaviour: { slow?: boolean; fails?: () => boolean } = {},
  ) {}
  async publish(notifications: readonly Notification[]): Promise<void> {
    if (this.behaviour.slow) await new Promise((resolve) => setTimeout(resolve, 2));
    if (this.behaviour.fails?.()) throw new Error(`${this.name} is down`);
    this.delivered.push(...(notifications as StateNotification[]));
  }
}

/**
 * The store with a hook on each DOWN write: the test makes the Logger phone home at a chosen moment
 * around it (before, with, or after it lands), the race issue 20 found by chance.
 */
function racing(store: LoggerStore, hooked: { onDown?: OnDown }): LoggerStore {
  return new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (property !== 'writeTransition') return typeof value === 'function' ? value.bind(target) : value;
      return async (before: Logger, after: Logger) => {
        const race = after.state === 'DOWN' && before.state !== 'DOWN' ? hooked.onDown?.(before) : undefined;
        if (race?.when === 'before') await race.phone();
        const write = target.writeTransition(before, after);
        if (race?.when === 'with') race.phone();
        const landed = await write;
        if (race?.when === 'after') race.phone();
        return landed;
      };
    },
  });
}

/** When the Logger phones home, relative to a DOWN write of it (undefined: it already did this round). */
type OnDown = (
  logger: Logger,
) => { when: 'before' | 'with' | 'after'; phone: () => Promise<unknown> } | undefined;

let listener: TestListener;
beforeEach(async () => {
  listener = await createTestListener(inject('dynamoEndpoint'));
});
afterEach(() => listener.dispose());

describe('a Logger back at its deadline (issue 20 §1)', () => {
  it(
    `delivers each page and each all-clear once per channel, in order, over ${MIN_OUTAGES}+ outages`,
    async () => {
      const seed = Number(process.env.RACE_SEED ?? 20);
      const chance = seeded(seed);
      const channels = [
        new CountingChannel('fast'),
        new CountingChannel('slow', { slow: true }),
        new CountingChannel('flaky', { fails: () => chance() < 0.1 }),
      ];
      const hooked: { onDown?: OnDown } = {};
      const loggers = racing(listener.runtime.loggers, hooked);
      const deps: ListenerDeps = { ...listener.runtime, loggers, channels, outboxRetryMs: RETRY };
      const start = listener.clock.now;
      // One at a time: a registration retried by the SDK on a busy machine would find itself registered.
      const tokens = new Map<string, string>();
      const deadlines = new Map<string, number>();
      for (let i = 0; i < LOGGERS; i++) {
        const request = {
          customer: `once${i}`,
          side: 'A',
          eventTimeoutMs: TIMEOUT,
          transport: 'https',
        } as const;
        tokens.set(request.customer, (await registerLogger(loggers, request, start)).token);
        deadlines.set(request.customer, start + TIMEOUT);
      }
      const sweepers = (at: number, n: number) => Array.from({ length: n }, () => sweep(deps, at, () => at));
      /** Sweeps `n` at a time, one outbox retry apart, until nothing is pending (the deadlines are far). */
      const drain = async (from: number, n: number) => {
        let at = from;
        for (let i = 0; i < 10; i++) {
          at += RETRY;
          const reports = await Promise.all(sweepers(at, n));
          if (reports.every((r) => r.due === 0)) return at;
        }
        throw new Error('notices still pending after 10 sweeps');
      };

      for (let round = 0; round < ROUNDS; round++) {
        // Three sweepers find every Logger past its deadline. Each Logger phones home once, received within
        // 3 ms either side of its deadline, at a seeded moment around the first DOWN write of it: just before
        // (the DOWN write loses: no outage), together with it, or just after it (while the page is sent).
        const beats: Promise<unknown>[] = [];
        const phoned = new Set<string>();
        hooked.onDown = (logger) => {
          if (phoned.has(logger.customer)) return undefined;
          phoned.add(logger.customer);
          const receivedAt = (deadlines.get(logger.customer) ?? 0) - 3 + Math.floor(chance() * 7);
          const moment = chance();
          const when = moment < 0.1 ? 'before' : moment < 0.4 ? 'with' : 'after';
          const phone = () => {
            const beat = phoneHome(deps, tokens.get(logger.customer) ?? '', receivedAt).then(
              ({ logger: l }) => deadlines.set(l.customer, l.deadline),
            );
            beats.push(beat);
            return beat;
          };
          return { when, phone };
        };
        const now = Math.max(...deadlines.values()) + 4;
        await Promise.all(sweepers(now, 3));
        await Promise.all(beats);
        hooked.onDown = undefined;
        // What a failed channel left pending is retried by later sweeps, two at once.
        await drain(now, 2);
      }

      const [first] = channels;
      const pages = new Set(first?.delivered.filter((n) => n.kind === 'LOGGER_SILENT').map((n) => n.id));
      if (!process.env.RACE_ROUNDS) expect(pages.size, 'outages').toBeGreaterThanOrEqual(MIN_OUTAGES);
      for (const channel of channels) {
        const ids = channel.delivered.map((n) => n.id);
        expect(ids.length - new Set(ids).size, `notifications delivered twice on ${channel.name}`).toBe(0);
        // Per Logger, in delivery order: page, all-clear, page, all-clear…; the same pages everywhere.
        const byLogger = new Map<string, string[]>();
        for (const n of channel.delivered) {
          const kinds = byLogger.get(n.logger.customer) ?? [];
          byLogger.set(n.logger.customer, [...kinds, n.kind === 'LOGGER_SILENT' ? 'page' : 'all-clear']);
        }
        for (const [customer, kinds] of byLogger) {
          const expected = kinds.map((_, i) => (i % 2 === 0 ? 'page' : 'all-clear'));
          expect({ channel: channel.name, customer, kinds }).toEqual({
            channel: channel.name,
            customer,
            kinds: expected,
          });
          expect(kinds.length % 2, `${customer} on ${channel.name} ends back UP`).toBe(0);
        }
        const paged = channel.delivered.filter((n) => n.kind === 'LOGGER_SILENT').map((n) => n.id);
        expect(new Set(paged)).toEqual(pages);
        const silences = channel.delivered.flatMap((n) =>
          n.kind === 'LOGGER_RECOVERED' ? [n.notice.silentForMs ?? 0] : [],
        );
        expect(Math.min(...silences), 'shortest silence reported').toBeGreaterThanOrEqual(TIMEOUT);
      }
    },
    RACE_TIMEOUT_MS,
  );
});
