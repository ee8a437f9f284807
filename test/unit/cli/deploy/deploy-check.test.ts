/**
 * `listener deploy check`, with the SDK faked at the client (aws-sdk-client-mock): one test per finding,
 * and a ready account that has none.
 */
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetAccountSettingsCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { DescribeSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import {
  GetSMSAttributesCommand,
  GetSMSSandboxAccountStatusCommand,
  ListSMSSandboxPhoneNumbersCommand,
  ListSubscriptionsByTopicCommand,
  SNSClient,
} from '@aws-sdk/client-sns';
import { DescribeParametersCommand, GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { regionClients } from '../../../../cli/deploy/checks.js';
import { deployCheck } from '../../../../cli/deploy/deploy-check.js';
import { type Finding, formatFinding, isError, verdict } from '../../../../cli/deploy/finding.js';
import { placeholderFindings } from '../../../../cli/deploy/placeholders.js';
import { explain } from '../../../../cli/errors.js';
import { readStages } from '../../../../infra/stage-file.js';
import { OUTPUT_KEYS } from '../../../../infra/stage-names.js';
import { loadStage, parseStage, type StageInput } from '../../../../infra/stages.js';

const lambda = mockClient(LambdaClient);
const sns = mockClient(SNSClient);
const cfn = mockClient(CloudFormationClient);
const dynamo = mockClient(DynamoDBClient);
const secrets = mockClient(SecretsManagerClient);
const ssm = mockClient(SSMClient);

const examples = readStages(new URL('../../../../stages.example.json', import.meta.url).pathname).stages;

/** A stage with real addresses, in eu-west-1, one on-call SMS number. */
const real: StageInput = {
  listenerName: 'GEOCSCLNRA',
  region: 'eu-west-1',
  removalPolicy: 'retain',
  ingestConcurrency: 50,
  alarmEmails: [{ address: 'icm-support@customer.net' }],
  alarmSms: [{ number: '+447911123456' }],
  opsEmails: ['ops@customer.net'],
  sms: { monthlySpendLimitUsd: 20 },
};
const stage = (overrides: Partial<StageInput> = {}) => parseStage('live', { ...real, ...overrides });

const awsError = (name: string, message = `${name}: no`) => Object.assign(new Error(message), { name });
const notFound = (what: string) =>
  Object.assign(new Error(`Stack with id ${what} does not exist`), { name: 'ValidationError' });
const stack = (outputs: Record<string, string> = {}) => ({
  Stacks: [
    {
      StackName: 'x',
      StackStatus: 'CREATE_COMPLETE' as const,
      CreationTime: new Date(),
      Outputs: Object.entries(outputs).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })),
    },
  ],
});

/** A ready account: bootstrapped, 1 000 concurrency, SMS out of the sandbox at the stage's limit, not deployed. */
beforeEach(() => {
  cfn.on(DescribeStacksCommand).rejects(notFound('any'));
  cfn.on(DescribeStacksCommand, { StackName: 'CDKToolkit' }).resolves(stack());
  lambda.on(GetAccountSettingsCommand).resolves({
    AccountLimit: { ConcurrentExecutions: 1000, UnreservedConcurrentExecutions: 1000 },
  });
  sns.on(GetSMSSandboxAccountStatusCommand).resolves({ IsInSandbox: false });
  sns.on(GetSMSAttributesCommand).resolves({
    attributes: { MonthlySpendLimit: '20', DefaultSMSType: 'Transactional' },
  });
  secrets.on(DescribeSecretCommand).rejects(awsError('ResourceNotFoundException'));
  ssm.on(DescribeParametersCommand).resolves({ Parameters: [] });
});
afterEach(() => {
  for (const mock of [lambda, sns, cfn, dynamo, secrets, ssm]) mock.reset();
});

const check = (config = stage()) => deployCheck(config, regionClients);
const only = (findings: Finding[], name: string) => findings.filter((f) => f.check === name);

