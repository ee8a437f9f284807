import { Aws } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import {
  type Function as LambdaFunction,
  ParamsAndSecretsLayerVersion,
  ParamsAndSecretsLogLevel,
  ParamsAndSecretsVersions,
} from 'aws-cdk-lib/aws-lambda';
import {
  channelSecrets,
  type SecretReference,
  type StageChannel,
} from '../../shared/adapters/channels/stage/stage-channels.js';

/** AWS's Parameters and Secrets extension: functions read secrets through it, with no SDK client in the bundle. */
export function secretsExtension(): ParamsAndSecretsLayerVersion {
  return ParamsAndSecretsLayerVersion.fromVersion(ParamsAndSecretsVersions.V1_0_103, {
    logLevel: ParamsAndSecretsLogLevel.WARN,
  });
}

/**
 * Gives `fn` the stage's channels: `CHANNELS` (their settings, secrets by reference: names, never values)
 * and read access to exactly those secrets — `secretsmanager:GetSecretValue` on each Secrets Manager secret,
 * `ssm:GetParameter` on each parameter, and `kms:Decrypt` through that service on a customer-managed key
 * when one is named. Env var and grants together so neither goes without the other. The function needs the
 * extension's layer ({@link secretsExtension}).
 */
export function useChannels(fn: LambdaFunction, channels: readonly StageChannel[]) {
  if (channels.length === 0) return;
  fn.addEnvironment('CHANNELS', JSON.stringify(channels));
  const references = channels.flatMap((c) => channelSecrets(c).map((s) => s.reference));
  const secrets = unique(references.flatMap((r) => (r.secret === undefined ? [] : [secretArn(r.secret)])));
  const parameters = unique(
    references.flatMap((r) => (r.parameter === undefined ? [] : [parameterArn(r.parameter)])),
  );
  if (secrets.length > 0) {
    fn.addToRolePolicy(
      new PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: secrets }),
    );
  }
  if (parameters.length > 0) {
    fn.addToRolePolicy(new PolicyStatement({ actions: ['ssm:GetParameter'], resources: parameters }));
  }
  for (const service of ['secretsmanager', 'ssm'] as const) {
    const keys = unique(
      references.flatMap((r) => (r.kmsKeyArn && usesService(r, service) ? [r.kmsKeyArn] : [])),
    );
    if (keys.length === 0) continue;
    // Only through that service: the key decrypts the channels' secrets, nothing given to it directly.
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['kms:Decrypt'],
        resources: keys,
        conditions: { StringEquals: { 'kms:ViaService': `${service}.${Aws.REGION}.amazonaws.com` } },
      }),
    );
  }
}

/**
 * A secret's ARN as IAM matches it: a full ARN as given, a name with the six random characters Secrets
 * Manager appends (`-??????`: that name's secret only, not `name-other`).
 */
export function secretArn(nameOrArn: string): string {
  if (nameOrArn.startsWith('arn:')) return nameOrArn;
  return `arn:${Aws.PARTITION}:secretsmanager:${Aws.REGION}:${Aws.ACCOUNT_ID}:secret:${nameOrArn}-??????`;
}

/** A parameter's ARN: `/a/b` and `a` are `parameter/a/b` and `parameter/a`. */
export function parameterArn(name: string): string {
  return `arn:${Aws.PARTITION}:ssm:${Aws.REGION}:${Aws.ACCOUNT_ID}:parameter/${name.replace(/^\//, '')}`;
}

function usesService(reference: SecretReference, service: 'secretsmanager' | 'ssm'): boolean {
  return service === 'secretsmanager' ? reference.secret !== undefined : reference.parameter !== undefined;
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}
