/**
 * The timers of one part of the bridge. Each part owns its loop; stopping it clears every timer the part set,
 * and a stopped part never schedules again, so no callback of a stopped bridge runs.
 */
export class Timers {
  private readonly pending = new Set<NodeJS.Timeout>();
  private stopped = false;

  /** Runs `fn` after `ms` unless stopped first; nothing (undefined) once stopped. */
  later(ms: number, fn: () => void): NodeJS.Timeout | undefined {
    if (this.stopped) return undefined;
    const timer = setTimeout(() => {
      this.pending.delete(timer);
      fn();
    }, ms);
    this.pending.add(timer);
    return timer;
  }

  cancel(timer: NodeJS.Timeout | undefined): void {
    if (!timer) return;
    clearTimeout(timer);
    this.pending.delete(timer);
  }

  stop(): void {
    this.stopped = true;
    for (const timer of this.pending) clearTimeout(timer);
    this.pending.clear();
  }
}

/**
 * A pass run by a timer, for a part whose work is one repeated pass (a poll, a drain): never two passes at
 * once, one scheduled run at a time, and `stop` cancels the next run and waits for the pass under way.
 */
export class Loop {
  private readonly timers = new Timers();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(private readonly pass: () => Promise<void>) {}

  /** Runs a pass after `ms`, replacing the run already scheduled. */
  runIn(ms: number): void {
    this.timers.cancel(this.timer);
    this.timer = this.timers.later(ms, () => {
      this.timer = undefined;
      void this.runNow();
    });
  }

  /** Runs a pass now, or joins the one under way. */
  runNow(): Promise<void> {
    this.running ??= this.pass().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  async stop(): Promise<void> {
    this.timers.stop();
    await this.running;
  }
}
