/**
 * A publication is bounded in time by its claims: it never waits on a receiver when another writer may hold
 * the notice (shared/domain/notices/notice-claims.ts), nor past a request path's budget. The receiver is an
 * HttpChannel over a faked fetch that takes its time on the injected clock; the store is in memory.
 */
import { describe, expect, it } from 'vitest';
import { HttpChannel } from '../../../../shared/adapters/channels/http-channel.js';
import type { Logger } from '../../../../shared/domain/logger.js';
import { sweepLogger } from '../../../../shared/domain/transitions.js';
import { noCounters, quietLog } from '../../../../shared/listener/deps.js';
import { publishOutbox, RECORDING_MARGIN_MS } from '../../../../shared/listener/notices/outbox.js';
import { MINUTE, T0, upLogger } from '../../fixtures.js';
import { memoryStore } from '../console/fakes.js';

const CLAIM_MS = 30_000;
/** The channel's own timeout: longer than the claim, as `timeoutSeconds: 30` allows next to a 30 s claim. */
const TIMEOUT_MS = 30_000;

/**
 * A Logger gone silent, its page claimed by a sweep's look `claimId` until now + CLAIM_MS, and a channel whose
 * receiver answers each request after `answerMs` on the clock, unless the sender's wait ends first.
 */
function silentLogger(answerMs: number) {
  const now = upLogger(T0).deadline + MINUTE;
  const clock = { now };
  const claimId = 'sweep-look';
  const transition = sweepLogger(upLogger(T0), now, { claimBy: claimId, outboxRetryMs: CLAIM_MS });
  if (!transition) throw new Error('fixture: the Logger is not due');
  const logger: Logger = transition.next;
  const requests: { at: number; waitMs: number; answered: boolean }[] = [];
  let waitMs = 0;
  const fetch = (async () => {
    const answered = answerMs <= waitMs;
    requests.push({ at: clock.now, waitMs, answered });
    clock.now += Math.min(answerMs, waitMs);
    if (!answered) throw Object.assign(new Error('aborted'), { name: 'TimeoutError' });
    return new Response('ok', { status: 202 });
  }) as unknown as typeof globalThis.fetch;
  const build = () => ({ url: 'http://receiver.test/', headers: {}, body: '{}' });
  const channel = new HttpChannel('pd', build, {
    fetch,
    now: () => clock.now,
    timeoutMs: TIMEOUT_MS,
    abortAfter: (ms) => {
      waitMs = ms;
      return new AbortController().signal;
    },
  });
  const deps = {
    loggers: memoryStore([logger]),
    channels: [channel],
    listenerName: 'GEOCSCLNRA',
    outboxRetryMs: CLAIM_MS,
    counters: noCounters,
    log: quietLog,
  };
  const claimEnds = now + CLAIM_MS;
  return { deps, logger, claimId, now, clock, requests, claimEnds };
}

describe('a publication and the end of its claim', () => {
  it('waits on no receiver past its claim’s end, less the time to record what it sent', async () => {
    // The receiver hangs longer than the channel's timeout: a publication that waited for it would still be
    // sending when the claim ends and the next sweep claims the page and sends it too.
    const { deps, logger, claimId, now, requests, claimEnds } = silentLogger(60_000);
    expect(await publishOutbox(deps, logger, claimId, now)).toBe(false);
    expect(requests).toHaveLength(1);
    for (const r of requests) expect(r.at + r.waitMs).toBeLessThanOrEqual(claimEnds - RECORDING_MARGIN_MS);
    const stored = await deps.loggers.get(logger);
    expect(stored?.outbox[0]?.sent ?? []).toEqual([]);
  });

  it('gives a request the claim’s time left when shorter than the channel’s timeout, and delivers what answers in it', async () => {
    const { deps, logger, claimId, now, requests } = silentLogger(1_000);
    expect(await publishOutbox(deps, logger, claimId, now)).toBe(true);
    expect(requests).toEqual([{ at: now, waitMs: TIMEOUT_MS - RECORDING_MARGIN_MS, answered: true }]);
  });

  it('waits no longer than a request path’s budget', async () => {
    const { deps, logger, claimId, now, requests } = silentLogger(60_000);
    await publishOutbox(deps, logger, claimId, now, { endBy: now + 1_000 });
    expect(requests.map((r) => r.waitMs)).toEqual([1_000]);
    const stored = await deps.loggers.get(logger);
    // Still claimed by this publication until the claim ends: the sweep after that sends it.
    expect(stored?.outbox[0]?.claim).toEqual({ by: claimId, until: now + CLAIM_MS });
  });
});
