/**
 * The drain loop: drains the spool every `relay.every`, soon after new records arrive (the debounce gathers
 * one call's records into one batch), or when the relay's backoff is over. Never two drains at once.
 */
import type { Log } from '../log.js';
import { Timers } from '../timers.js';
import { Drainer, type DrainOptions, type RelayStatusInfo } from './drain.js';

export interface DrainLoopOptions extends DrainOptions {
  readonly everyMs: number;
  /** Delay between a new record and the drain it triggers. */
  readonly debounceMs: number;
  readonly log: Log;
  readonly now: () => number;
  /** Records left the spool (for a status update). */
  readonly onRelayed: () => void;
}

export class DrainLoop {
  private readonly drainer: Drainer;
  private readonly timers = new Timers();
  private timer: NodeJS.Timeout | undefined;
  private draining: Promise<void> | undefined;

  constructor(private readonly o: DrainLoopOptions) {
    this.drainer = new Drainer(o);
  }

  get info(): RelayStatusInfo {
    return this.drainer.info;
  }

  start(): void {
    this.schedule(this.o.spool.depth > 0 ? 0 : this.o.everyMs);
  }

  /** New records: drain soon, unless the relay asked us to back off. */
  kick(): void {
    const next = this.drainer.info.nextAttemptAt;
    if (next !== undefined && next > this.o.now()) return;
    this.schedule(this.o.debounceMs);
  }

  /** Runs a drain now, or joins the one under way. */
  drainNow(): Promise<void> {
    this.draining ??= this.drainOnce().finally(() => {
      this.draining = undefined;
    });
    return this.draining;
  }

  async stop(): Promise<void> {
    this.timers.stop();
    await this.draining;
  }

  private async drainOnce(): Promise<void> {
    const { log, spool } = this.o;
    try {
      const result = await this.drainer.drainOnce();
      if (result.delivered + result.duplicates + result.deadLettered > 0) {
        log(
          'info',
          'relay',
          `relayed ${result.delivered} records (${result.duplicates} duplicates, ${result.deadLettered} dead-lettered); ${spool.depth} pending`,
        );
        this.o.onRelayed();
      }
      this.schedule(result.retryInMs ?? this.o.everyMs);
    } catch (error) {
      log('error', 'relay', `drain failed: ${(error as Error).message}`);
      this.schedule(this.o.everyMs);
    }
  }

  private schedule(ms: number): void {
    this.timers.cancel(this.timer);
    this.timer = this.timers.later(ms, () => {
      this.timer = undefined;
      void this.drainNow();
    });
  }
}
