/**
 * `listener … | head -1`: the reader closes the pipe early. Real child processes whose stdout reader is
 * gone before they write: the command ends quietly with exit code 0, as Unix tools do, instead of an EPIPE
 * stack trace and exit 1.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort } from '../../cli/local/dynamo-local.js';
import { LOCAL_FILE } from '../../cli/local/target-file.js';

const BIN = resolve(import.meta.dirname, '../../cli/bin.js');

/** Runs `listener <args>` with its stdout read by nobody: the pipe is closed before it writes. */
function runIntoClosedPipe(args: readonly string[]): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.destroy(); // as `head -1` exits after its line
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise((done) => child.once('close', (code) => done({ code, stderr })));
}

describe('a closed pipe ends the CLI quietly', () => {
  it('ends a command whose output nobody reads with 0 and nothing on stderr', async () => {
    expect(await runIntoClosedPipe(['--help'])).toEqual({ code: 0, stderr: '' });
  });

  it('stops a local Listener whose output nobody reads as Ctrl-C would: exit 0, its files cleaned up', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'listener-pipe-'));
    const ended = await runIntoClosedPipe([
      'local',
      '--in-memory',
      '--dir',
      dir,
      '--port',
      String(await freePort()),
    ]);
    expect(ended).toEqual({ code: 0, stderr: '' });
    expect(existsSync(join(dir, LOCAL_FILE))).toBe(false);
  });
});
