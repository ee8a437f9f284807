/** How the HTTP channel reads a receiver's answer (fetch faked, clock injected: no network, no waiting). */
import { describe, expect, it } from 'vitest';
import { classify, retryAfterMs } from '../../../../../shared/adapters/channels/answer.js';
import {
  HttpChannel,
  MIN_WAIT_MS,
  type Rejection,
} from '../../../../../shared/adapters/channels/http-channel.js';
import { anOutage } from '../../../../support/outage.js';
import { LISTENER, T0, upLogger } from '../../../fixtures.js';

const outage = anOutage(upLogger(T0), LISTENER);
const SECRET_URL = 'https://hooks.slack.test/services/T0/B0/SECRET';

function channel(answers: (Response | Error)[], clock = { now: T0 }, rejected: Rejection[] = []) {
  const calls: string[] = [];
  const fetch = (async (url: string) => {
    calls.push(url);
    const next = answers.shift() ?? new Response('ok');
    if (next instanceof Error) throw next;
    return next;
  }) as unknown as typeof globalThis.fetch;
  const build = () => ({ url: SECRET_URL, headers: {}, body: '{}' });
  const ch = new HttpChannel('chat', build, {
    fetch,
    now: () => clock.now,
    onRejected: (r) => rejected.push(r),
  });
  return { ch, calls, clock, rejected };
}

describe('a receiver’s answer', () => {
  it('2xx delivers; 408, 429 and 5xx are retried; any other 4xx is permanent', () => {
    expect([200, 202, 204].map(classify)).toEqual(['delivered', 'delivered', 'delivered']);
    expect([408, 429, 500, 502, 503].map(classify)).toEqual(Array(5).fill('retry'));
    expect([400, 401, 403, 404, 410, 422].map(classify)).toEqual(Array(6).fill('rejected'));
  });

  it('reads Retry-After in seconds or as a date, capped at an hour', () => {
    expect(retryAfterMs('12', T0)).toBe(12_000);
    expect(retryAfterMs(new Date(T0 + 30_000).toUTCString(), T0)).toBe(30_000);
    expect(retryAfterMs('86400', T0)).toBe(3_600_000);
    expect(retryAfterMs(null, T0)).toBeUndefined();
  });
});

describe('the HTTP channel', () => {
  it('after a 429 with Retry-After sends nothing until then, then delivers', async () => {
    const { ch, calls, clock } = channel([
      new Response('slow down', { status: 429, headers: { 'retry-after': '10' } }),
    ]);
    await expect(ch.publish([outage.page])).rejects.toThrow(/answered 429/);
    clock.now += 9_999;
    await expect(ch.publish([outage.page])).rejects.toThrow(/asked to wait/);
    expect(calls).toHaveLength(1);
    clock.now += 1;
    await ch.publish([outage.page]);
    expect(calls).toHaveLength(2);
  });

  it('reports a permanent refusal once and counts the notice done, so its all-clear still goes out', async () => {
    const { ch, calls, rejected } = channel([new Response('invalid_token', { status: 403 })]);
    await ch.publish([outage.page, outage.allClear]);
    expect(calls).toHaveLength(2);
    expect(rejected).toEqual([
      { channel: 'chat', notification: outage.page.id, status: 403, excerpt: 'invalid_token' },
    ]);
  });

  it('says which notices went out when a later one fails, and never names the URL', async () => {
    const refused = Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } });
    const { ch } = channel([new Response('ok'), refused]);
    const failure = await ch.publish([outage.page, outage.allClear]).catch((e: Error) => e);
    expect(failure).toMatchObject({ name: 'PartialDelivery', deliveredIds: [outage.page.id] });
    expect(String((failure as Error).message)).toBe('channel chat: could not connect (ECONNREFUSED)');
    expect(String((failure as Error).message)).not.toContain('SECRET');
  });
});

describe('the HTTP channel and a publication’s deadline', () => {
  /** A receiver answering after `answerMs` on the injected clock, unless the sender stopped waiting first. */
  function slowReceiver(answerMs: number) {
    const clock = { now: T0 };
    const waits: number[] = [];
    const fetch = (async () => {
      const waitMs = waits.at(-1) ?? 0;
      clock.now += Math.min(answerMs, waitMs);
      if (answerMs > waitMs) throw Object.assign(new Error('aborted'), { name: 'TimeoutError' });
      return new Response('ok', { status: 202 });
    }) as unknown as typeof globalThis.fetch;
    const build = () => ({ url: SECRET_URL, headers: {}, body: '{}' });
    const abortAfter = (ms: number) => {
      waits.push(ms);
      return new AbortController().signal;
    };
    const ch = new HttpChannel('pd', build, { fetch, now: () => clock.now, timeoutMs: 30_000, abortAfter });
    return { ch, clock, waits };
  }

  it('waits its own timeout when the deadline is further, and no longer than the deadline when nearer', async () => {
    const { ch, waits } = slowReceiver(100);
    await ch.publish([outage.page], { deadline: T0 + 60_000 });
    await ch.publish([outage.allClear], { deadline: T0 + 100 + 2_000 });
    expect(waits).toEqual([30_000, 2_000]);
  });

  it('starts no request it has less than the minimum wait left for, and says the rest goes on later', async () => {
    // The page takes 20 s of the 20.1 s left: the all-clear is not started (it could only time out).
    const { ch, waits } = slowReceiver(20_000);
    const deadline = T0 + 20_000 + MIN_WAIT_MS - 1;
    const failure = await ch.publish([outage.page, outage.allClear], { deadline }).catch((e: Error) => e);
    expect(failure).toMatchObject({ name: 'PartialDelivery', deliveredIds: [outage.page.id] });
    expect(String((failure as Error).message)).toMatch(/no time left/);
    expect(waits).toEqual([MIN_WAIT_MS - 1 + 20_000]);
  });

  it('cuts a hanging receiver off at the deadline (a real timer, 300 ms)', async () => {
    const hanging = ((_url: string, init: RequestInit) =>
      new Promise((_, reject) => {
        init.signal?.addEventListener('abort', () => reject(init.signal?.reason));
      })) as unknown as typeof globalThis.fetch;
    const build = () => ({ url: SECRET_URL, headers: {}, body: '{}' });
    const ch = new HttpChannel('pd', build, { fetch: hanging, now: () => T0, timeoutMs: 60_000 });
    await expect(ch.publish([outage.page], { deadline: T0 + 300 })).rejects.toThrow(
      /no answer within 300 ms/,
    );
  });
});
