/**
 * Lean cold starts, measured: each function's bundle exactly as `cdk synth` builds it (the bytes Node reads
 * at import: the entry and the chunks it imports statically; all files; zip size) and the time Node 24 (the
 * Lambda runtime) takes to import it, against a baseline built in the same run with the same esbuild
 * options: a bundle of the DynamoDB client alone, the least a Listener function needs.
 * Import times are medians of RUNS interleaved runs (every bundle once per round, so machine load hits
 * all alike), each in a fresh process. Prints a Markdown table and the machine's load average (other
 * processes on a shared machine inflate the milliseconds, less the ratios); asserts nothing.
 * Run: `npm run bench:bundles` (the table goes in docs/bundles.md).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { ensureTable, localClient, startDynamoLocal } from '../cli/local/dynamo-local.js';
import { ESBUILD_OPTIONS } from '../infra/constructs/bundle.js';
import { dynamoPorts } from '../shared/adapters/dynamo/dynamo-ports.js';
import { FUNCTION_NAMES } from '../shared/http/routes.js';
import { registerLogger } from '../shared/listener/register.js';
import { startAwsStubs } from '../test/support/aws-stubs.js';
import { httpEvent } from '../test/support/http.js';
import { TemplateNames } from '../test/support/iam.js';
import {
  bytes,
  LAMBDA_NODE,
  REPO_ROOT,
  type SynthesizedArtifacts,
  synthesizeArtifacts,
  unpack,
} from '../test/support/lambda-bundles.js';
import { startLambda } from '../test/support/lambda-process.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 11);
const work = mkdtempSync(join(tmpdir(), 'phl-bench-bundles-'));

/**
 * A baseline: what importing the DynamoDB client alone costs. `split` bundles it exactly like the
 * functions (code splitting: the SDK's credential providers it loads by `import()` become chunks not read
 * at import); unsplit, it is one file, the yardstick issue 9 set (332 KB then). Both keep the SDK's whole
 * default credential chain: only the functions get the environment-only provider.
 */
async function buildBaseline(split: boolean): Promise<{ dir: string; zip: string }> {
  const dir = join(work, split ? 'baseline-split' : 'baseline');
  await build({
    stdin: {
      contents:
        "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';\nexport const handler = async () => new DynamoDBClient({});\n",
      resolveDir: REPO_ROOT,
      loader: 'ts',
    },
    ...ESBUILD_OPTIONS,
    alias: {},
    splitting: split,
    outdir: dir,
    entryNames: 'index',
  });
  const zip = `${dir}.zip`;
  execFileSync('zip', ['-q', '-r', '-X', '-D', zip, '.'], { cwd: dir });
  return { dir, zip };
}

/** Milliseconds Node 24 takes to import `dir/index.mjs`, in a fresh process with a Lambda-like env. */
function importMs(dir: string): number {
  const script = `const t = performance.now(); await import(${JSON.stringify(pathToFileURL(join(dir, 'index.mjs')).href)}); process.stdout.write(String(performance.now() - t));`;
  const out = spawnSync(LAMBDA_NODE, ['--input-type=module', '-e', script], {
    cwd: dir,
    env: { AWS_REGION: 'eu-west-1', AWS_LAMBDA_FUNCTION_NAME: 'bench', TZ: ':UTC' },
    encoding: 'utf8',
  });
  if (out.status !== 0) throw new Error(`import of ${dir} failed: ${out.stderr}`);
  return Number(out.stdout);
}

/**
 * Bytes Node reads when it imports `dir/index.mjs`: the entry and every chunk it imports statically,
 * transitively. Chunks reached only by `import()` (the notifier clients) are read on first use, not at
 * cold start; they are in the zip size.
 */
