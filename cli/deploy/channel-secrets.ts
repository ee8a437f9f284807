/**
 * `listener deploy check` [channel-secrets]: every secret a stage's channels name (a PagerDuty routing key,
 * a Slack URL, a webhook's signing secret) exists where the reference says, in the region of each Listener
 * that delivers — found now instead of at the stage's first delivery. Only metadata is asked for
 * (Secrets Manager DescribeSecret, SSM DescribeParameters): the CLI never reads a secret's value, so no
 * value can reach its output.
 */
import { DescribeSecretCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DescribeParametersCommand, type ParameterMetadata, type SSMClient } from '@aws-sdk/client-ssm';
import {
  type ChannelSecret,
  channelSecrets,
  describeReference,
  type StageChannel,
} from '../../shared/adapters/channels/stage/stage-channels.js';
import { explain, UnreachableError } from '../errors.js';
import type { Finding } from './finding.js';

/** The two clients this check needs, in one region. */
export interface SecretClients {
  readonly region: string;
  readonly secretsManager: SecretsManagerClient;
  readonly ssm: SSMClient;
}

const DENIED = new Set(['AccessDeniedException', 'AccessDenied']);
const denied = (error: unknown) => error instanceof Error && DENIED.has(error.name);

/**
 * Any other AWS failure stops the check with exit 3, as the other checks' do: a credential or network
 * problem keeps its own explanation; the rest (throttled past the retries, a service error) says which
 * service, and the reference, never more.
 */
function unreachable(error: unknown, service: string, reference: string): Error {
  if (explain(error).exitCode === 3) return error as Error;
  const name = error instanceof Error ? error.name : 'an unknown error';
  return new UnreachableError(
    `${service} did not describe ${reference} (${name})`,
    'run the check again in a minute; if it persists, check the service health in the region',
  );
}

/** What a reference points at: there, not there, there but unusable (why), or not for us to see. */
type Lookup =
  | { state: 'present' }
  | { state: 'missing' }
  | { state: 'unusable'; why: string }
  | { state: 'denied' };

async function lookUpSecret(clients: SecretClients, name: string): Promise<Lookup> {
  try {
    const secret = await clients.secretsManager.send(new DescribeSecretCommand({ SecretId: name }));
    // A secret scheduled for deletion still describes, but the functions can no longer read it.
    if (secret.DeletedDate) return { state: 'unusable', why: 'is scheduled for deletion' };
    return { state: 'present' };
  } catch (error) {
    if (error instanceof Error && error.name === 'ResourceNotFoundException') return { state: 'missing' };
    if (denied(error)) return { state: 'denied' };
    throw unreachable(error, 'Secrets Manager', `secret ${name}`);
  }
}

async function lookUpParameter(clients: SecretClients, name: string): Promise<Lookup> {
  try {
    // A filtered DescribeParameters may answer an empty page with a NextToken (it filters page by page):
    // only the last page's silence means missing.
    let parameter: ParameterMetadata | undefined;
    let NextToken: string | undefined;
    do {
      const page = await clients.ssm.send(
        new DescribeParametersCommand({
          ParameterFilters: [{ Key: 'Name', Option: 'Equals', Values: [name] }],
          NextToken,
        }),
      );
      parameter = page.Parameters?.[0];
      NextToken = page.NextToken;
    } while (!parameter && NextToken);
    if (!parameter) return { state: 'missing' };
    if (parameter.Type !== 'SecureString') {
      return {
        state: 'unusable',
        why: `is a ${parameter.Type ?? 'plain'} parameter: it must be a SecureString`,
      };
    }
    return { state: 'present' };
  } catch (error) {
    if (denied(error)) return { state: 'denied' };
    throw unreachable(error, 'SSM', `parameter ${name}`);
  }
}

/** The command that creates the secret, with a placeholder where the value goes (never a value). */
function createCommand(secret: ChannelSecret, region: string): string {
  const { reference } = secret;
  const kms = reference.kmsKeyArn ? ` --kms-key-id ${reference.kmsKeyArn}` : '';
  return reference.secret !== undefined
    ? `create it: aws secretsmanager create-secret --region ${region} --name ${reference.secret} --secret-string '<the ${secret.field}>'${kms}`
    : `create it: aws ssm put-parameter --region ${region} --type SecureString --name ${reference.parameter} --value '<the ${secret.field}>'${kms}`;
}

function findingFor(lookup: Lookup, channel: StageChannel, secret: ChannelSecret, region: string): Finding[] {
  const at = { check: 'channel-secrets', region };
  const what = `channel ${channel.name}'s ${secret.field} (${describeReference(secret.reference)})`;
  switch (lookup.state) {
    case 'present':
      return [];
    case 'missing':
      return [
        {
          ...at,
          what: `${what} does not exist: the channel delivers nothing`,
          todo: createCommand(secret, region),
        },
      ];
    case 'unusable':
      return [
        {
          ...at,
          what: `${what} ${lookup.why}: the channel delivers nothing`,
          todo:
            secret.reference.secret !== undefined
              ? `restore it: aws secretsmanager restore-secret --region ${region} --secret-id ${secret.reference.secret}`
              : `recreate it as a SecureString: aws ssm delete-parameter --region ${region} --name ${secret.reference.parameter}, then aws ssm put-parameter --region ${region} --type SecureString --name ${secret.reference.parameter} --value '<the ${secret.field}>'`,
        },
      ];
    case 'denied':
      return [
        {
          ...at,
          severity: 'warning',
          what: `cannot verify ${what}: your credentials may not describe it`,
          todo: `check it with credentials allowed ${secret.reference.secret !== undefined ? 'secretsmanager:DescribeSecret' : 'ssm:DescribeParameters'}, or run this again with them`,
        },
      ];
  }
}

/** A finding for each channel secret that is missing or unusable in the clients' region. */
export async function channelSecretFindings(
  clients: SecretClients,
  channels: readonly StageChannel[],
): Promise<Finding[]> {
  const findings: Finding[] = [];
  for (const channel of channels) {
    for (const secret of channelSecrets(channel)) {
      const { secret: secretName, parameter } = secret.reference;
      const lookup =
        secretName !== undefined
          ? await lookUpSecret(clients, secretName)
          : await lookUpParameter(clients, parameter ?? '');
      findings.push(...findingFor(lookup, channel, secret, clients.region));
    }
  }
  return findings;
}
