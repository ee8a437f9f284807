/** A bridge part's timers: once the part stops, nothing it scheduled runs and nothing new is scheduled. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Timers } from '../../../bridge/timers.js';

describe('Timers', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('runs what was scheduled, once', () => {
    const timers = new Timers();
    const fn = vi.fn();
    timers.later(1_000, fn);
    vi.advanceTimersByTime(999);
    expect(fn).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1_000);
    expect(fn).toHaveBeenCalledOnce();
  });

  it('cancels one timer and leaves the others', () => {
    const timers = new Timers();
    const cancelled = vi.fn();
    const kept = vi.fn();
    timers.cancel(timers.later(10, cancelled));
    timers.later(10, kept);
    vi.advanceTimersByTime(10);
    expect(cancelled).not.toHaveBeenCalled();
    expect(kept).toHaveBeenCalledOnce();
  });

  it('once stopped, runs nothing scheduled before and schedules nothing after', () => {
    const timers = new Timers();
    const before = vi.fn();
    timers.later(10, before);
    timers.stop();
    expect(timers.later(10, vi.fn())).toBeUndefined();
    vi.advanceTimersByTime(1_000);
    expect(before).not.toHaveBeenCalled();
    expect(vi.getTimerCount()).toBe(0);
  });
});
