/**
 * The import directory: files the DTP delivers over RAS/SMB to a Listener ImportDirectory. The test drives
 * the polls itself (the poll timer is set to an hour), so "two polls" needs no waiting.
 */
import { appendFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type BridgeHandle, startBridge } from '../../../bridge/bridge.js';
import { parseBridgeConfig } from '../../../bridge/config.js';
import type { ImportDirectory } from '../../../bridge/import-dir/import-dir.js';
import { silentLog } from '../../../bridge/log.js';
import { formatRecord, type PhoneHomeRecord } from '../../../bridge/record.js';
import { FakeRelay } from './harness.js';

const hb = (id: string): PhoneHomeRecord => ({
  id,
  type: 'heartbeat',
  customer: 'geocust1',
  side: 'A',
  at: '2026-11-04T10:15:00Z',
});

let dir: string;
let importDir: string;
let relay: FakeRelay;
let bridge: BridgeHandle;
let imports: ImportDirectory;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bridge-import-'));
  importDir = join(dir, 'import');
  await mkdir(importDir);
  relay = await new FakeRelay().start();
  bridge = await startBridge(
    parseBridgeConfig({
      site: 'acme-dc1',
      apiUrl: relay.url,
      token: 'brg_test_0123456789abcdef',
      stateDir: join(dir, 'state'),
      importDirectory: { path: importDir, pollEvery: '1h' },
      relay: { every: '1h' },
    }),
    { log: silentLog, drainDebounceMs: 3_600_000 },
  );
  imports = bridge.importDirectory as ImportDirectory;
  await imports.poll(); // the start-up poll
});

afterEach(async () => {
  await bridge.stop();
  await relay.stop();
  await rm(dir, { recursive: true, force: true });
});

const listing = (sub = '') => readdir(join(importDir, sub));

describe('import directory', () => {
  it('takes a complete file, relays its records, and moves it to done/ only after the relay confirmed them', async () => {
    const text = `# DTP export\r\n${formatRecord(hb('f-1'))}\r\n\r\n${formatRecord(hb('f-2'))}\r\n`;
    await writeFile(join(importDir, 'geocust1-A.phr'), text);
    await imports.poll(); // first sight: size noted
    expect(bridge.spool.depth).toBe(0);
    await imports.poll(); // same size and mtime: complete, taken
    expect(bridge.spool.depth).toBe(2);
    await imports.poll();
    expect(await listing()).toContain('geocust1-A.phr'); // not relayed yet: stays

    await bridge.drainNow();
    await imports.poll();
    expect([...relay.accepted.keys()].sort()).toEqual(['f-1', 'f-2']);
    expect(await listing()).not.toContain('geocust1-A.phr');
    expect(await readFile(join(importDir, 'done', 'geocust1-A.phr'), 'utf8')).toBe(text);
    expect(imports.stats).toMatchObject({ taken: 1, done: 1, rejected: 0 });
  });

  it('rejects a file with a bad line to rejected/ with a reason, spooling none of it', async () => {
    const bad = formatRecord(hb('f-bad')).replace('geocust1', 'geocust9');
    await writeFile(join(importDir, 'broken.phr'), `${formatRecord(hb('f-ok'))}\n${bad}\nnot a record\n`);
    await imports.poll();
    await imports.poll();
    expect((await listing('rejected')).sort()).toEqual(['broken.phr', 'broken.phr.reason']);
    const reason = await readFile(join(importDir, 'rejected', 'broken.phr.reason'), 'utf8');
    expect(reason).toContain('line 2: checksum');
    expect(reason).toContain('line 3: format');
    expect(reason).not.toContain('line 1');
    expect(bridge.spool.depth).toBe(0);
    await bridge.drainNow();
    expect(relay.received).toEqual([]);
  });

  it('rejects an empty file', async () => {
    await writeFile(join(importDir, 'empty.phr'), '# nothing\n');
    await imports.poll();
    await imports.poll();
    expect(await readFile(join(importDir, 'rejected', 'empty.phr.reason'), 'utf8')).toContain('no records');
  });

  it('does not take a file while it grows between polls, nor one named *.part', async () => {
    const growing = join(importDir, 'growing.phr');
    await writeFile(growing, `${formatRecord(hb('g-1'))}\n`);
    await writeFile(join(importDir, 'upload.part'), `${formatRecord(hb('p-1'))}\n`);
    for (let i = 2; i <= 4; i++) {
      await imports.poll(); // the size differs from the last poll's every time: still being written
      expect(bridge.spool.depth).toBe(0);
      await appendFile(growing, `${formatRecord(hb(`g-${i}`))}\n`);
    }
    await imports.poll(); // first sight of the final size
    expect(bridge.spool.depth).toBe(0);
    await imports.poll(); // unchanged: complete
    expect(bridge.spool.list().map((e) => e.record.id)).toEqual(['g-1', 'g-2', 'g-3', 'g-4']);
    await bridge.drainNow();
    await imports.poll();
    expect(await listing('done')).toEqual(['growing.phr']);
    expect(await listing()).toContain('upload.part');
  });
});
