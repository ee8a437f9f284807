import { describe, expect, it } from 'vitest';
import { when } from '../../../cli/format.js';

const now = Date.UTC(2026, 10, 24, 17, 3, 12);

describe('when', () => {
  it('says "just now" within a second, never "(0ms ago)"', () => {
    expect(when(now, now)).toBe('2026-11-24 17:03:12Z (just now)');
    expect(when(now - 400, now)).toContain('(just now)');
    expect(when(now - 5 * 60_000, now)).toBe('2026-11-24 16:58:12Z (5m ago)');
    expect(when(now + 60_000, now)).toBe('2026-11-24 17:04:12Z (in 1m)');
  });
});
