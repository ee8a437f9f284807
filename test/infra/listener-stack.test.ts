import { Match, type Template } from 'aws-cdk-lib/assertions';
import type { CfnRole } from 'aws-cdk-lib/aws-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUNDLING, FUNCTION_SPECS } from '../../infra/constructs/functions.js';
import { OUTPUT_KEYS } from '../../infra/stage-names.js';
import { STAGES, type StageInput } from '../../infra/stages.js';
import { createTableInput, DUE_INDEX } from '../../shared/adapters/table-schema.js';
import { FALLBACK_FUNCTION, FUNCTION_NAMES, type FunctionName, ROUTES } from '../../shared/http/routes.js';
import { logicalId, removeAssemblies, type Synthesized, synthStage } from './synth.js';

type Resource = { Type: string; Properties: Record<string, unknown>; DeletionPolicy?: string };
type Statement = { Action: string | string[]; Resource: unknown; Effect: string; Condition?: unknown };

let dev: Synthesized;
let prod: Synthesized;

beforeAll(() => {
  dev = synthStage('dev');
  prod = synthStage('prod');
});
afterAll(removeAssemblies);

const only = (template: Template, type: string): Resource => {
  const found = Object.values(template.findResources(type)) as Resource[];
  expect(found, `exactly one ${type}`).toHaveLength(1);
  return found[0] as Resource;
};

/** The statements of the inline policy attached to a function's role (none = []). */
function statementsOf(s: Synthesized, name: FunctionName): Statement[] {
  const fn = s.stack.functions.byName[name];
  const roleId = logicalId(fn.role?.node.defaultChild as CfnRole);
  const policies = Object.values(s.template.findResources('AWS::IAM::Policy')) as Resource[];
  return policies
    .filter((p) => JSON.stringify(p.Properties.Roles) === JSON.stringify([{ Ref: roleId }]))
    .flatMap((p) => (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
}

/** The synthesized properties of a function. */
function functionProps(s: Synthesized, name: FunctionName): Record<string, unknown> {
  const fn = s.template.findResources('AWS::Lambda::Function')[logicalId(s.stack.functions.byName[name])];
  if (!fn) throw new Error(`function ${name} not in the template`);
  return (fn as Resource).Properties;
}

const envOf = (s: Synthesized, name: FunctionName) =>
  (functionProps(s, name).Environment as { Variables: Record<string, unknown> }).Variables;

const actionsOf = (statements: Statement[]) => statements.flatMap((s) => [s.Action].flat()).sort();

describe('the table', () => {
  it('is on-demand with point-in-time recovery and TTL on the events expiry attribute', () => {
    dev.template.hasResourceProperties('AWS::DynamoDB::Table', {
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    });
  });

  it('has exactly the keys and indexes of shared/adapters/table-schema.ts, including the due GSI', () => {
    const shape = createTableInput('x');
    const table = only(dev.template, 'AWS::DynamoDB::Table').Properties;
    expect(table.KeySchema).toEqual(shape.KeySchema);
    expect(table.AttributeDefinitions).toEqual(expect.arrayContaining(shape.AttributeDefinitions));
    expect(table.AttributeDefinitions).toHaveLength(shape.AttributeDefinitions.length);
    expect(table.GlobalSecondaryIndexes).toEqual(shape.GlobalSecondaryIndexes);
    expect(shape.GlobalSecondaryIndexes.map((i) => i.IndexName)).toContain(DUE_INDEX.name);
  });

  it('is retained and deletion-protected in prod', () => {
    const table = only(prod.template, 'AWS::DynamoDB::Table');
    expect(table.DeletionPolicy).toBe('Retain');
    expect(table.Properties.DeletionProtectionEnabled).toBe(true);
  });

  it('is deleted with a dev stack and not deletion-protected there', () => {
    const table = only(dev.template, 'AWS::DynamoDB::Table');
    expect(table.DeletionPolicy).toBe('Delete');
    expect(table.Properties.DeletionProtectionEnabled).toBe(false);
  });
});

describe('the HTTP API', () => {
  it('has the routes of shared/http/routes.ts and a $default route', () => {
    const keys = Object.values(dev.template.findResources('AWS::ApiGatewayV2::Route')).map(
      (r) => (r as Resource).Properties.RouteKey,
    );
    // The console's routes are its own construct's (test/infra/console.test.ts).
    const api = keys.filter((key) => !String(key).includes(' /console'));
    expect(api.sort()).toEqual([...ROUTES.map((r) => `${r.method} ${r.path}`), '$default'].sort());
  });

  it('sends each route, and $default, to its function', () => {
    const integrationOf = (fn: FunctionName) => {
      const fnId = logicalId(dev.stack.functions.byName[fn]);
      const found = Object.entries(dev.template.findResources('AWS::ApiGatewayV2::Integration')).filter(
        ([, r]) => JSON.stringify((r as Resource).Properties.IntegrationUri).includes(`"${fnId}"`),
      );
      expect(found, `one integration for ${fn}`).toHaveLength(1);
      return found[0]?.[0];
    };
    const routes = Object.values(dev.template.findResources('AWS::ApiGatewayV2::Route')) as Resource[];
    const targetOf = (key: string) => routes.find((r) => r.Properties.RouteKey === key)?.Properties.Target;
    for (const route of ROUTES) {
      expect(JSON.stringify(targetOf(`${route.method} ${route.path}`))).toContain(
        integrationOf(route.function),
      );
    }
    expect(JSON.stringify(targetOf('$default'))).toContain(integrationOf(FALLBACK_FUNCTION));
  });

  it('throttles the stage at the rate and burst of the stage config', () => {
    for (const s of [dev, prod]) {
      s.template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
        StageName: '$default',
        AutoDeploy: true,
        DefaultRouteSettings: {
          ThrottlingRateLimit: s.config.throttling.rateLimit,
          ThrottlingBurstLimit: s.config.throttling.burstLimit,
        },
      });
    }
    expect(prod.config.throttling).toEqual({ rateLimit: 100, burstLimit: 200 });
  });

  it('writes JSON access logs with the request id to a log group with retention', () => {
    const stage = only(dev.template, 'AWS::ApiGatewayV2::Stage').Properties;
    const settings = stage.AccessLogSettings as { DestinationArn: unknown; Format: string };
    expect(JSON.parse(settings.Format)).toMatchObject({
      requestId: '$context.requestId',
      status: '$context.status',
    });
    expect(settings.DestinationArn).toEqual({
      'Fn::GetAtt': [logicalId(dev.stack.api.node.findChild('AccessLogs')), 'Arn'],
    });
    dev.template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 7 });
  });

  it('never logs the Authorization header (it carries the Logger token)', () => {
    const stage = only(dev.template, 'AWS::ApiGatewayV2::Stage').Properties;
    expect(JSON.stringify(stage.AccessLogSettings)).not.toMatch(/authorization|header/i);
  });
});

