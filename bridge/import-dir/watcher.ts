/** The import directory's loop: polls it every `pollEvery` (a poll never throws; the next one follows it). */
import type { Log } from '../log.js';
import type { Spool } from '../spool/spool.js';
import { Loop } from '../timers.js';
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
  /** A poll, then the next one `pollEvery` after it ends (whether it went well or not). */
  private readonly loop = new Loop(() =>
    this.directory.poll().finally(() => this.loop.runIn(this.o.pollEveryMs)),
  );

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
    void this.loop.runNow();
  }

  /** No poll after this; waits for the one under way. */
  stop(): Promise<void> {
    return this.loop.stop();
  }
}
