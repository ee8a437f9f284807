import { describe, expect, it } from 'vitest';
import { LineSplitter } from '../../../bridge/modem/lines.js';
import { backoffDelay, parseRetryAfter } from '../../../bridge/relay/backoff.js';

describe('line splitter', () => {
  it('splits on CR, LF and CRLF across chunk boundaries', () => {
    const s = new LineSplitter(100);
    expect(s.push(Buffer.from('\r\nOK\r'))).toEqual([{ type: 'line', text: 'OK' }]);
    expect(s.push(Buffer.from('\nRI'))).toEqual([]);
    expect(s.push(Buffer.from('NG\nCONNECT 33600\r\n'))).toEqual([
      { type: 'line', text: 'RING' },
      { type: 'line', text: 'CONNECT 33600' },
    ]);
  });

  it('discards an over-long line once, then resumes at the next line break', () => {
    const s = new LineSplitter(10);
    expect(s.push(Buffer.alloc(25, 0x41))).toEqual([{ type: 'overflow' }]);
    expect(s.push(Buffer.from('more noise\nOK\n'))).toEqual([{ type: 'line', text: 'OK' }]);
  });

  it('drops a partial line on reset', () => {
    const s = new LineSplitter(100);
    s.push(Buffer.from('PH1|half'));
    expect(s.reset()).toBe(8);
    expect(s.push(Buffer.from('\n'))).toEqual([]);
  });

  it('turns invalid UTF-8 into replacement characters instead of throwing', () => {
    const s = new LineSplitter(100);
    expect(s.push(Buffer.from([0xff, 0xfe, 0x41, 0x0a]))).toEqual([{ type: 'line', text: '\ufffd\ufffdA' }]);
  });
});

describe('backoff', () => {
  const policy = { baseMs: 1_000, maxMs: 60_000 };

  it('doubles per attempt between half and all of the cap, and stops at the maximum', () => {
    expect(backoffDelay(1, policy, () => 0)).toBe(500);
    expect(backoffDelay(1, policy, () => 1)).toBe(1_000);
    expect(backoffDelay(4, policy, () => 0.5)).toBe(6_000);
    expect(backoffDelay(30, policy, () => 1)).toBe(60_000);
    expect(backoffDelay(30, policy, () => 0)).toBe(30_000);
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    expect(parseRetryAfter('7', 0)).toBe(7_000);
    expect(parseRetryAfter('Wed, 04 Nov 2026 10:00:10 GMT', Date.parse('2026-11-04T10:00:00Z'))).toBe(10_000);
    expect(parseRetryAfter('soon', 0)).toBeUndefined();
    expect(parseRetryAfter(null, 0)).toBeUndefined();
  });
});