describe('listener deploy check', () => {
  it('finds nothing in a ready account for a stage with real addresses', async () => {
    await expect(check()).resolves.toEqual([]);
  });

  it('names every documentation placeholder of the examples (example.com, +44 7700 900…)', () => {
    const findings = placeholderFindings(loadStage('prod', examples));
    expect(findings.map(formatFinding)).toEqual([
      '✗ placeholders: alarmEmails.0.address is the documentation placeholder icm-support@example.com: nobody receives it — replace it in the stages file with a real address',
      '✗ placeholders: alarmEmails.1.address is the documentation placeholder rep-geo@example.com: nobody receives it — replace it in the stages file with a real address',
      '✗ placeholders: opsEmails.0 is the documentation placeholder listener-ops@example.com: nobody receives it — replace it in the stages file with a real address',
      '✗ placeholders: alarmSms.0.number is the documentation placeholder +447700900123: nobody receives it — replace it in the stages file with a real phone number',
    ]);
    const endpoints = stage({
      opsHttps: ['https://hooks.example.org/x'],
      domainName: 'listener.example.com',
      certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/12345678-1234-1234-1234-123456789012',
    });
    expect(placeholderFindings(endpoints).map((f) => f.what.split(' ')[0])).toEqual([
      'opsHttps.0',
      'domainName',
    ]);
    expect(placeholderFindings(stage())).toEqual([]);
    const pair = examples['prod-pair'] as { pair: { a: object; b: object } };
    const sides = loadStage('qa', {
      qa: {
        ...pair,
        pair: {
          ...pair.pair,
          a: { ...pair.pair.a, domain: { name: 'listener-a.example.com' } },
          b: { ...pair.pair.b, domain: { name: 'listener-b.geo.test' } },
        },
      },
    });
    expect(placeholderFindings(sides).map((f) => f.what.split(' ')[0])).toContain('pair.a.domain.name');
    expect(placeholderFindings(sides).map((f) => f.what.split(' ')[0])).not.toContain('pair.b.domain.name');
  });

  it('flags a Lambda concurrency quota below what the stage reserves plus the 100 kept unreserved', async () => {
    lambda.on(GetAccountSettingsCommand).resolves({
      AccountLimit: { ConcurrentExecutions: 10, UnreservedConcurrentExecutions: 10 },
    });
    const [finding, ...rest] = only(await check(), 'concurrency');
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({ region: 'eu-west-1' });
    // 1 sweeper + 4 × 50 ingest = 201 reserved; 301 needed.
    expect(formatFinding(finding as Finding)).toContain(
      'the Lambda concurrency quota is 10: the stage reserves 201',
    );
    expect(finding?.todo).toMatch(/^ask for at least 301 \(Service Quotas/);
  });

  it("flags, before the first deploy, other functions' reservations that leave too little unreserved", async () => {
    lambda.on(GetAccountSettingsCommand).resolves({
      AccountLimit: { ConcurrentExecutions: 1000, UnreservedConcurrentExecutions: 200 },
    });
    expect(only(await check(), 'concurrency')[0]?.what).toMatch(/only 200 of the quota 1000 is unreserved/);
  });

  it('flags each SMS subscriber not verified while SNS SMS is in the sandbox', async () => {
    sns.on(GetSMSSandboxAccountStatusCommand).resolves({ IsInSandbox: true });
    sns.on(ListSMSSandboxPhoneNumbersCommand).resolves({
      PhoneNumbers: [{ PhoneNumber: '+447911000000', Status: 'Verified' }],
    });
    const findings = only(await check(stage({ opsSms: ['+447911000000'] })), 'sms');
    expect(findings.map((f) => f.what)).toEqual([
      'SNS SMS is in the sandbox and +447911123456 is not a verified destination: it receives no page',
    ]);
  });

  it("flags an account SMS spend limit that differs from the stage's (the spend alarm's level)", async () => {
    sns.on(GetSMSAttributesCommand).resolves({ attributes: { DefaultSMSType: 'Transactional' } });
    const [finding] = only(await check(), 'sms');
    expect(finding?.what).toMatch(
      /monthly spend limit is 1 USD but the stage says sms.monthlySpendLimitUsd 20/,
    );
  });

  it('flags an account default SMS type that is not Transactional (CloudWatch ops alarms use it)', async () => {
    sns.on(GetSMSAttributesCommand).resolves({ attributes: { MonthlySpendLimit: '20' } });
    const [finding] = only(await check(), 'sms');
    expect(finding?.what).toMatch(/default SMS type is Promotional \(unset\)/);
    expect(finding?.todo).toContain('DefaultSMSType=Transactional');
  });

  it('skips the SMS checks where the stage has no SMS subscriber', async () => {
    sns.on(GetSMSSandboxAccountStatusCommand).resolves({ IsInSandbox: true });
    await expect(check(stage({ alarmSms: [] }))).resolves.toEqual([]);
    expect(sns.commandCalls(GetSMSSandboxAccountStatusCommand)).toHaveLength(0);
  });

  it('flags every region of a pair that cdk bootstrap has not prepared', async () => {
    cfn.on(DescribeStacksCommand, { StackName: 'CDKToolkit' }).rejects(notFound('CDKToolkit'));
    const pair = loadStage('prod-pair', examples);
    const findings = only(await check(pair), 'bootstrap');
    expect(findings.map((f) => f.region)).toEqual(['us-east-1', 'us-east-2']);
    expect(findings[0]?.todo).toBe('run: npx cdk bootstrap aws://<account>/us-east-1');
  });

  it("flags a pair's table left by a failed first create (the table exists, side a's stack does not)", async () => {
    dynamo.on(DescribeTableCommand, { TableName: 'PhoneHomeListener-prod-pair' }).resolves({ Table: {} });
    const findings = only(await check(loadStage('prod-pair', examples)), 'pair-table');
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ region: 'us-east-1' });
    expect(findings[0]?.what).toMatch(
      /table PhoneHomeListener-prod-pair already exists but no stack of the pair owns it/,
    );
  });

  it('flags, after a deploy, each subscription still pending confirmation', async () => {
    cfn
      .on(DescribeStacksCommand, { StackName: 'PhoneHomeListener-live' })
      .resolves(stack({ [OUTPUT_KEYS.alarmTopicArn]: 'arn:alarm', [OUTPUT_KEYS.opsTopicArn]: 'arn:ops' }));
    sns.on(ListSubscriptionsByTopicCommand, { TopicArn: 'arn:alarm' }).resolves({
      Subscriptions: [
        { SubscriptionArn: 'arn:alarm:1', Protocol: 'sms', Endpoint: '+447911123456' },
        { SubscriptionArn: 'PendingConfirmation', Protocol: 'email', Endpoint: 'icm-support@customer.net' },
      ],
    });
    sns.on(ListSubscriptionsByTopicCommand, { TopicArn: 'arn:ops' }).resolves({ Subscriptions: [] });
    const findings = only(await check(), 'subscriptions');
    expect(findings.map((f) => f.what)).toEqual([
      'email icm-support@customer.net on the alarm topic has not confirmed its subscription: it receives nothing',
    ]);
    expect(findings[0]?.todo).toMatch(/expires after 2 days/);
  });

  it('says plainly that there are no AWS credentials (exit 3), not a finding', async () => {
    const noCredentials = Object.assign(new Error('Could not load credentials from any providers'), {
      name: 'CredentialsProviderError',
    });
    cfn.on(DescribeStacksCommand).rejects(noCredentials);
    const failure = await check().catch((error: unknown) => error);
    expect(explain(failure)).toEqual({
      line: expect.stringMatching(/^listener: no AWS credentials found — sign in/),
      exitCode: 3,
    });
  });
});

