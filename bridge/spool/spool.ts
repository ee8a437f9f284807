/**
 * The disk spool: every accepted record is written here (temp file + fsync + rename + fsync of the
 * directory) before it is ACKed, and removed only once the relay confirmed it. Survives `kill -9`.
 *
 *   <stateDir>/spool/<ms>-<seq>-<idhash>.json        pending records, oldest first by name
 *   <stateDir>/spool/*.tmp                           half-written files, deleted at start
 *   <stateDir>/dead-letter/<name>.json + <name>.reason  records the relay refused as invalid
 */
import { createHash } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { RelayRecord } from '../../shared/relay/protocol.js';
import { relayRecordSchema } from '../../shared/relay/protocol.js';

export interface SpoolEntry {
  /** File name in the spool directory. */
  readonly name: string;
  readonly record: RelayRecord;
  /** Bridge clock, epoch ms. */
  readonly receivedAt: number;
  /** Where it came from: `serial:<port>` or `import:<file>`. */
  readonly origin: string;
}

/** Key under which a record is deduplicated: the relay dedups on the same triple. */
export const recordKey = (r: Pick<RelayRecord, 'customer' | 'side' | 'id'>): string =>
  `${r.customer}/${r.side}/${r.id}`;

/** Fsyncs a directory so a rename in it is durable. Windows cannot open directories: skipped there. */
async function syncDir(dir: string): Promise<void> {
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EPERM' && code !== 'EINVAL' && code !== 'EBADF') throw error;
  } finally {
    await handle?.close();
  }
}

/** Writes `data` to `dir/name` atomically and durably. */
export async function atomicWrite(dir: string, name: string, data: string): Promise<void> {
  const tmp = join(dir, `.${name}.${process.pid}.tmp`);
  const handle = await open(tmp, 'w', 0o600);
  try {
    await handle.writeFile(data, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(tmp, join(dir, name));
  await syncDir(dir);
}

export class Spool {
  private readonly entries = new Map<string, SpoolEntry>();
  private readonly byKey = new Map<string, string>();
  private readonly inFlight = new Map<string, Promise<'stored' | 'duplicate'>>();
  private seq = 0;

  private constructor(
    readonly spoolDir: string,
    readonly deadLetterDir: string,
    private readonly now: () => number,
  ) {}

  /** Opens (creating) the spool under `stateDir`, deleting half-written temp files and indexing what is there. */
  static async open(stateDir: string, now: () => number = Date.now): Promise<Spool> {
    const spool = new Spool(join(stateDir, 'spool'), join(stateDir, 'dead-letter'), now);
    await mkdir(spool.spoolDir, { recursive: true });
    await mkdir(spool.deadLetterDir, { recursive: true });
    for (const name of (await readdir(spool.spoolDir)).sort()) {
      const path = join(spool.spoolDir, name);
      if (name.endsWith('.tmp')) {
        await unlink(path).catch(() => undefined);
        continue;
      }
      if (!name.endsWith('.json')) continue;
      try {
        const data = JSON.parse(await readFile(path, 'utf8')) as Omit<SpoolEntry, 'name'>;
        const record = relayRecordSchema.parse(data.record);
        spool.index({
          name,
          record,
          receivedAt: Number(data.receivedAt) || 0,
          origin: String(data.origin ?? ''),
        });
      } catch (error) {
        // A file we cannot read back must not block the others: park it with the reason.
        await spool.park(name, `unreadable spool file: ${(error as Error).message}`);
      }
    }
    return spool;
  }

  get depth(): number {
    return this.entries.size;
  }

  /** Receive time of the oldest pending record. */
  get oldestAt(): number | undefined {
    let oldest: number | undefined;
    for (const entry of this.entries.values()) {
      if (oldest === undefined || entry.receivedAt < oldest) oldest = entry.receivedAt;
    }
    return oldest;
  }

  has(record: Pick<RelayRecord, 'customer' | 'side' | 'id'>): boolean {
    return this.byKey.has(recordKey(record));
  }

  /** Pending entries, oldest first. */
  list(limit = Number.POSITIVE_INFINITY): SpoolEntry[] {
    const names = [...this.entries.keys()].sort();
    return names.slice(0, limit).map((name) => this.entries.get(name) as SpoolEntry);
  }

  /**
   * Stores a record durably; resolves once it is on disk. A record whose key is already pending is not
   * written twice (`duplicate`): the Logger resends what it did not see ACKed.
   */
  put(record: RelayRecord, origin: string): Promise<'stored' | 'duplicate'> {
    const key = recordKey(record);
    const pending = this.inFlight.get(key);
    if (pending) return pending.then(() => 'duplicate');
    if (this.byKey.has(key)) return Promise.resolve('duplicate');
    const receivedAt = this.now();
    const hash = createHash('sha256').update(key).digest('hex').slice(0, 16);
    this.seq = (this.seq + 1) % 1_000_000;
    const name = `${String(receivedAt).padStart(15, '0')}-${String(this.seq).padStart(6, '0')}-${hash}.json`;
    const entry: SpoolEntry = { name, record, receivedAt, origin };
    const write = atomicWrite(this.spoolDir, name, `${JSON.stringify({ record, receivedAt, origin })}\n`)
      .then(() => {
        this.index(entry);
        return 'stored' as const;
      })
      .finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, write);
    return write;
  }

  /** Forgets a record the relay confirmed. */
  async remove(name: string): Promise<void> {
    const entry = this.entries.get(name);
    await unlink(join(this.spoolDir, name)).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
    await syncDir(this.spoolDir);
    if (entry) this.unindex(entry);
  }

  /** Moves a record the relay refused to `dead-letter/`, with a `<name>.reason` file. */
  async deadLetter(name: string, reason: string): Promise<void> {
    const entry = this.entries.get(name);
    await this.park(name, reason);
    if (entry) this.unindex(entry);
  }

  /** Names of the dead-lettered records. */
  async deadLetters(): Promise<string[]> {
    return (await readdir(this.deadLetterDir)).filter((n) => n.endsWith('.json')).sort();
  }

  private async park(name: string, reason: string): Promise<void> {
    await atomicWrite(this.deadLetterDir, `${name}.reason`, `${reason}\n`);
    await rename(join(this.spoolDir, name), join(this.deadLetterDir, name));
    await syncDir(this.deadLetterDir);
    await syncDir(this.spoolDir);
  }

  private index(entry: SpoolEntry): void {
    this.entries.set(entry.name, entry);
    this.byKey.set(recordKey(entry.record), entry.name);
  }

  private unindex(entry: SpoolEntry): void {
    this.entries.delete(entry.name);
    if (this.byKey.get(recordKey(entry.record)) === entry.name) this.byKey.delete(recordKey(entry.record));
  }
}
