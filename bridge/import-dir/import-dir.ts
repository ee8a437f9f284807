/**
 * The import directory: where RAS/SMB still delivers the DTP's files to a Listener `ImportDirectory`.
 *
 * A file is taken only once it is complete: its size and modification time were the same at two
 * consecutive polls (the DTP writes in place over SMB and cannot rename). Names starting with `.` or ending
 * in `.tmp`/`.part` are never taken, so a sender that can rename may also write `x.part` and rename to `x`.
 *
 * A taken file is all-or-nothing: every non-blank line (`#` starts a comment) must be a valid `PH1` record,
 * or the whole file goes to `rejected/` with `<name>.reason` listing the bad lines. A good file's records go
 * to the spool; the file moves to `done/` once none of them is pending any more (relayed, or dead-lettered).
 */
import { mkdir, readdir, readFile, rename, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Log } from '../log.js';
import { type PhoneHomeRecord, parseRecord, toRelayRecord } from '../record.js';
import { atomicWrite, type Spool } from '../spool/spool.js';

export interface ImportStats {
  taken: number;
  done: number;
  rejected: number;
  lastError?: string;
}

export interface ImportDirectoryOptions {
  readonly dir: string;
  readonly spool: Spool;
  readonly log: Log;
  readonly onRecord?: () => void;
  readonly now?: () => number;
  /** Largest file taken; bigger ones are rejected. */
  readonly maxFileBytes?: number;
}

const IGNORED = /^\.|\.(tmp|part|reason)$/i;

export class ImportDirectory {
  readonly stats: ImportStats = { taken: 0, done: 0, rejected: 0 };
  private readonly seen = new Map<string, string>();
  /** Files whose records are spooled, waiting for the relay. */
  private readonly waiting = new Map<string, readonly PhoneHomeRecord[]>();
  private readonly doneDir: string;
  private readonly rejectedDir: string;
  private polling: Promise<void> | undefined;

  constructor(private readonly o: ImportDirectoryOptions) {
    this.doneDir = join(o.dir, 'done');
    this.rejectedDir = join(o.dir, 'rejected');
  }

  async init(): Promise<void> {
    await mkdir(this.doneDir, { recursive: true });
    await mkdir(this.rejectedDir, { recursive: true });
  }

  /** One poll: take complete files, and move finished ones to `done/`. Never throws; joins a poll under way. */
  poll(): Promise<void> {
    this.polling ??= this.pollOnce().finally(() => {
      this.polling = undefined;
    });
    return this.polling;
  }

  private async pollOnce(): Promise<void> {
    try {
      await this.finishRelayed();
      const names = (await readdir(this.o.dir, { withFileTypes: true }))
        .filter((d) => d.isFile() && !IGNORED.test(d.name))
        .map((d) => d.name)
        .sort();
      const present = new Set(names);
      for (const name of this.seen.keys()) if (!present.has(name)) this.seen.delete(name);
      for (const name of names) {
        if (this.waiting.has(name)) continue;
        const info = await stat(join(this.o.dir, name)).catch(() => undefined);
        if (!info) continue;
        const signature = `${info.size}:${info.mtimeMs}`;
        const previous = this.seen.get(name);
        this.seen.set(name, signature);
        if (previous !== signature) continue; // new or still growing: look again next poll
        this.seen.delete(name);
        await this.take(name, info.size);
      }
      await this.finishRelayed();
      delete this.stats.lastError;
    } catch (error) {
      this.stats.lastError = (error as Error).message;
      this.o.log('error', 'import', `poll failed: ${(error as Error).message}`);
    }
  }

  private async take(name: string, size: number): Promise<void> {
    this.stats.taken += 1;
    const max = this.o.maxFileBytes ?? 10 * 1024 * 1024;
    if (size > max) return this.reject(name, `file is ${size} bytes, more than the ${max} bytes taken`);
    const text = await readFile(join(this.o.dir, name), 'utf8');
    const records: PhoneHomeRecord[] = [];
    const problems: string[] = [];
    for (const [i, line] of text.split(/\r\n|\r|\n/).entries()) {
      const trimmed = line.trim();
      if (trimmed === '' || trimmed.startsWith('#')) continue;
      const parsed = parseRecord(trimmed);
      if (parsed.ok) records.push(parsed.record);
      else problems.push(`line ${i + 1}: ${parsed.code}: ${parsed.detail}`);
    }
    if (problems.length > 0) return this.reject(name, problems.join('\n'));
    if (records.length === 0) return this.reject(name, 'no records in file');
    for (const record of records) await this.o.spool.put(toRelayRecord(record), `import:${name}`);
    this.o.log('info', 'import', `${name}: ${records.length} records spooled`);
    this.waiting.set(name, records);
    this.o.onRecord?.();
  }

  private async finishRelayed(): Promise<void> {
    for (const [name, records] of this.waiting) {
      if (records.some((r) => this.o.spool.has(r))) continue;
      await this.move(name, this.doneDir);
      this.waiting.delete(name);
      this.stats.done += 1;
      this.o.log('info', 'import', `${name}: relayed, moved to done/`);
    }
  }

  private async reject(name: string, reason: string): Promise<void> {
    const target = await this.move(name, this.rejectedDir);
    await atomicWrite(this.rejectedDir, `${target}.reason`, `${reason}\n`);
    this.stats.rejected += 1;
    this.o.log('warn', 'import', `${name}: rejected (${reason.split('\n')[0]})`);
  }

  /** Moves a file into `dir`, never overwriting: a taken name gets a `.<ms>` suffix. Returns the new name. */
  private async move(name: string, dir: string): Promise<string> {
    let target = name;
    if (await stat(join(dir, target)).catch(() => undefined))
      target = `${name}.${(this.o.now ?? Date.now)()}`;
    await rename(join(this.o.dir, name), join(dir, target));
    return target;
  }
}
