/**
 * The drain loop: drains the spool every `relay.every`, soon after new records arrive (the debounce gathers
 * one call's records into one batch), or when the relay's backoff is over. Never two drains at once.
 */
import type { Log } from '../log.js';
import { Loop } from '../timers.js';
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
  private readonly loop = new Loop(() => this.drainOnce());

  constructor(private readonly o: DrainLoopOptions) {
    this.drainer = new Drainer(o);
  }

  get info(): RelayStatusInfo {
    return this.drainer.info;
  }

  start(): void {
    this.loop.runIn(this.o.spool.depth > 0 ? 0 : this.o.everyMs);
  }

  /** New records: drain soon, unless the relay asked us to back off. */
  kick(): void {
    const next = this.drainer.info.nextAttemptAt;
    if (next !== undefined && next > this.o.now()) return;
    this.loop.runIn(this.o.debounceMs);
  }

  /** Runs a drain now, or joins the one under way. */
  drainNow(): Promise<void> {
    return this.loop.runNow();
  }

  /** No drain after this; waits for the one under way. */
  stop(): Promise<void> {
    return this.loop.stop();
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
      this.loop.runIn(result.retryInMs ?? this.o.everyMs);
    } catch (error) {
      log('error', 'relay', `drain failed: ${(error as Error).message}`);
      this.loop.runIn(this.o.everyMs);
    }
  }
}
