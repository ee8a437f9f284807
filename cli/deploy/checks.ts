/**
 * The read-only AWS checks of `listener deploy check`, one region at a time: what would make a first
 * deploy fail (concurrency quota, bootstrap, a table left by a failed pair create) or a page not arrive
 * (the SMS sandbox and spend limit, the account's default SMS type, unconfirmed subscriptions; a channel's
 * secret missing is channel-secrets.ts).
 */
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetAccountSettingsCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import {
  GetSMSAttributesCommand,
  GetSMSSandboxAccountStatusCommand,
  ListSMSSandboxPhoneNumbersCommand,
  ListSubscriptionsByTopicCommand,
  SNSClient,
} from '@aws-sdk/client-sns';
import { SSMClient } from '@aws-sdk/client-ssm';
import { ADMIN_LIMITS, limited } from '../../shared/adapters/aws-clients.js';
import type { Finding } from './finding.js';

/** Concurrency Lambda keeps unreserved in every account and region: reservations may not eat into it. */
export const UNRESERVED_MINIMUM = 100;

/** The SDK clients of one region, bounded as every admin call is. */
export interface RegionClients {
  readonly region: string;
  readonly lambda: LambdaClient;
  readonly sns: SNSClient;
  readonly cloudFormation: CloudFormationClient;
  readonly dynamo: DynamoDBClient;
  readonly secretsManager: SecretsManagerClient;
  readonly ssm: SSMClient;
}

export function regionClients(region: string): RegionClients {
  const config = { ...limited(ADMIN_LIMITS), region };
  return {
    region,
    lambda: new LambdaClient(config),
    sns: new SNSClient(config),
    cloudFormation: new CloudFormationClient(config),
    dynamo: new DynamoDBClient(config),
    secretsManager: new SecretsManagerClient(config),
    ssm: new SSMClient(config),
  };
}

const missing = (error: unknown) =>
  error instanceof Error &&
  (/does not exist|not found/i.test(error.message) || error.name === 'ResourceNotFoundException');

/** The outputs of stack `name` in the clients' region; undefined when it does not exist. */
export async function stackOutputs(
  clients: RegionClients,
  name: string,
): Promise<Record<string, string> | undefined> {
  try {
    const [stack] =
      (await clients.cloudFormation.send(new DescribeStacksCommand({ StackName: name }))).Stacks ?? [];
    if (!stack) return undefined;
    return Object.fromEntries((stack.Outputs ?? []).map((o) => [o.OutputKey ?? '', o.OutputValue ?? '']));
  } catch (error) {
    if (missing(error)) return undefined;
    throw error;
  }
}

/**
 * The account's concurrency against what the stage reserves plus the 100 Lambda keeps unreserved. Before
 * the first deploy other functions' reservations count too (the unreserved pool must cover the stage's);
 * once deployed, the stage's own reservations are already out of that pool, so the quota alone is judged.
 */
export async function concurrencyFindings(
  clients: RegionClients,
  reserved: number,
  deployed: boolean,
): Promise<Finding[]> {
  const { AccountLimit } = await clients.lambda.send(new GetAccountSettingsCommand({}));
  const quota = AccountLimit?.ConcurrentExecutions ?? 0;
  const unreserved = AccountLimit?.UnreservedConcurrentExecutions ?? quota;
  const needed = reserved + UNRESERVED_MINIMUM;
  const todo = `ask for at least ${needed} (Service Quotas → AWS Lambda → Concurrent executions; 1 000 is the usual), or lower ingestConcurrency`;
  if (quota < needed) {
    return [
      {
        check: 'concurrency',
        region: clients.region,
        what: `the Lambda concurrency quota is ${quota}: the stage reserves ${reserved} and Lambda keeps ${UNRESERVED_MINIMUM} unreserved, so the deploy would fail`,
        todo,
      },
    ];
  }
  if (!deployed && unreserved - reserved < UNRESERVED_MINIMUM) {
    return [
      {
        check: 'concurrency',
        region: clients.region,
        what: `only ${unreserved} of the quota ${quota} is unreserved (other functions reserve the rest): the stage's ${reserved} would leave less than ${UNRESERVED_MINIMUM}`,
        todo,
      },
    ];
  }
  return [];
}

/**
 * SNS SMS in a region with SMS subscribers: in the sandbox only verified numbers receive anything; the
 * spend limit stops every SMS, pages included, when reached; and CloudWatch's ops alarms go out as the
 * account's default type (the Listener's own pages always say Transactional).
 */
