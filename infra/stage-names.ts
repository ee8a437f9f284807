/**
 * Names shared by the CDK app and the CLI. Kept free of aws-cdk-lib so that `listener … --stage` can
 * import it without loading the CDK.
 */

/** Prefix of every Listener stack; the stage follows it so environments live side by side in one account. */
export const STACK_PREFIX = 'PhoneHomeListener';

/** The CloudFormation stack name of a stage: `PhoneHomeListener-dev`. */
export function stackNameFor(stage: string): string {
  return `${STACK_PREFIX}-${stage}`;
}

/**
 * The stack's output keys. They are CloudFormation logical ids, so renaming one breaks every CLI that
 * reads a deployed stack: add new keys, do not rename.
 */
export const OUTPUT_KEYS = {
  apiUrl: 'ApiUrl',
  tableName: 'TableName',
  alarmTopicArn: 'AlarmTopicArn',
  opsTopicArn: 'OpsTopicArn',
  eventBusName: 'EventBusName',
  /** Invoked by `listener channel test --stage` (the sweeper sends the TEST notice). */
  sweeperFunctionName: 'SweeperFunctionName',
} as const;

export type OutputName = keyof typeof OUTPUT_KEYS;
