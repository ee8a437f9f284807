/**
 * Test helper: synthesizes a Listener stage exactly as `infra/app.ts` does (same stack, same cdk-nag
 * plugin) but without bundling or the built-in CloudFormation validation, so that one synth costs well
 * under a second. Every cloud assembly goes to a temp dir that {@link removeAssemblies} deletes.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, CfnElement, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { buildListener } from '../../infra/build.js';
import type { ListenerStack } from '../../infra/listener-stack.js';
import { readStages } from '../../infra/stage-file.js';
import type { StageConfig, StageInput } from '../../infra/stages.js';

const outdirs: string[] = [];

/** cdk.json's context (the feature flags): the CLI gives it to the app, so tests must too. */
export const CDK_JSON_CONTEXT = (
  JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as {
    context: Record<string, unknown>;
  }
).context;

/** The tracked examples (`prod`, `prod-pair`) over the built-in `dev`: what the tests synthesize. */
export const EXAMPLE_STAGES_PATH = fileURLToPath(new URL('../../stages.example.json', import.meta.url));
export const STAGES = readStages(EXAMPLE_STAGES_PATH).stages as Readonly<Record<string, StageInput>>;

/** A fresh test App: no bundling (the asset is a placeholder) and its assembly in a temp dir. */
export function testApp(): App {
  const outdir = mkdtempSync(join(tmpdir(), 'phl-infra-test-'));
  outdirs.push(outdir);
  return new App({
    outdir,
    builtinCloudFormationValidation: false,
    // Bundle no stack: the function assets then skip esbuild entirely.
    context: { ...CDK_JSON_CONTEXT, 'aws:cdk:bundling-stacks': [] },
  });
}

/** A synthesized stage. */
export interface Synthesized {
  readonly app: App;
  readonly stack: ListenerStack;
  /** Every stack of the stage: `[stack]`, or both sides of a pair (`stack` is side a's). */
  readonly stacks: readonly ListenerStack[];
  readonly config: StageConfig;
  readonly template: Template;
}

/** Builds and synthesizes `stage` (from `stages`, default the examples). Synth runs cdk-nag too. */
export function synthStage(stage: string, stages?: Readonly<Record<string, StageInput>>): Synthesized {
  const app = testApp();
  const { stack, stacks, config } = buildListener(app, stage, stages ?? STAGES);
  return { app, stack, stacks, config, template: Template.fromStack(stack) };
}

/** Deletes every assembly written by this test file; call from `afterAll`. */
export function removeAssemblies(): void {
  for (const dir of outdirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** The logical id of a construct's CloudFormation resource (its default child for L2 constructs). */
export function logicalId(construct: IConstruct): string {
  const element = CfnElement.isCfnElement(construct) ? construct : construct.node.defaultChild;
  if (!element || !CfnElement.isCfnElement(element))
    throw new Error(`${construct.node.path} has no CfnElement`);
  return Stack.of(construct).getLogicalId(element);
}
