/**
 * Lean cold starts, measured: each function's bundle exactly as `cdk synth` builds it (size, zip size) and
 * the time Node 22 (the Lambda runtime) takes to import it, against a baseline built in the same run with
 * the same esbuild options: a bundle of the DynamoDB client alone, the least a Listener function needs.
 * Import times are medians of RUNS interleaved runs (every bundle once per round, so machine load hits
 * all alike), each in a fresh process. Prints a Markdown table; asserts nothing.
 * Run: `npm run bench:bundles` (the table goes in docs/bundles.md).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { BUNDLING } from '../infra/constructs/functions.js';
import { FUNCTION_NAMES } from '../shared/http/routes.js';
import { bytes, NODE22, REPO_ROOT, synthesizeArtifacts, unpack } from '../test/support/lambda-bundles.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 11);
const work = mkdtempSync(join(tmpdir(), 'phl-bench-bundles-'));

/** The baseline: what importing the DynamoDB client alone costs, bundled like the functions. */
async function buildBaseline(): Promise<{ dir: string; zip: string }> {
  const dir = join(work, 'baseline');
  await build({
    stdin: {
      contents:
        "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';\nexport const handler = async () => new DynamoDBClient({});\n",
      resolveDir: REPO_ROOT,
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: BUNDLING.target,
    minify: BUNDLING.minify,
    sourcemap: false,
    mainFields: BUNDLING.mainFields,
    banner: { js: BUNDLING.banner ?? '' },
    outfile: join(dir, 'index.mjs'),
    logLevel: 'warning',
  });
  const zip = join(work, 'baseline.zip');
  execFileSync('zip', ['-q', '-r', '-X', '-D', zip, '.'], { cwd: dir });
  return { dir, zip };
}

/** Milliseconds Node 22 takes to import `dir/index.mjs`, in a fresh process with a Lambda-like env. */
function importMs(dir: string): number {
  const script = `const t = performance.now(); await import(${JSON.stringify(pathToFileURL(join(dir, 'index.mjs')).href)}); process.stdout.write(String(performance.now() - t));`;
  const out = spawnSync(NODE22, ['--input-type=module', '-e', script], {
    cwd: dir,
    env: { AWS_REGION: 'eu-west-1', AWS_LAMBDA_FUNCTION_NAME: 'bench', TZ: ':UTC' },
    encoding: 'utf8',
  });
  if (out.status !== 0) throw new Error(`import of ${dir} failed: ${out.stderr}`);
  return Number(out.stdout);
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};
const kb = (n: number) => `${Math.round(n / 1024)} KB`;

try {
  const artifacts = synthesizeArtifacts('dev');
  const baseline = await buildBaseline();
  const bundles = [
    { name: 'baseline (DynamoDB client only)', dir: baseline.dir, zip: baseline.zip },
    ...FUNCTION_NAMES.map((name) => {
      const zip = artifacts.functions[name].zipPath;
      return { name, dir: unpack(zip, mkdtempSync(join(work, `${name}-`))), zip };
    }),
  ];
  const times = new Map<string, number[]>(bundles.map((b) => [b.name, []]));
  for (let run = 0; run < RUNS; run++) {
    for (const bundle of bundles) times.get(bundle.name)?.push(importMs(bundle.dir));
  }
  const base = bundles[0];
  if (!base) throw new Error('no baseline');
  const baseSize = bytes(join(base.dir, 'index.mjs'));
  const baseMs = median(times.get(base.name) ?? []);
  console.log(
    `## Bundles vs the DynamoDB-client-only baseline (Node ${execFileSync(NODE22, ['--version']).toString().trim()}, medians of ${RUNS} interleaved imports)`,
  );
  console.log('| bundle | size | zip | size × baseline | import (median) | import × baseline |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
  for (const bundle of bundles) {
    const size = bytes(join(bundle.dir, 'index.mjs'));
    const ms = median(times.get(bundle.name) ?? []);
    console.log(
      `| ${bundle.name} | ${kb(size)} | ${kb(bytes(bundle.zip))} | ${(size / baseSize).toFixed(2)} | ${ms.toFixed(1)} ms | ${(ms / baseMs).toFixed(2)} |`,
    );
  }
  artifacts.dispose();
} finally {
  rmSync(work, { recursive: true, force: true });
}
