/**
 * The mass-silence guard against DynamoDB Local: when many Loggers go silent together ops hear it once
 * (their own topic, never the reps'), customer pages are held — not dropped — and at the hold's end only
 * those still silent page; concurrent sweepers raise and clear it exactly once.
 */
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { createHandler as createHeartbeat } from '../../../functions/heartbeat/handler.js';
import { registerLogger } from '../../../shared/listener/register.js';
import { releaseHold } from '../../../shared/listener/sweep/mass-silence.js';
import { sweep } from '../../../shared/listener/sweep/sweep.js';
import { httpEvent, lambdaContext, parsed } from '../../support/http.js';
import { createTestListener, OPS_TOPIC_ARN, type TestListener, TOPIC_ARN } from '../../support/listener.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const TIMEOUT = 780 * MINUTE;
let listener: TestListener;
let heartbeat: ReturnType<typeof createHeartbeat>;

beforeEach(async () => {
  listener = await createTestListener(inject('dynamoEndpoint'), undefined, {
    MASS_SILENCE_MIN_LOGGERS: '5',
    MASS_SILENCE_FRACTION: '0.2',
    MASS_SILENCE_WINDOW: '10m',
    MASS_SILENCE_HOLD: '15m',
  });
  heartbeat = createHeartbeat(() => listener.runtime);
});
afterEach(() => listener.dispose());

/** Registers `count` Loggers (side A of cust0…), all due at the same deadline; returns their tokens. */
async function fleet(
  count: number,
  transport: 'https' | 'modem' = 'modem',
  heartbeatIntervalMs?: number,
  eventTimeoutMs = TIMEOUT,
): Promise<string[]> {
  const tokens: string[] = [];
  for (let i = 0; i < count; i++) {
    const { token } = await registerLogger(
      listener.runtime.loggers,
      {
        customer: `cust${i}`,
        side: 'A',
        eventTimeoutMs,
        transport,
        ...(heartbeatIntervalMs ? { heartbeatIntervalMs } : {}),
      },
      listener.clock.now,
    );
    tokens.push(token);
  }
  return tokens;
}
const beat = async (token: string) =>
  parsed(await heartbeat(httpEvent({ path: '/v1/heartbeat', token }), lambdaContext));
const advance = (ms: number) => {
  listener.clock.now += ms;
};
/** Four sweepers at once, as overlapping scheduled runs would be. */
const sweepers = () =>
  Promise.all([1, 2, 3, 4].map(() => sweep(listener.runtime, listener.clock.now, () => listener.clock.now)));
const ops = () =>
  listener
    .published()
    .filter((p) => p.topic === OPS_TOPIC_ARN)
    .map((p) => p.kind);
const pages = () => listener.published().filter((p) => p.topic === TOPIC_ARN);

