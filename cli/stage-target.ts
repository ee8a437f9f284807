/**
 * `listener … --stage <name>`: finds a deployed stage's table, API and topics from its CloudFormation
 * outputs, so operators never copy resource names by hand.
 */
import { CloudFormationClient, DescribeStacksCommand, type Output } from '@aws-sdk/client-cloudformation';
import { OUTPUT_KEYS, type OutputName, stackNameFor } from '../infra/stage-names.js';
import { type PairSide, sideStageName } from '../infra/stages.js';
import { ADMIN_LIMITS, limited } from '../shared/adapters/aws-clients.js';
import { UnreachableError } from './errors.js';
import { cliStages, hasStage, stageSettings } from './stage-settings.js';

/** Where a deployed stage lives. */
export interface StageTarget {
  readonly stackName: string;
  /** The Listener name of the stack (a pair stage's side). */
  readonly listenerName?: string;
  /** The region the stack was found in; undefined only when the SDK could not name it. */
  readonly region?: string;
  readonly tableName: string;
  readonly apiUrl: string;
  readonly alarmTopicArn: string;
  readonly opsTopicArn: string;
  readonly eventBusName: string;
  /** The sweeper function; absent on a stack deployed before `channel test --stage` existed. */
  readonly sweeperFunctionName?: string;
}

/** Thrown when a stage's stack or one of its outputs cannot be found; the message says how to fix it. */
export class StageNotDeployedError extends UnreachableError {
  override readonly name = 'StageNotDeployedError';
}

/**
 * Resolves a stage to its deployed resources with `DescribeStacks`.
 *
 * The region is, in order: `opts.region`, the stage's configured region (`stages.json`, or `opts.stagesFile`:
 * infra/stage-file.ts), the SDK default.
 * A pair stage resolves to one side's stack and region: `opts.side`, default `a`.
 *
 * @throws StageNotDeployedError when the stack does not exist or lacks an output (e.g. deployed by an
 *   older version of the app).
 */
export async function resolveStage(
  stage: string,
  opts: { region?: string; client?: CloudFormationClient; side?: PairSide; stagesFile?: string } = {},
): Promise<StageTarget> {
  const set = cliStages(opts.stagesFile);
  const input = hasStage(set, stage) ? stageSettings(set, stage) : undefined;
  const side = input?.pair ? (opts.side ?? 'a') : undefined;
  const stackName = stackNameFor(side ? sideStageName(stage, side) : stage);
  const configuredRegion = side ? input?.pair?.[side].region : input?.region;
  const listenerName = side ? input?.pair?.[side].listenerName : input?.listenerName;
  const region = opts.region ?? configuredRegion;
  const client =
    opts.client ?? new CloudFormationClient({ ...limited(ADMIN_LIMITS), ...(region ? { region } : {}) });
  // The client's own region (env, profile) when none was configured: it is where the stack was looked for.
  const resolvedRegion = region ?? (await client.config.region().catch(() => undefined));
  const where = resolvedRegion ?? 'the default region';
  const deployHint = `deploy it with npx cdk deploy -c stage=${stage}${side ? ' --all' : ''}, or check --region`;

  let outputs: Output[];
  try {
    const answer = await client.send(new DescribeStacksCommand({ StackName: stackName }));
    const stack = answer.Stacks?.[0];
    if (stack === undefined)
      throw new StageNotDeployedError(`stack ${stackName} not found in ${where}`, deployHint);
    outputs = stack.Outputs ?? [];
  } catch (error) {
    // CloudFormation answers a missing stack with a ValidationError "Stack with id … does not exist".
    if (error instanceof Error && /does not exist/i.test(error.message)) {
      throw new StageNotDeployedError(`stack ${stackName} not found in ${where}`, deployHint);
    }
    throw error;
  }

  const read = (name: OutputName): string => {
    const key = OUTPUT_KEYS[name];
    const value = outputs.find((output) => output.OutputKey === key)?.OutputValue;
    if (!value) {
      throw new StageNotDeployedError(
        `stack ${stackName} in ${where} has no output ${key} (deployed by another version of the app)`,
        deployHint,
      );
    }
    return value;
  };

  const optional = (name: OutputName) => {
    const value = outputs.find((output) => output.OutputKey === OUTPUT_KEYS[name])?.OutputValue;
    return value ? { [name]: value } : {};
  };
  return {
    stackName,
    ...(listenerName ? { listenerName } : {}),
    ...(resolvedRegion ? { region: resolvedRegion } : {}),
    tableName: read('tableName'),
    apiUrl: read('apiUrl'),
    alarmTopicArn: read('alarmTopicArn'),
    opsTopicArn: read('opsTopicArn'),
    eventBusName: read('eventBusName'),
    ...optional('sweeperFunctionName'),
  };
}

/**
 * The other side's API URL of a pair stage: the backup a dial-in bridge fails over to. Looked up in that
 * side's own region (its stack outputs), whatever region the first side was found in.
 */
export async function resolveTwinApiUrl(
  stage: string,
  side: PairSide,
  opts: { client?: CloudFormationClient; stagesFile?: string } = {},
): Promise<string> {
  return (await resolveStage(stage, { ...opts, side: side === 'a' ? 'b' : 'a' })).apiUrl;
}
