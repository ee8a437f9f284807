/**
 * A bridge part's timers: once the part stops, nothing it scheduled runs and nothing new is scheduled. A
 * loop (the import poll, the spool drain) never runs two passes at once and stops after the one under way.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Loop, Timers } from '../../../bridge/timers.js';

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

describe('Loop', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  /** A pass that stays under way until `finish()`; counts how many started. */
  function heldPass() {
    const state = { started: 0, finish: () => {} };
    const pass = () => {
      state.started++;
      return new Promise<void>((done) => {
        state.finish = done;
      });
    };
    return { state, pass };
  }

  it('joins the pass under way instead of starting a second one', async () => {
    const { state, pass } = heldPass();
    const loop = new Loop(pass);
    const first = loop.runNow();
    loop.runIn(0);
    await vi.advanceTimersByTimeAsync(10);
    expect(loop.runNow()).toBe(first);
    expect(state.started).toBe(1);
    state.finish();
    await first;
    loop.runNow();
    expect(state.started).toBe(2);
  });

  it('keeps only the latest scheduled run', async () => {
    const pass = vi.fn(async () => {});
    const loop = new Loop(pass);
    loop.runIn(1_000);
    loop.runIn(50);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(pass).toHaveBeenCalledOnce();
  });

  it('stops: waits for the pass under way, and runs nothing after, not even what that pass schedules', async () => {
    const { state, pass } = heldPass();
    const loop = new Loop(async () => {
      await pass();
      loop.runIn(10);
    });
    void loop.runNow();
    let stopped = false;
    const stopping = loop.stop().then(() => {
      stopped = true;
    });
    await vi.advanceTimersByTimeAsync(10);
    expect(stopped).toBe(false);
    state.finish();
    await stopping;
    await vi.advanceTimersByTimeAsync(1_000);
    expect(state.started).toBe(1);
    expect(vi.getTimerCount()).toBe(0);
  });
});