describe('a mass silence', () => {
  it('is raised once to ops, holds the pages, and at the hold’s end pages only those still silent', async () => {
    const tokens = await fleet(10);
    advance(TIMEOUT + MINUTE);
    await sweepers();
    expect(ops()).toEqual(['MASS_SILENCE']);
    expect(pages()).toEqual([]);
    const raised = listener.published().find((p) => p.kind === 'MASS_SILENCE');
    expect(raised?.sms).toContain('MASS SILENCE');
    expect(raised?.email).toContain('10 Loggers');
    expect(raised?.email).toContain('cust0');
    expect(raised?.email).toContain('dial-in bridge');
    const stored = await listener.runtime.loggers.list();
    expect(stored.every((l) => l.state === 'DOWN' && l.held?.notices.length === 1)).toBe(true);

    // Four come back during the hold: no page, no all-clear (no page went out for them).
    for (const token of tokens.slice(0, 4)) await beat(token);
    advance(5 * MINUTE);
    await sweepers();
    expect(pages()).toEqual([]);
    expect(ops()).toEqual(['MASS_SILENCE']);

    advance(10 * MINUTE); // the hold's end
    await sweepers();
    await sweepers();
    expect(ops()).toEqual(['MASS_SILENCE', 'MASS_SILENCE_CLEARED']);
    expect(pages().map((p) => p.kind)).toEqual(Array(6).fill('LOGGER_SILENT'));
    expect(new Set(pages().map((p) => p.attributes.customer))).toEqual(
      new Set(['cust4', 'cust5', 'cust6', 'cust7', 'cust8', 'cust9']),
    );
    // A released alarm clears as usual when its Logger comes back.
    await beat(tokens[9] ?? '');
    expect(pages().map((p) => p.kind)).toContain('LOGGER_RECOVERED');
  });

  it('clears when the count falls back under the threshold; the rest still page at the hold’s end', async () => {
    const tokens = await fleet(10);
    advance(TIMEOUT + MINUTE);
    await sweepers();
    for (const token of tokens.slice(0, 6)) await beat(token);
    advance(MINUTE);
    await sweepers();
    expect(ops()).toEqual(['MASS_SILENCE', 'MASS_SILENCE_CLEARED']);
    expect(pages()).toEqual([]);
    advance(14 * MINUTE);
    await sweepers();
    expect(
      pages()
        .map((p) => p.attributes.customer)
        .sort(),
    ).toEqual(['cust6', 'cust7', 'cust8', 'cust9']);
    expect(ops()).toEqual(['MASS_SILENCE', 'MASS_SILENCE_CLEARED']);
  });

  it('an operator release pages those still silent now', async () => {
    const tokens = await fleet(8);
    advance(TIMEOUT + MINUTE);
    await sweepers();
    await beat(tokens[0] ?? '');
    const outcome = await releaseHold(listener.runtime, { by: 'alice', drop: false }, listener.clock.now);
    expect(outcome?.loggers).toHaveLength(7);
    expect(pages().map((p) => p.kind)).toEqual(Array(7).fill('LOGGER_SILENT'));
    advance(MINUTE);
    await sweepers();
    expect(ops()).toEqual(['MASS_SILENCE', 'MASS_SILENCE_CLEARED']);
    expect(pages()).toHaveLength(7); // nothing paged twice
  });

  it('an operator drop discards the held pages, recorded with who did it; their return pages nothing', async () => {
    const tokens = await fleet(8);
    advance(TIMEOUT + MINUTE);
    await sweepers();
    const outcome = await releaseHold(
      listener.runtime,
      { by: 'alice', drop: true, reason: 'bridge outage INC-1' },
      listener.clock.now,
    );
    expect(outcome?.silence.release).toMatchObject({
      by: 'alice',
      drop: true,
      reason: 'bridge outage INC-1',
    });
    expect((await listener.runtime.records.getMassSilence()).release?.by).toBe('alice');
    advance(20 * MINUTE);
    await sweepers();
    for (const token of tokens) await beat(token);
    await sweepers();
    expect(pages()).toEqual([]);
    expect(ops()).toEqual(['MASS_SILENCE', 'MASS_SILENCE_CLEARED']);
  });

  it('is raised from the LATE witnesses of a staggered fleet, long before the first page falls due', async () => {
    // 60 Loggers phoning home every hour (timeout 2 h), each at its own minute: an outage's deadlines trickle in.
    const tokens = await fleet(60, 'modem', HOUR, 2 * HOUR);
    for (const token of tokens) {
      advance(MINUTE);
      expect((await beat(token)).statusCode).toBe(200);
    }
    const outageAt = listener.clock.now;
    const firstDeadline = outageAt - 59 * MINUTE + 2 * HOUR;
    // Swept every 2 minutes until past the first page's deadline: no page, the silence raised once.
    while (listener.clock.now < firstDeadline + 4 * MINUTE) {
      advance(2 * MINUTE);
      await sweep(listener.runtime, listener.clock.now, () => listener.clock.now);
    }
    expect(ops()).toEqual(['MASS_SILENCE']);
    expect(pages()).toEqual([]);
    const silence = await listener.runtime.records.getMassSilence();
    expect(silence.since).toBeLessThan(outageAt + 15 * MINUTE);
    expect(silence.holdUntil).toBe(firstDeadline + 15 * MINUTE);
    expect(listener.published().find((p) => p.kind === 'MASS_SILENCE')?.email).toContain('dial-in bridge');
  }, 120_000);

  it('never holds a page outside a mass silence: too few, or too small a share of the phone-homes expected', async () => {
    // Every 8 minutes: each of the 30 is expected to phone home within the window's 8 minutes past the grace.
    const tokens = await fleet(30, 'https', 8 * MINUTE);
    advance(TIMEOUT - MINUTE);
    for (const token of tokens.slice(4)) await beat(token); // 4 go silent: under minLoggers
    advance(2 * MINUTE);
    await sweepers();
    expect(pages().map((p) => p.kind)).toEqual(Array(4).fill('LOGGER_SILENT'));
    advance(TIMEOUT - 2 * MINUTE);
    for (const token of tokens.slice(9)) await beat(token); // 5 more, 9 in the window: 30 % of 30
    advance(2 * MINUTE);
    await sweepers();
    // 5 ≥ minLoggers but only 5 + 4 (recent, outside the 10-minute window now) = 5 of the 30 expected < 20 %.
    expect(ops()).toEqual([]);
    expect(pages()).toHaveLength(9);
  });
});
