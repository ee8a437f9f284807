/**
 * cli/bin.js runs a cached esbuild bundle of the CLI (cli/launch/bundle-cache.js): it must never run stale
 * code, must resolve packages and source-relative paths as tsx does, must not be built twice by
 * concurrent starts, and must fall back to tsx when it cannot be built. Each test builds a tiny checkout
 * of its own (cli/main.ts, shared/word.ts, a package in its node_modules) in a temporary directory.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';
import { afterEach, describe, expect, it } from 'vitest';
import { bundledCli, cacheDir } from '../../../cli/launch/bundle-cache.js';

const LAUNCHER = resolve(import.meta.dirname, '../../../cli/launch/bundle-cache.js');
const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

/** Writes `files` under `root`, dated a minute ago (so a build finds nothing written during it). */
function write(root: string, files: Record<string, string>, ageMs = 60_000): void {
  const then = new Date(Date.now() - ageMs);
  for (const [name, text] of Object.entries(files)) {
    const file = join(root, name);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
    utimesSync(file, then, then);
  }
}

function checkout(): string {
  const root = mkdtempSync(join(tmpdir(), 'bundle-cache-'));
  roots.push(root);
  write(root, {
    'package.json': '{ "type": "module" }',
    'tsconfig.json': '{}',
    'node_modules/fake-pkg/package.json': '{ "name": "fake-pkg", "type": "module", "main": "index.js" }',
    'node_modules/fake-pkg/index.js': "export const pkg = 'from the package';",
    'shared/word.ts': "export const word: string = 'one';",
    'cli/main.ts': [
      "import { pkg } from 'fake-pkg';",
      "import { word } from '../shared/word.js';",
      "export const said = [word, pkg].join(' ');",
      'export const where: string = import.meta.url;',
      'if (process.env.SAY_IT) console.log(said);',
    ].join('\n'),
  });
  return root;
}

/** esbuild, counting its builds. */
function countingEsbuild() {
  const counted = { builds: 0 };
  const load = async () => ({
    build: ((options: esbuild.BuildOptions) => {
      counted.builds++;
      return esbuild.build(options);
    }) as typeof esbuild.build,
  });
  return { counted, load };
}

async function said(url: string): Promise<{ said: string; where: string }> {
  return (await import(url)) as { said: string; where: string };
}

/** Runs `runCli` of the launcher in a child process against `root`; `esbuildFails` injects a failing esbuild. */
function runCliIn(
  root: string,
  esbuildFails: boolean,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const loadEsbuild = esbuildFails ? "loadEsbuild: () => Promise.reject(new Error('no esbuild'))," : '';
  const script = `import { runCli } from ${JSON.stringify(pathToFileURL(LAUNCHER).href)};
await runCli({ root: ${JSON.stringify(root)}, ${loadEsbuild} env: {} });`;
  return new Promise((done) => {
    execFile(
      process.execPath,
      ['--input-type=module', '-e', script],
      { timeout: 60_000, env: { ...process.env, SAY_IT: '1' } },
      (error, stdout, stderr) => done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('the CLI bundle cache', () => {
  it('bundles the checkout: packages resolve from its node_modules, import.meta.url is the source file’s', async () => {
    const root = checkout();
    const url = await bundledCli({ root });
    expect(url).toContain('/node_modules/.cache/phone-home-listener/');
    const main = await said(url);
    expect(main.said).toBe('one from the package');
    expect(main.where).toBe(pathToFileURL(join(root, 'cli/main.ts')).href);
  });

  it('reuses the bundle while no source changed, and rebuilds it when one did', async () => {
    const root = checkout();
    const { counted, load } = countingEsbuild();
    const first = await bundledCli({ root, loadEsbuild: load });
    expect(await bundledCli({ root, loadEsbuild: load })).toBe(first);
    expect(counted.builds).toBe(1);

    write(root, { 'shared/word.ts': "export const word: string = 'two';" }, 30_000);
    const second = await bundledCli({ root, loadEsbuild: load });
    expect(counted.builds).toBe(2);
    expect(second).not.toBe(first);
    expect((await said(second)).said).toBe('two from the package');
  });

  it('rebuilds when a file changed but kept its size (the mtime differs)', async () => {
    const root = checkout();
    const { counted, load } = countingEsbuild();
    await bundledCli({ root, loadEsbuild: load });
    write(root, { 'shared/word.ts': "export const word: string = 'six';" }, 30_000);
    expect((await said(await bundledCli({ root, loadEsbuild: load }))).said).toBe('six from the package');
    expect(counted.builds).toBe(2);
  });

  it('builds once for concurrent starts, which all get the same complete bundle', async () => {
    const root = checkout();
    const { counted, load } = countingEsbuild();
    const urls = await Promise.all([1, 2, 3, 4].map(() => bundledCli({ root, loadEsbuild: load })));
    expect(new Set(urls).size).toBe(1);
    expect(counted.builds).toBe(1);
    expect((await said(urls[0] as string)).said).toBe('one from the package');
  });

  it('fails without leaving a lock or a bundle when esbuild fails', async () => {
    const root = checkout();
    const failing = async () => ({
      build: (() => Promise.reject(new Error('esbuild is broken'))) as typeof esbuild.build,
    });
    await expect(bundledCli({ root, loadEsbuild: failing })).rejects.toThrow('esbuild is broken');
    expect(existsSync(join(cacheDir(root), 'build.lock'))).toBe(false);
    expect(existsSync(join(cacheDir(root), 'current.json'))).toBe(false);
  });

  it('runs the CLI through tsx when the bundle cannot be built', async () => {
    const root = checkout();
    const run = await runCliIn(root, true);
    expect(run).toMatchObject({ code: 0, stdout: 'one from the package\n' });
    expect(existsSync(join(cacheDir(root), 'current.json'))).toBe(false);
  });

  it('runs the bundle when it can: the same output, and a bundle is kept', async () => {
    const root = checkout();
    const run = await runCliIn(root, false);
    expect(run).toMatchObject({ code: 0, stdout: 'one from the package\n' });
    expect(existsSync(join(cacheDir(root), 'current.json'))).toBe(true);
  });

  it('leaves a syntax error to tsx, which names the file', async () => {
    const root = checkout();
    write(root, { 'shared/word.ts': 'export const word: string = ;' });
    const run = await runCliIn(root, false);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('word.ts');
    expect(existsSync(join(cacheDir(root), 'current.json'))).toBe(false);
  });
});
