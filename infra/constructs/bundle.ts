/**
 * How a function's code is built: the local esbuild (never Docker), ESM for Node 24, minified, and SPLIT
 * into chunks. `NodejsFunction` can only write one file (`--outfile`), so a module loaded by `import()`
 * (the SNS and EventBridge channels, shared/adapters/notify/aws-channels.ts) would still be parsed at every cold
 * start; split, it is a chunk of its own that Node reads on the first publish only (docs/bundles.md).
 */
import { fileURLToPath } from 'node:url';
import { AssetHashType, DockerImage } from 'aws-cdk-lib';
import { Code } from 'aws-cdk-lib/aws-lambda';
import { type BuildOptions, buildSync } from 'esbuild';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The handler setting for code from {@link functionCode}: `index.mjs`, export `handler`. */
export const HANDLER = 'index.handler';

/**
 * The esbuild options of every function. No source maps: they doubled the zip and `--enable-source-maps`
 * slows every cold start; errors are logged by their (explicit, unminified) `name` and message. The
 * banner gives ESM chunks a `require` for CommonJS dependencies. The AWS SDK is bundled so the deployed
 * code runs the SDK version the tests ran, not whatever the runtime ships.
 */
export const ESBUILD_OPTIONS = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node24',
  minify: true,
  sourcemap: false,
  splitting: true,
  entryNames: '[name]',
  chunkNames: 'chunks/[name]-[hash]',
  outExtension: { '.js': '.mjs' },
  mainFields: ['module', 'main'],
  // A Lambda gets its credentials from the environment only: drop the rest of the default chain.
  alias: { '@aws-sdk/credential-provider-node': './shared/adapters/lambda-credentials.ts' },
  banner: { js: "import { createRequire } from 'module';const require = createRequire(import.meta.url);" },
  logLevel: 'warning',
} as const satisfies BuildOptions;

/** Builds `entry` (relative to the repository root) into `outdir`: `index.mjs` and its `chunks/`. */
export function bundleFunction(entry: string, outdir: string): void {
  buildSync({ ...ESBUILD_OPTIONS, absWorkingDir: REPO_ROOT, entryPoints: { index: entry }, outdir });
}

/**
 * The function's code asset, bundled at synth time by {@link bundleFunction}. Hashed on the output, as
 * `NodejsFunction` does; a test App that bundles no stack skips esbuild and the source directory's hash.
 */
export function functionCode(entry: string): Code {
  return Code.fromAsset(REPO_ROOT, {
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      // Never pulled: local bundling always succeeds or throws (esbuild is a dev dependency).
      image: DockerImage.fromRegistry('public.ecr.aws/sam/build-nodejs24.x'),
      // The entry must be in the options: CDK caches a staged asset by its source path and options (the
      // function below does not count), so without it every function would get the first one's bundle.
      command: ['esbuild', entry],
      local: {
        tryBundle(outputDir) {
          bundleFunction(entry, outputDir);
          return true;
        },
      },
    },
  });
}
