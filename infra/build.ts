import { type App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ListenerStack } from './listener-stack.js';
import { checkPairTable } from './pair-record.js';
import { stackNameFor } from './stage-names.js';
import { BUILT_IN_STAGES, listenersOf, loadStage, type StageConfig } from './stages.js';

/**
 * Adds the stage's {@link ListenerStack} to `app` with the cdk-nag AwsSolutions checks, which fail synth
 * on any unacknowledged finding. Shared by `infra/app.ts` and the tests so both check the same thing.
 *
 * A pair stage adds one stack per side, each in its own region (side b's after side a's, whose global
 * table creates side b's replica): `stack` is side a's, `stacks` both.
 *
 * `stages` are the operator's (infra/stage-file.ts read them, from `source`); default the built-in `dev`.
 * `pairTables`, when given, is the file recording each pair's regions (infra/pair-record.ts): a pair whose
 * regions differ from the record is refused.
 *
 * @throws StageConfigError for an unknown or invalid stage, listing the valid ones.
 */
export function buildListener(
  app: App,
  stage: unknown,
  stages: Readonly<Record<string, unknown>> = BUILT_IN_STAGES,
  source?: string,
  pairTables?: string,
): { stack: ListenerStack; stacks: ListenerStack[]; config: StageConfig } {
  const config = loadStage(typeof stage === 'string' ? stage : undefined, stages, source);
  if (pairTables !== undefined) checkPairTable(config, pairTables);
  // cdk-nag 3 is a validation plugin, not an Aspect.
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  const stacks = listenersOf(config).map((listener) => {
    const { pairing } = listener;
    return new ListenerStack(app, stackNameFor(listener.stage), {
      config: listener,
      env: {
        account: listener.account ?? process.env.CDK_DEFAULT_ACCOUNT,
        region: listener.region ?? process.env.CDK_DEFAULT_REGION,
      },
      terminationProtection: listener.production,
      description: pairing
        ? `Phone Home Listener ${listener.listenerName} (stage ${pairing.pairStage}, side ${pairing.side}; twin ${pairing.twin.listenerName} in ${pairing.twin.region})`
        : `Phone Home Listener ${listener.listenerName} (stage ${listener.stage})`,
      tags: {
        application: 'phone-home-listener',
        stage: pairing?.pairStage ?? listener.stage,
        ...(pairing ? { side: pairing.side } : {}),
      },
    });
  });
  const [first, second] = stacks;
  if (first === undefined) throw new Error(`stage ${config.stage} has no Listener`);
  if (second) second.addStackDependency(first, `side a's global table creates side b's replica`);
  return { stack: first, stacks, config };
}