function coldStartBytes(dir: string): number {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const code = readFileSync(file, 'utf8');
    // esbuild's static imports: `import{a}from"./chunks/x.mjs"`, `import"./chunks/x.mjs"`, `export…from"…"`.
    for (const match of code.matchAll(/(?:from|import)\s*"(\.{1,2}\/[^"]+\.mjs)"/g)) {
      visit(join(dirname(file), match[1] ?? ''));
    }
  };
  visit(join(dir, 'index.mjs'));
  return [...seen].reduce((sum, file) => sum + bytes(file), 0);
}

/** Bytes of every .mjs file of the bundle (what the zip holds, uncompressed). */
function allBytes(dir: string): number {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.mjs'))
    .reduce((sum, file) => sum + bytes(join(dir, file)), 0);
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};
const kb = (n: number) => `${Math.round(n / 1024)} KB`;

/**
 * What one heartbeat and one idle sweep cost in log bytes and DynamoDB requests, run from the zips under
 * Node 24 at the production log level (INFO) against DynamoDB Local: the inputs of the cost arithmetic in
 * docs/deploy.md. The API's access-log line is the stage's format filled with typical values.
 */
async function measureLogs(artifacts: SynthesizedArtifacts) {
  const HEARTBEATS = 50;
  const SWEEPS = 10;
  const dynamo = await startDynamoLocal();
  const stubs = await startAwsStubs(dynamo.endpoint);
  try {
    const names = new TemplateNames(artifacts.template);
    const table = names.resolve({
      Ref: artifacts.stack.getLogicalId(artifacts.stack.store.table.node.defaultChild as never),
    }) as string;
    await ensureTable(localClient(dynamo.endpoint), table);
    const env = (name: 'heartbeat' | 'sweeper') => ({
      ...(names.resolve(artifacts.functions[name].environment) as Record<string, string>),
      POWERTOOLS_LOG_LEVEL: 'INFO',
      AWS_REGION: names.region,
      AWS_LAMBDA_FUNCTION_NAME: name,
      AWS_ACCESS_KEY_ID: 'bench',
      AWS_SECRET_ACCESS_KEY: 'bench',
      AWS_ENDPOINT_URL_DYNAMODB: stubs.dynamodbEndpoint,
      AWS_ENDPOINT_URL_SNS: stubs.snsEndpoint,
      AWS_ENDPOINT_URL_EVENTBRIDGE: stubs.eventsEndpoint,
    });
    const { token } = await registerLogger(
      dynamoPorts(dynamo.client(), table).loggers,
      { customer: 'benchcust', side: 'A', eventTimeoutMs: 780 * 60_000, transport: 'https' },
      Date.now(),
    );
    const heartbeat = await startLambda(unpack(artifacts.functions.heartbeat.zipPath), env('heartbeat'));
    const sweeper = await startLambda(unpack(artifacts.functions.sweeper.zipPath), env('sweeper'));
    try {
      const logs0 = heartbeat.logs().length;
      const calls0 = stubs.calls.length;
      for (let i = 0; i < HEARTBEATS; i++) {
        await heartbeat.invoke(httpEvent({ path: '/v1/heartbeat', token, body: { intervalMinutes: 720 } }));
      }
      const hbLog = Buffer.byteLength(heartbeat.logs().slice(logs0)) / HEARTBEATS;
      const hbCalls = (stubs.calls.length - calls0) / HEARTBEATS;
      const sweep0 = sweeper.logs().length;
      const sweepCalls0 = stubs.calls.length;
      for (let i = 0; i < SWEEPS; i++) await sweeper.invoke({});
      const sweepLog = Buffer.byteLength(sweeper.logs().slice(sweep0)) / SWEEPS;
      const sweepCalls = (stubs.calls.length - sweepCalls0) / SWEEPS;
      const stage = Object.values(artifacts.template.Resources).find(
        (r) => r.Type === 'AWS::ApiGatewayV2::Stage',
      );
      const settings = stage?.Properties.AccessLogSettings as { Format: string } | undefined;
      const format = settings?.Format ?? '';
      const accessLine = format
        .replace('$context.requestId', 'Jx3-1gYsoAMEb7Q=')
        .replace('$context.apiId', 'a1b2c3d4e5')
        .replace('$context.identity.sourceIp', '203.0.113.17')
        .replace('$context.requestTime', '27/Nov/2026:22:20:00 +0000')
        .replace('$context.httpMethod', 'POST')
        .replace('$context.path', '/v1/heartbeat')
        .replace('$context.routeKey', 'POST /v1/heartbeat')
        .replace('$context.status', '200')
        .replace('$context.responseLength', '131')
        .replace('$context.responseLatency', '41')
        .replace('$context.integrationErrorMessage', '-');
      console.log('## Logs and DynamoDB requests per invocation (from the zips, Node 24, log level INFO)');
      console.log('| invocation | function log bytes | DynamoDB requests |');
      console.log('| --- | ---: | ---: |');
      console.log(`| heartbeat (${HEARTBEATS} runs) | ${Math.round(hbLog)} | ${hbCalls.toFixed(2)} |`);
      console.log(`| idle sweep (${SWEEPS} runs) | ${Math.round(sweepLog)} | ${sweepCalls.toFixed(2)} |`);
      console.log(`| API access-log line (per request) | ${Buffer.byteLength(accessLine) + 1} | – |`);
    } finally {
      await heartbeat.stop();
      await sweeper.stop();
    }
  } finally {
    await stubs.close();
    await dynamo.stop();
  }
}

