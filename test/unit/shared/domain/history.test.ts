/** A Logger's history (shared/domain/pings/history.ts): the ring's slots, what a ping keeps, an ended outage. */
import { describe, expect, it } from 'vitest';
import { transitionUpdate } from '../../../../shared/adapters/dynamo/logger/dynamo-items.js';
import {
  endedOutage,
  newestFirst,
  PING_HISTORY_SLOTS,
  pingEntry,
  pingSlot,
  USER_AGENT_LIMIT,
} from '../../../../shared/domain/pings/history.js';
import { PING_BODY_LIMIT } from '../../../../shared/domain/pings/ping.js';
import { MINUTE, T0, upLogger } from '../../fixtures.js';

describe('the ping ring', () => {
  it('gives ping n the slot n - 1 mod 100, so the 101st overwrites the 1st and no more are ever kept', () => {
    expect([1, 2, 100, 101, 250].map(pingSlot)).toEqual([0, 1, 99, 0, 49]);
    const slots = new Set(Array.from({ length: 1000 }, (_, i) => pingSlot(i + 1)));
    expect(slots.size).toBe(PING_HISTORY_SLOTS);
  });

  it('reads newest first by number, not by slot', () => {
    const at = (seq: number) => pingEntry(seq, T0 + seq, { kind: 'log' }, {});
    expect(newestFirst([at(100), at(101), at(2)]).map((p) => p.seq)).toEqual([101, 100, 2]);
  });
});

describe('a ping entry', () => {
  it('keeps the signal with its exit status: 0 for a success, the failure’s own, none for start and log', () => {
    expect(pingEntry(1, T0, { kind: 'success' }, {})).toEqual({
      seq: 1,
      at: T0,
      kind: 'success',
      exitStatus: 0,
    });
    expect(pingEntry(2, T0, { kind: 'fail', exitStatus: 3 }, {}).exitStatus).toBe(3);
    expect(pingEntry(3, T0, { kind: 'fail' }, {})).not.toHaveProperty('exitStatus');
    expect(pingEntry(4, T0, { kind: 'start' }, {})).not.toHaveProperty('exitStatus');
  });

  it('truncates what the request said (untrusted), and keeps a body’s first bytes, invalid UTF-8 replaced', () => {
    const body = Buffer.concat([Buffer.from([0xc3, 0x28]), Buffer.alloc(PING_BODY_LIMIT * 2, 'y')]);
    const entry = pingEntry(
      7,
      T0,
      { kind: 'log' },
      { method: 'POST', sourceIp: '2001:db8::1', userAgent: 'u'.repeat(1000), body },
    );
    expect(entry.userAgent).toHaveLength(USER_AGENT_LIMIT);
    expect(entry.source).toBe('2001:db8::1');
    expect(entry.bodyBytes).toBe(body.length);
    expect(entry.body?.startsWith('\ufffd(yyy')).toBe(true);
    expect(entry.body).toHaveLength(PING_BODY_LIMIT); // 2 bytes became 2 characters, then 9,998 y
  });

  it('leaves out an empty body and an absent user agent', () => {
    const entry = pingEntry(1, T0, { kind: 'log' }, { method: 'GET', userAgent: '', body: new Uint8Array() });
    expect(entry).not.toHaveProperty('body');
    expect(entry).not.toHaveProperty('userAgent');
  });
});

describe('an ended outage', () => {
  it('runs from the DOWN write to the phone-home, saying why and who had acknowledged it', () => {
    const down = upLogger(T0, {
      state: 'DOWN',
      downSince: T0 + MINUTE,
      failure: { at: T0 + MINUTE, exitStatus: 2 },
      ack: { by: 'alice', at: T0 + 2 * MINUTE },
    });
    expect(endedOutage(down, T0 + 11 * MINUTE)).toEqual({
      start: T0 + MINUTE,
      end: T0 + 11 * MINUTE,
      lengthMs: 10 * MINUTE,
      cause: { kind: 'failure', exitStatus: 2 },
      acknowledgedBy: 'alice',
    });
    expect(endedOutage({ ...down, failure: undefined, ack: undefined }, T0 + 2 * MINUTE)).toEqual({
      start: T0 + MINUTE,
      end: T0 + 2 * MINUTE,
      lengthMs: MINUTE,
      cause: { kind: 'silence' },
    });
  });

  it('is none for a Logger that was not DOWN', () => {
    expect(endedOutage(upLogger(T0), T0 + MINUTE)).toBeUndefined();
  });
});

describe("a transition that counts a ping (dynamo-items' transitionUpdate)", () => {
  it('writes the new count on the count it read, so a concurrent /log cannot share its slot', () => {
    const before = upLogger(T0, { pingSeq: 41 });
    const update = transitionUpdate(before, { ...before, revision: before.revision + 1, pingSeq: 42 });
    expect(update.ConditionExpression).toContain('#pingSeq = :expectedPingSeq');
    expect(update.ExpressionAttributeValues).toMatchObject({ ':pingSeq': 42, ':expectedPingSeq': 41 });
    const first = transitionUpdate(upLogger(T0), { ...upLogger(T0), pingSeq: 1 });
    expect(first.ConditionExpression).toContain('attribute_not_exists(#pingSeq)');
  });

  it('leaves the count alone when it counts no ping (a sweep, an operator)', () => {
    const before = upLogger(T0, { pingSeq: 41 });
    const update = transitionUpdate(before, { ...before, state: 'DOWN', revision: before.revision + 1 });
    expect(update.ExpressionAttributeNames).not.toHaveProperty('#pingSeq');
    expect(JSON.stringify(update)).not.toContain('pingSeq');
  });
});