describe('the Lambda functions', () => {
  it('are exactly FUNCTION_NAMES, each with a spec', () => {
    // Plus the console's own function (test/infra/console.test.ts).
    expect(Object.keys(dev.template.findResources('AWS::Lambda::Function'))).toHaveLength(
      FUNCTION_NAMES.length + 1,
    );
    expect(Object.keys(FUNCTION_SPECS).sort()).toEqual([...FUNCTION_NAMES].sort());
  });

  it('run Node.js 22 on ARM64 with explicit memory and timeout', () => {
    for (const name of FUNCTION_NAMES) {
      expect(functionProps(dev, name)).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        MemorySize: FUNCTION_SPECS[name].memoryMiB,
        Timeout: FUNCTION_SPECS[name].timeout.toSeconds(),
      });
    }
  });

  it('each log to their own log group with the stage retention', () => {
    for (const s of [dev, prod]) {
      for (const name of FUNCTION_NAMES) {
        const group = (functionProps(s, name).LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;
        expect(s.template.findResources('AWS::Logs::LogGroup')[group]?.Properties).toEqual({
          RetentionInDays: s.config.logRetentionDays,
        });
      }
    }
  });

  it('get the Listener configuration and Powertools settings as env vars', () => {
    expect(envOf(dev, 'sweeper')).toMatchObject({
      LISTENER_NAME: 'GEOCSCLNRA-DEV',
      TABLE_NAME: { Ref: logicalId(dev.stack.store.table) },
      ALARM_TOPIC_ARN: { Ref: logicalId(dev.stack.notifications.alarmTopic) },
      EVENT_BUS_NAME: { Ref: logicalId(dev.stack.notifications.bus) },
      DEFAULT_EVENT_TIMEOUT: '780m',
      DEFAULT_HEARTBEAT_INTERVAL: '720m',
      EVENT_RETENTION: '30d',
      OUTBOX_RETRY: '30s',
      RENOTIFY_EVERY: 'off',
      POWERTOOLS_SERVICE_NAME: 'phone-home-listener-dev',
      POWERTOOLS_LOG_LEVEL: 'DEBUG',
      POWERTOOLS_METRICS_NAMESPACE: 'PhoneHomeListener',
      NODE_OPTIONS: '--enable-source-maps',
    });
  });

  it('get the stage reminder period (prod reminds every 4h while DOWN and unacknowledged)', () => {
    expect(envOf(prod, 'sweeper').RENOTIFY_EVERY).toBe('4h');
  });

  it('give the topic and bus env vars only to functions that may publish', () => {
    const env = (name: FunctionName) => envOf(dev, name);
    expect(env('health')).not.toHaveProperty('ALARM_TOPIC_ARN');
    expect(env('health')).not.toHaveProperty('EVENT_BUS_NAME');
    expect(env('heartbeat')).toHaveProperty('ALARM_TOPIC_ARN');
    expect(env('events')).toHaveProperty('EVENT_BUS_NAME');
  });

  it('are bundled by the local esbuild as minified ESM for Node 22 with source maps', () => {
    expect(BUNDLING).toMatchObject({
      format: 'esm',
      target: 'node22',
      minify: true,
      sourceMap: true,
      forceDockerBundling: false,
    });
    expect(BUNDLING.banner).toContain('createRequire(import.meta.url)');
  });
});