try {
  const artifacts = synthesizeArtifacts('dev');
  const baseline = await buildBaseline(false);
  const baselineSplit = await buildBaseline(true);
  const bundles = [
    { name: 'baseline: DynamoDB client alone, one file', dir: baseline.dir, zip: baseline.zip },
    { name: 'baseline: DynamoDB client alone, split', dir: baselineSplit.dir, zip: baselineSplit.zip },
    ...FUNCTION_NAMES.map((name) => {
      const zip = artifacts.functions[name].zipPath;
      return { name, dir: unpack(zip, mkdtempSync(join(work, `${name}-`))), zip };
    }),
  ];
  const times = new Map<string, number[]>(bundles.map((b) => [b.name, []]));
  const loadBefore = loadavg()[0] ?? 0;
  for (let run = 0; run < RUNS; run++) {
    for (const bundle of bundles) times.get(bundle.name)?.push(importMs(bundle.dir));
  }
  const loadAfter = loadavg()[0] ?? 0;
  const [one, split] = bundles;
  if (!one || !split) throw new Error('no baselines');
  const sizeOf = (b: { dir: string }) => coldStartBytes(b.dir);
  const msOf = (b: { name: string }) => median(times.get(b.name) ?? []);
  const ratio = (value: number, of: number) => (value / of).toFixed(2);
  console.log(
    `## Bundles vs the DynamoDB-client-only baselines (Node ${execFileSync(LAMBDA_NODE, ['--version']).toString().trim()}, medians of ${RUNS} interleaved imports)`,
  );
  console.log(
    '| bundle | size read at import | all files | zip | size × one-file baseline | size × split baseline | import (median) | import × one-file baseline | import × split baseline |',
  );
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const bundle of bundles) {
    const size = sizeOf(bundle);
    const ms = msOf(bundle);
    console.log(
      `| ${bundle.name} | ${kb(size)} | ${kb(allBytes(bundle.dir))} | ${kb(bytes(bundle.zip))} | ${ratio(size, sizeOf(one))} | ${ratio(size, sizeOf(split))} | ${ms.toFixed(1)} ms | ${ratio(ms, msOf(one))} | ${ratio(ms, msOf(split))} |`,
    );
  }
  console.log(
    `\nLoad average (1 min) before / after the imports: ${loadBefore.toFixed(2)} / ${loadAfter.toFixed(2)} on ${availableParallelism()} cores.\n`,
  );
  await measureLogs(artifacts);
  artifacts.dispose();
} finally {
  rmSync(work, { recursive: true, force: true });
}