export async function smsFindings(
  clients: RegionClients,
  numbers: readonly string[],
  stageSpendLimitUsd: number,
): Promise<Finding[]> {
  if (numbers.length === 0) return [];
  const findings: Finding[] = [];
  const at = { check: 'sms', region: clients.region };
  const { IsInSandbox } = await clients.sns.send(new GetSMSSandboxAccountStatusCommand({}));
  if (IsInSandbox) {
    const verified = new Set<string>();
    let NextToken: string | undefined;
    do {
      const page = await clients.sns.send(new ListSMSSandboxPhoneNumbersCommand({ NextToken }));
      for (const entry of page.PhoneNumbers ?? []) {
        if (entry.Status === 'Verified' && entry.PhoneNumber) verified.add(entry.PhoneNumber);
      }
      NextToken = page.NextToken;
    } while (NextToken);
    for (const number of numbers.filter((n) => !verified.has(n))) {
      findings.push({
        ...at,
        what: `SNS SMS is in the sandbox and ${number} is not a verified destination: it receives no page`,
        todo: 'verify it (SNS console → Text messaging → Sandbox destination phone numbers), or request production access',
      });
    }
  }
  const { attributes = {} } = await clients.sns.send(
    new GetSMSAttributesCommand({ attributes: ['MonthlySpendLimit', 'DefaultSMSType'] }),
  );
  // Unset = the account default of 1 USD.
  const accountLimit = Number(attributes.MonthlySpendLimit ?? '1');
  if (accountLimit !== stageSpendLimitUsd) {
    findings.push({
      ...at,
      what: `the account's SMS monthly spend limit is ${accountLimit} USD but the stage says sms.monthlySpendLimitUsd ${stageSpendLimitUsd}: the spend alarm would fire at the wrong level`,
      todo: `set sms.monthlySpendLimitUsd to ${accountLimit}, or change the account's limit (SNS console → Text messaging → Account spend limit) to ${stageSpendLimitUsd}`,
    });
  }
  if (attributes.DefaultSMSType !== 'Transactional') {
    findings.push({
      ...at,
      what: `the account's default SMS type is ${attributes.DefaultSMSType ?? 'Promotional (unset)'}: CloudWatch's ops alarms to SMS are sent that way, and Promotional is dropped first under load`,
      todo: `set it: aws sns set-sms-attributes --region ${clients.region} --attributes DefaultSMSType=Transactional`,
    });
  }
  return findings;
}

/** `cdk bootstrap` leaves the CDKToolkit stack in each region it prepared. */
export async function bootstrapFindings(clients: RegionClients): Promise<Finding[]> {
  if (await stackOutputs(clients, 'CDKToolkit')) return [];
  return [
    {
      check: 'bootstrap',
      region: clients.region,
      what: 'the region is not bootstrapped for the CDK (no CDKToolkit stack): cdk deploy would refuse',
      todo: `run: npx cdk bootstrap aws://<account>/${clients.region}`,
    },
  ];
}

/**
 * A pair's global table has a fixed name: one left by a failed first create (side a's stack rolled back,
 * the table retained) blocks the next create with "already exists".
 */
export async function pairTableFindings(
  clients: RegionClients,
  tableName: string,
  sideAStackDeployed: boolean,
): Promise<Finding[]> {
  if (sideAStackDeployed) return [];
  try {
    await clients.dynamo.send(new DescribeTableCommand({ TableName: tableName }));
  } catch (error) {
    if (missing(error)) return [];
    throw error;
  }
  return [
    {
      check: 'pair-table',
      region: clients.region,
      what: `table ${tableName} already exists but no stack of the pair owns it (left by a failed first create): the create would fail`,
      todo: 'check it holds nothing you need, then delete it and its replicas (docs/deploy.md#tearing-a-pair-down)',
    },
  ];
}

/** Subscriptions still waiting for the subscriber's confirmation: they receive nothing. */
export async function subscriptionFindings(
  clients: RegionClients,
  topics: readonly { readonly name: string; readonly arn: string }[],
): Promise<Finding[]> {
  const findings: Finding[] = [];
  for (const topic of topics) {
    let NextToken: string | undefined;
    do {
      const page = await clients.sns.send(
        new ListSubscriptionsByTopicCommand({ TopicArn: topic.arn, NextToken }),
      );
      for (const sub of page.Subscriptions ?? []) {
        if (sub.SubscriptionArn !== 'PendingConfirmation') continue;
        findings.push({
          check: 'subscriptions',
          region: clients.region,
          what: `${sub.Protocol} ${sub.Endpoint} on the ${topic.name} topic has not confirmed its subscription: it receives nothing`,
          todo:
            sub.Protocol === 'email'
              ? 'open the "AWS Notification - Subscription Confirmation" email and confirm (the link expires after 2 days; then: SNS console → the topic → Request confirmation)'
              : 'confirm it from the endpoint (SNS console → the topic → Request confirmation)',
        });
      }
      NextToken = page.NextToken;
    } while (NextToken);
  }
  return findings;
}
