/**
 * `npx cdk synth -c stage=dev` as an operator (and CI) runs it: offline, without AWS credentials or
 * Docker, bundling every function with the local esbuild and running cdk-nag.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { FUNCTION_NAMES } from '../../shared/http/routes.js';

const root = resolve(import.meta.dirname, '../..');
const outdir = mkdtempSync(join(tmpdir(), 'phl-cdk-synth-'));
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

function synth(args: string[]): Promise<{ code: number; output: string }> {
  // No credentials, no region, no profile: synth must not need them.
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('AWS_')));
  return new Promise((done) => {
    execFile(
      join(root, 'node_modules/.bin/cdk'),
      ['synth', '--quiet', '--no-version-reporting', '-o', outdir, ...args],
      { cwd: root, env: { ...env, CDK_DISABLE_VERSION_CHECK: '1' }, timeout: 300_000 },
      (error, stdout, stderr) =>
        done({ code: error ? Number(error.code ?? 1) : 0, output: `${stdout}${stderr}` }),
    );
  });
}

it('synthesizes the dev stage offline, bundling one asset per function', async () => {
  const { code, output } = await synth(['-c', 'stage=dev']);
  expect(output).not.toMatch(/error/i);
  // No warning: neither the app's annotations nor the CLI's "feature flags are not configured".
  expect(output).not.toMatch(/warn|feature flags? (is|are) not configured/i);
  expect(code).toBe(0);
  const template = JSON.parse(readFileSync(join(outdir, 'PhoneHomeListener-dev.template.json'), 'utf8')) as {
    Resources: Record<string, { Type: string }>;
  };
  const functions = Object.values(template.Resources).filter((r) => r.Type === 'AWS::Lambda::Function');
  expect(functions.length).toBeGreaterThanOrEqual(FUNCTION_NAMES.length);
  const bundles = readdirSync(outdir).filter((name) => name.startsWith('asset.'));
  expect(bundles.length).toBeGreaterThanOrEqual(FUNCTION_NAMES.length);
}, 300_000);

it('synthesizes the documented pair stage from the stages file named with -c stages=PATH', async () => {
  // Its regions are recorded (infra/pair-record.ts): here in the temp dir, not beside stages.json.
  const pairTables = join(outdir, 'pair-tables.json');
  const { code, output } = await synth([
    '-c',
    'stage=prod-pair',
    '-c',
    'stages=stages.example.json',
    '-c',
    `pairTables=${pairTables}`,
  ]);
  expect(output).not.toMatch(/error|warn/i);
  expect(code).toBe(0);
  for (const side of ['a', 'b']) {
    expect(readdirSync(outdir)).toContain(`PhoneHomeListener-prod-pair-${side}.template.json`);
  }
  expect(JSON.parse(readFileSync(pairTables, 'utf8'))['prod-pair']).toMatchObject({ witness: 'us-west-2' });
}, 300_000);

it('fails with the list of valid stages, and where they were read, for an unknown one', async () => {
  const { code, output } = await synth(['-c', 'stage=nope', '-c', 'stages=stages.example.json']);
  expect(code).not.toBe(0);
  expect(output).toContain('valid stages in stages.example.json are dev, prod, prod-pair');
  expect(output).not.toMatch(/\n\s+at /); // an operator's typo, not a stack trace
}, 300_000);