describe('least privilege', () => {
  it('lets heartbeat only UpdateItem (and re-read) its Logger, publish to the alarm topic and put events', () => {
    expect(actionsOf(statementsOf(dev, 'heartbeat'))).toEqual(
      [
        'dynamodb:GetItem',
        'dynamodb:UpdateItem',
        'events:PutEvents',
        'kms:Decrypt',
        'kms:GenerateDataKey',
        'sns:Publish',
      ].sort(),
    );
  });

  it('lets events UpdateItem and PutItem the table (and re-read a Logger), publish and put events', () => {
    expect(actionsOf(statementsOf(dev, 'events'))).toEqual(
      [
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        'events:PutEvents',
        'kms:Decrypt',
        'kms:GenerateDataKey',
        'sns:Publish',
      ].sort(),
    );
  });

  it('lets relay read the bridge credential, UpdateItem Loggers and PutItem markers and events, publish and put events', () => {
    expect(actionsOf(statementsOf(dev, 'relay'))).toEqual(
      [
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        'events:PutEvents',
        'kms:Decrypt',
        'kms:GenerateDataKey',
        'sns:Publish',
      ].sort(),
    );
  });

  it('lets the sweeper Query only the due index, GetItem/UpdateItem/ConditionCheckItem the table, publish and put events', () => {
    const statements = statementsOf(dev, 'sweeper');
    expect(actionsOf(statements)).toEqual(
      [
        'dynamodb:ConditionCheckItem',
        'dynamodb:GetItem',
        'dynamodb:Query',
        'dynamodb:UpdateItem',
        'events:PutEvents',
        'kms:Decrypt',
        'kms:GenerateDataKey',
        'sns:Publish',
      ].sort(),
    );
    const query = statements.find((s) => s.Action === 'dynamodb:Query');
    expect(query?.Resource).toEqual({
      'Fn::Join': ['', [{ 'Fn::GetAtt': [logicalId(dev.stack.store.table), 'Arn'] }, '/index/due']],
    });
  });

  it('gives health no data access at all', () => {
    expect(statementsOf(dev, 'health')).toEqual([]);
  });

  it('grants no wildcard action and no wildcard resource in any policy', () => {
    for (const s of [dev, prod]) {
      const policies = Object.values(s.template.findResources('AWS::IAM::Policy')) as Resource[];
      expect(policies.length).toBeGreaterThan(0);
      for (const policy of policies) {
        for (const st of (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement) {
          for (const action of [st.Action].flat()) expect(action).not.toContain('*');
          expect(JSON.stringify(st.Resource)).not.toMatch(/"\*"|\/\*"/);
        }
      }
    }
  });

  it('scopes item actions to the table and the topic key to use through SNS only', () => {
    const statements = statementsOf(dev, 'events');
    const tableArn = { 'Fn::GetAtt': [logicalId(dev.stack.store.table), 'Arn'] };
    expect(statements.find((s) => [s.Action].flat().includes('dynamodb:PutItem'))?.Resource).toEqual(
      tableArn,
    );
    expect(statements.find((s) => [s.Action].flat().includes('kms:Decrypt'))?.Condition).toEqual({
      StringEquals: {
        'kms:ViaService': { 'Fn::Join': ['', ['sns.', { Ref: 'AWS::Region' }, '.amazonaws.com']] },
      },
    });
  });
});

describe('the sweeper schedule', () => {
  it('runs the sweeper every minute by default, with retries and a dead-letter queue', () => {
    dev.template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 minute)',
      Targets: [
        {
          Arn: { 'Fn::GetAtt': [logicalId(dev.stack.functions.byName.sweeper), 'Arn'] },
          RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 300 },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [logicalId(dev.stack.sweeper.deadLetterQueue), 'Arn'] } },
        },
      ],
    });
  });

  it('takes its rate from the stage config', () => {
    const slow = synthStage('slow', { slow: { ...(STAGES.dev as StageInput), sweepRate: '5m' } });
    slow.template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(5 minutes)' });
    // Two missed ticks before "not running" fires, so a slow schedule does not alarm between runs.
    slow.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'PhoneHomeListener-slow-sweeper-not-running',
      Period: 600,
    });
  });

  it('does not let Lambda retry a failed sweep on top of the next tick', () => {
    dev.template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: logicalId(dev.stack.functions.byName.sweeper) },
      MaximumRetryAttempts: 0,
    });
  });

  it('keeps the dead-letter queue encrypted and SSL-only', () => {
    dev.template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true });
    dev.template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });
});

