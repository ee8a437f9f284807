/**
 * The README's five-minute tour, run as written: its `sh` blocks against a real `npm start`, in a fresh
 * directory, with the tour's waits shortened (timeout 2m → 8s, sweep 55s → 1s, sleep 175 → 9: the same
 * "timeout plus one sweep period") and port 3000 → a free port. Nothing else is changed. (8 s, not less: on
 * a loaded machine the commands between registering and the first heartbeat can take a few seconds, and
 * the Logger must not go silent before the tour means it to.)
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../cli/local/dynamo-local.js';
import { countLines, readNotifications } from '../support/cli.js';
import { fencedBlocks, ROOT, read, section } from './markdown.js';

const TOUR = section(read('README.md'), 'A five-minute tour (local mode)');
const [startBlock = '', ...commandBlocks] = fencedBlocks(TOUR, 'sh');

/** What the test shortens, each exactly as the tour writes it. */
const SHORTER: readonly [string, string][] = [
  ['--sweep-every 55s', '--sweep-every 1s'],
  ['--timeout 2m', '--timeout 8s'],
  ['sleep 175', 'sleep 9'],
];

let listener: ChildProcess | undefined;
let workDir: string | undefined;
afterAll(async () => {
  if (listener?.pid && listener.exitCode === null) {
    const exited = new Promise((done) => listener?.once('exit', done));
    process.kill(-listener.pid, 'SIGTERM'); // npm, its shell and the Listener: the group Ctrl-C reaches
    await exited;
  }
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

/** A fresh directory that looks like a checkout (the repository's files linked in) with no `.listener`. */
function checkout(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tour-'));
  for (const name of readdirSync(ROOT)) {
    if (name === '.git' || name === '.listener') continue;
    symlinkSync(join(ROOT, name), join(dir, name));
  }
  return dir;
}

function shorten(text: string, port: number): string {
  let result = text.replaceAll('http://127.0.0.1:3000', `http://127.0.0.1:${port}`);
  for (const [long, short] of SHORTER) result = result.replaceAll(long, short);
  return result;
}

function run(script: string, cwd: string): Promise<{ code: number | null; output: string }> {
  return new Promise((done) => {
    const child = spawn('bash', ['-c', `set -euo pipefail\n${script}`], { cwd });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk;
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk;
    });
    child.once('exit', (code) => done({ code, output }));
  });
}

describe('the README tour', () => {
  it('states its waits honestly: the page comes after the timeout plus up to one sweep period', () => {
    const timeout = Number(/--timeout (\d+)m/.exec(TOUR)?.[1]);
    const sweep = Number(/--sweep-every (\d+)s/.exec(TOUR)?.[1]);
    const sleep = Number(/^sleep (\d+)$/m.exec(TOUR)?.[1]);
    expect(sleep).toBe(timeout * 60 + sweep);
    expect(TOUR).toContain(`between ${timeout} min and ${timeout} min ${sweep} s`);
    for (const [long] of SHORTER) expect(TOUR).toContain(long);
  });

  it('runs as written in local mode: registered, UP, DOWN with one page, acknowledged, back with one all-clear', async () => {
    expect(startBlock.trim()).toMatch(/^npm start\b/);
    const port = await freePort();
    workDir = checkout();
    const started = spawn('bash', ['-c', `${shorten(startBlock.trim(), port)} --port ${port}`], {
      cwd: workDir,
      detached: true,
    });
    listener = started;
    let listenerOutput = '';
    const collect = (chunk: Buffer) => {
      listenerOutput += chunk;
    };
    started.stdout?.on('data', collect);
    started.stderr?.on('data', collect);
    for (let waited = 0; !listenerOutput.includes(`on http://127.0.0.1:${port}`); waited += 100) {
      if (started.exitCode !== null || waited > 60_000)
        throw new Error(`npm start failed:\n${listenerOutput}`);
      await new Promise((r) => setTimeout(r, 100));
    }

    const tour = await run(shorten(commandBlocks.join('\n'), port), workDir);
    expect(tour.code, `${tour.output}\n--- listener:\n${listenerOutput}`).toBe(0);
    expect(tour.output).toContain('"state":"UP"');
    expect(tour.output).toMatch(/geocust1\s+Down/);

    expect(countLines(listenerOutput, 'ALARM geocust1/A')).toBe(1);
    expect(countLines(listenerOutput, 'CLEARED geocust1/A')).toBe(1);
    const kinds = readNotifications(join(workDir, '.listener')).map((n) => n.kind);
    // The acknowledgement is a notice too (incident tools get `acknowledge`; the bus an event), never a page.
    expect(kinds).toEqual(['LOGGER_SILENT', 'LOGGER_ACKNOWLEDGED', 'LOGGER_RECOVERED']);
  });
});
