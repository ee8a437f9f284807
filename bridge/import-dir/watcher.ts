/** The import directory's loop: polls it every `pollEvery` (a poll never throws; the next one follows it). */
import type { Log } from '../log.js';
import type { Spool } from '../spool/spool.js';
import { Timers } from '../timers.js';
import { ImportDirectory, type ImportStats } from './import-dir.js';

export interface ImportWatcherOptions {
  readonly path: string;
  readonly pollEveryMs: number;
  readonly spool: Spool;
  readonly log: Log;
  readonly onRecord: () => void;
  readonly now: () => number;
}

export class ImportWatcher {
  readonly directory: ImportDirectory;
  readonly path: string;
  private readonly timers = new Timers();

  constructor(private readonly o: ImportWatcherOptions) {
    const { path, spool, log, onRecord, now } = o;
    this.path = path;
    this.directory = new ImportDirectory({ dir: path, spool, log, onRecord, now });
  }

  get stats(): ImportStats {
    return this.directory.stats;
  }

  /** Creates `done/` and `rejected/`, then polls at once and every `pollEvery` after. */
  async start(): Promise<void> {
    await this.directory.init();
    this.poll();
  }

  async stop(): Promise<void> {
    this.timers.stop();
  }

  private poll(): void {
    void this.directory.poll().finally(() => this.timers.later(this.o.pollEveryMs, () => this.poll()));
  }
}