describe('notifications', () => {
  it('encrypts both topics with a rotating customer-managed key', () => {
    const keyId = logicalId(dev.stack.notifications.key);
    const topics = Object.values(dev.template.findResources('AWS::SNS::Topic')) as Resource[];
    expect(topics).toHaveLength(2);
    for (const topic of topics)
      expect(topic.Properties.KmsMasterKeyId).toEqual({ 'Fn::GetAtt': [keyId, 'Arn'] });
    dev.template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });

  it('lets CloudWatch alarms use the key to publish to the encrypted ops topic', () => {
    dev.template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
          }),
        ]),
      },
    });
  });

  it('denies publishing to either topic without SSL', () => {
    const policies = Object.values(dev.template.findResources('AWS::SNS::TopicPolicy')) as Resource[];
    const covered = policies.flatMap((p) => {
      const { Statement } = p.Properties.PolicyDocument as { Statement: Record<string, unknown>[] };
      const denies = Statement.some(
        (s) =>
          s.Effect === 'Deny' && JSON.stringify(s.Condition) === '{"Bool":{"aws:SecureTransport":"false"}}',
      );
      return denies ? (p.Properties.Topics as unknown[]) : [];
    });
    expect(covered).toEqual(
      expect.arrayContaining([
        { Ref: logicalId(dev.stack.notifications.alarmTopic) },
        { Ref: logicalId(dev.stack.notifications.opsTopic) },
      ]),
    );
  });

  it("subscribes the stage's emails and SMS numbers with their filter policies", () => {
    const alarmTopic = { Ref: logicalId(prod.stack.notifications.alarmTopic) };
    prod.template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'icm-support@example.com',
      TopicArn: alarmTopic,
      FilterPolicy: Match.absent(),
    });
    prod.template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'rep-geo@example.com',
      TopicArn: alarmTopic,
      // Minimum severity "warning" = warning and everything above it.
      FilterPolicy: { customer: ['geocust1', 'geocust2'], severity: ['warning', 'error', 'critical'] },
    });
    prod.template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'sms',
      Endpoint: '+447700900123',
      TopicArn: alarmTopic,
      FilterPolicy: { kind: ['LOGGER_SILENT'] },
    });
    prod.template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'listener-ops@example.com',
      TopicArn: { Ref: logicalId(prod.stack.notifications.opsTopic) },
    });
  });

  it('creates a custom EventBridge bus named after the stage', () => {
    dev.template.hasResourceProperties('AWS::Events::EventBus', { Name: 'phone-home-listener-dev' });
  });
});

