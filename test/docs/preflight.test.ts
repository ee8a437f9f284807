/**
 * `npm start` and `npm test` begin with scripts/preflight.js: a missing prerequisite stops them at once,
 * naming what is missing and the command that installs it.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ROOT } from './markdown.js';

const PREFLIGHT = join(ROOT, 'scripts/preflight.js');
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A PATH holding only the named tools of this machine (found with `command -v`). */
function pathWith(...tools: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'preflight-'));
  dirs.push(dir);
  for (const tool of tools) {
    const where = execFileSync('sh', ['-c', `command -v ${tool}`])
      .toString()
      .trim();
    symlinkSync(where, join(dir, tool));
  }
  return dir;
}

function preflight(purpose: 'start' | 'test', path: string) {
  const run = spawnSync(process.execPath, [PREFLIGHT, purpose], {
    env: { PATH: path },
    encoding: 'utf8',
  });
  return { code: run.status, stderr: run.stderr };
}

describe('preflight', () => {
  it('passes `npm start` with Java ≥ 17 on the PATH', () => {
    expect(preflight('start', pathWith('java'))).toEqual({ code: 0, stderr: '' });
  });

  it('names a missing Java and its install line', () => {
    const { code, stderr } = preflight('start', pathWith());
    expect(code).toBe(1);
    expect(stderr).toMatch(
      /^listener: Java is missing \(DynamoDB Local runs on it\) — install it: .*openjdk/m,
    );
  });

  it('names every tool the tests need that is missing, one line each, with its install line', () => {
    const { code, stderr } = preflight('test', pathWith('java'));
    expect(code).toBe(1);
    expect(stderr).toContain(
      'listener: socat is missing (npm test simulates modems with it) — install it: sudo apt-get install -y socat',
    );
    expect(stderr).toContain('listener: jq is missing (the README tour test runs it) — install it:');
    expect(stderr).toContain('listener: curl is missing');
    expect(stderr).not.toContain('Java');
  });
});