describe('listener deploy check: channel secrets', () => {
  const pd = { name: 'pd', type: 'pagerduty', routingKey: { secret: 'phone-home/live/pd' } };
  const chat = { name: 'chat', type: 'slack', url: { parameter: '/phone-home/live/slack' } };
  const am = { name: 'am', type: 'alertmanager', url: 'https://am.customer.net' };
  const withChannels = (channels: object[] = [pd, chat, am]) => stage({ channels } as Partial<StageInput>);
  const secretPresent = () =>
    secrets
      .on(DescribeSecretCommand, { SecretId: 'phone-home/live/pd' })
      .resolves({ Name: 'phone-home/live/pd' });
  const parameterIs = (Type: 'SecureString' | 'String') =>
    ssm
      .on(DescribeParametersCommand, {
        ParameterFilters: [{ Key: 'Name', Option: 'Equals', Values: ['/phone-home/live/slack'] }],
      })
      .resolves({ Parameters: [{ Name: '/phone-home/live/slack', Type }] });

  it('finds nothing when every secret exists, and only ever describes: never reads a value', async () => {
    secretPresent();
    parameterIs('SecureString');
    await expect(check(withChannels())).resolves.toEqual([]);
    expect(secrets.calls().map((c) => c.args[0].constructor.name)).toEqual(['DescribeSecretCommand']);
    expect(ssm.calls().map((c) => c.args[0].constructor.name)).toEqual(['DescribeParametersCommand']);
    expect(ssm.commandCalls(GetParameterCommand)).toHaveLength(0);
  });

  it('names the channel, the field and the reference of a missing secret, with the command to create it', async () => {
    const findings = only(await check(withChannels()), 'channel-secrets');
    expect(findings.map(formatFinding)).toEqual([
      "✗ channel-secrets (eu-west-1): channel pd's routingKey (secret phone-home/live/pd) does not exist: the channel delivers nothing — create it: aws secretsmanager create-secret --region eu-west-1 --name phone-home/live/pd --secret-string '<the routingKey>'",
      "✗ channel-secrets (eu-west-1): channel chat's url (parameter /phone-home/live/slack) does not exist: the channel delivers nothing — create it: aws ssm put-parameter --region eu-west-1 --type SecureString --name /phone-home/live/slack --value '<the url>'",
    ]);
  });

  it('flags a plain String parameter: it must be a SecureString', async () => {
    secretPresent();
    parameterIs('String');
    const [finding, ...rest] = only(await check(withChannels()), 'channel-secrets');
    expect(rest).toEqual([]);
    expect(finding?.what).toBe(
      "channel chat's url (parameter /phone-home/live/slack) is a String parameter: it must be a SecureString: the channel delivers nothing",
    );
    expect(finding?.todo).toMatch(/--type SecureString/);
  });

  it("reads on past an empty page of SSM's filtered answer before calling a parameter missing", async () => {
    secretPresent();
    ssm
      .on(DescribeParametersCommand)
      .resolvesOnce({ Parameters: [], NextToken: 'more' })
      .resolvesOnce({ Parameters: [{ Name: '/phone-home/live/slack', Type: 'SecureString' }] });
    await expect(check(withChannels())).resolves.toEqual([]);
    expect(ssm.commandCalls(DescribeParametersCommand).map((c) => c.args[0].input.NextToken)).toEqual([
      undefined,
      'more',
    ]);
  });

  it('flags a secret scheduled for deletion (it still describes, but cannot be read)', async () => {
    secrets.on(DescribeSecretCommand).resolves({ Name: 'phone-home/live/pd', DeletedDate: new Date() });
    parameterIs('SecureString');
    const [finding] = only(await check(withChannels()), 'channel-secrets');
    expect(finding?.what).toMatch(/is scheduled for deletion/);
    expect(finding?.todo).toMatch(/aws secretsmanager restore-secret/);
  });

  it('warns, without failing the check, where the credentials may not describe a secret', async () => {
    secrets.on(DescribeSecretCommand).rejects(awsError('AccessDeniedException'));
    ssm.on(DescribeParametersCommand).rejects(awsError('AccessDeniedException'));
    const findings = only(await check(withChannels()), 'channel-secrets');
    expect(findings.map((f) => [f.severity, isError(f)])).toEqual([
      ['warning', false],
      ['warning', false],
    ]);
    expect(formatFinding(findings[0] as Finding)).toMatch(
      /^! channel-secrets \(eu-west-1\): cannot verify channel pd's routingKey \(secret phone-home\/live\/pd\)/,
    );
    expect(verdict(findings, 'live')).toEqual({
      line: 'Stage live is ready: no findings (2 warnings: checks that could not tell).',
      exitCode: 0,
    });
    const missing: Finding = { check: 'placeholders', what: 'x', todo: 'y' };
    expect(verdict([missing, ...findings], 'live')).toEqual({
      line: '1 finding for stage live (2 warnings: checks that could not tell): fix them, then run this again.',
      exitCode: 1,
    });
  });

  it('checks both regions of a pair: each Listener delivers', async () => {
    const pair = loadStage('prod-pair', examples);
    const findings = only(await check({ ...pair, channels: withChannels([pd]).channels }), 'channel-secrets');
    expect(findings.map((f) => f.region)).toEqual(['us-east-1', 'us-east-2']);
  });

  it('stops with exit 3 on any other AWS failure, naming the service and the reference', async () => {
    secrets.on(DescribeSecretCommand).rejects(awsError('InternalServiceError', 'boom'));
    const failure = await check(withChannels([pd])).catch((error: unknown) => error);
    expect(explain(failure)).toEqual({
      line: expect.stringMatching(
        /^listener: Secrets Manager did not describe secret phone-home\/live\/pd \(InternalServiceError\) — /,
      ),
      exitCode: 3,
    });
  });
});
