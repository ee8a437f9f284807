import { type App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ListenerStack } from './listener-stack.js';
import { stackNameFor } from './stage-names.js';
import { loadStage, STAGES, type StageConfig, type StageInput } from './stages.js';

/**
 * Adds the stage's {@link ListenerStack} to `app` with the cdk-nag AwsSolutions checks, which fail synth
 * on any unacknowledged finding. Shared by `infra/app.ts` and the tests so both check the same thing.
 *
 * `stages` is replaceable for tests only; the app always uses {@link STAGES}.
 *
 * @throws StageConfigError for an unknown or invalid stage, listing the valid ones.
 */
export function buildListener(
  app: App,
  stage: unknown,
  stages: Readonly<Record<string, StageInput>> = STAGES,
): { stack: ListenerStack; config: StageConfig } {
  const config = loadStage(typeof stage === 'string' ? stage : undefined, stages);
  // cdk-nag 3 is a validation plugin, not an Aspect.
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  const stack = new ListenerStack(app, stackNameFor(config.stage), {
    config,
    env: {
      account: config.account ?? process.env.CDK_DEFAULT_ACCOUNT,
      region: config.region ?? process.env.CDK_DEFAULT_REGION,
    },
    description: `Phone Home Listener ${config.listenerName} (stage ${config.stage})`,
    tags: { application: 'phone-home-listener', stage: config.stage },
  });
  return { stack, config };
}