describe('monitoring', () => {
  const alarm = (name: string) => {
    const found = (Object.values(dev.template.findResources('AWS::CloudWatch::Alarm')) as Resource[]).find(
      (a) => a.Properties.AlarmName === `PhoneHomeListener-dev-${name}`,
    );
    expect(found, `alarm ${name}`).toBeDefined();
    return found?.Properties as Record<string, unknown>;
  };

  it('alarms when the sweeper errors even once', () => {
    expect(alarm('sweeper-errors')).toMatchObject({
      MetricName: 'Errors',
      Namespace: 'AWS/Lambda',
      Statistic: 'Sum',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
    });
  });

  it('alarms when the sweeper has not run for 5 minutes, treating missing data as breaching', () => {
    expect(alarm('sweeper-not-running')).toMatchObject({
      MetricName: 'Invocations',
      Statistic: 'Sum',
      Period: 300,
      EvaluationPeriods: 1,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: logicalId(dev.stack.functions.byName.sweeper) } }],
    });
  });

  it('alarms when the dead-letter queue is not empty', () => {
    expect(alarm('sweeper-dead-letters')).toMatchObject({
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
  });

  it('alarms when more than 5 % of API requests fail with 5xx', () => {
    const props = alarm('api-5xx-rate');
    expect(props).toMatchObject({ Threshold: 5, ComparisonOperator: 'GreaterThanThreshold' });
    const names = JSON.stringify(props.Metrics);
    expect(names).toContain('"5xx"');
    expect(names).toContain('"Count"');
    expect(names).toContain('100 * FILL(errors, 0) / requests');
  });

  it('alarms on any DynamoDB throttling, of the table or the due index', () => {
    const props = alarm('dynamodb-throttles');
    expect(props).toMatchObject({ Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
    const metrics = JSON.stringify(props.Metrics);
    for (const needle of [
      'ReadThrottleEvents',
      'WriteThrottleEvents',
      '"GlobalSecondaryIndexName","Value":"due"',
    ]) {
      expect(metrics).toContain(needle);
    }
  });

  it("alarms when the Listener fails to publish a notification (the sweeper's NotificationsFailed metric)", () => {
    expect(alarm('notifications-failed')).toMatchObject({
      Namespace: 'PhoneHomeListener',
      MetricName: 'NotificationsFailed',
      Dimensions: [{ Name: 'service', Value: 'phone-home-listener-dev' }],
      Threshold: 1,
    });
  });

  it('sends every alarm, and its recovery, to the ops topic', () => {
    const ops = [{ Ref: logicalId(dev.stack.notifications.opsTopic) }];
    const alarms = Object.values(dev.template.findResources('AWS::CloudWatch::Alarm')) as Resource[];
    expect(alarms).toHaveLength(6);
    for (const a of alarms) {
      expect(a.Properties.AlarmActions, String(a.Properties.AlarmName)).toEqual(ops);
      expect(a.Properties.OKActions, String(a.Properties.AlarmName)).toEqual(ops);
    }
  });
});

describe('the stack', () => {
  it('carries the stage in its name so stages live side by side', () => {
    expect(dev.stack.stackName).toBe('PhoneHomeListener-dev');
    expect(prod.stack.stackName).toBe('PhoneHomeListener-prod');
  });

  it("deploys to the stage's configured region", () => {
    expect(prod.stack.region).toBe('eu-west-1');
  });

  it('outputs the API URL, table name, topic ARNs and bus name under the keys the CLI reads', () => {
    const outputs = dev.template.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(Object.keys(outputs).sort()).toEqual(Object.values(OUTPUT_KEYS).sort());
    expect(outputs[OUTPUT_KEYS.apiUrl]?.Value).toEqual({
      'Fn::GetAtt': [logicalId(dev.stack.api.httpApi), 'ApiEndpoint'],
    });
    expect(outputs[OUTPUT_KEYS.tableName]?.Value).toEqual({ Ref: logicalId(dev.stack.store.table) });
  });
});
