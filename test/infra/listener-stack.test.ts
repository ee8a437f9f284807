import { Match, type Template } from 'aws-cdk-lib/assertions';
import type { CfnRole } from 'aws-cdk-lib/aws-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reservedConcurrency } from '../../cli/deploy/deploy-check.js';
import { ESBUILD_OPTIONS } from '../../infra/constructs/bundle.js';
import { FUNCTION_SPECS } from '../../infra/constructs/functions.js';
import { OUTPUT_KEYS } from '../../infra/stage-names.js';
import type { StageInput } from '../../infra/stages.js';
import { createTableInput, DUE_INDEX } from '../../shared/adapters/dynamo/table-schema.js';
import { SEVERITIES } from '../../shared/domain/event.js';
import {
  FALLBACK_FUNCTION,
  FUNCTION_NAMES,
  type FunctionName,
  PING_ROUTE,
  ROUTES,
} from '../../shared/http/routes.js';
import {
  evaluate,
  type Statement as IamStatement,
  resolvedStatements,
  TemplateNames,
} from '../support/iam.js';
import { type FilterPolicy, filterAccepts } from '../support/sns-filter.js';
import { logicalId, removeAssemblies, STAGES, type Synthesized, synthStage } from './synth.js';

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

/** Actions on the Listener's data and notifications (the logs and X-Ray statements every function has aside). */
/** The distinct actions of a role (an action granted on two item families counts once). */
const actionsOf = (statements: Statement[]) => [
  ...new Set(
    statements
      .flatMap((s) => [s.Action].flat())
      .filter((a) => !a.startsWith('logs:') && !a.startsWith('xray:'))
      .sort(),
  ),
];

describe('the table', () => {
  it('is on-demand with point-in-time recovery and TTL on the events expiry attribute', () => {
    dev.template.hasResourceProperties('AWS::DynamoDB::Table', {
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    });
  });

  it('has exactly the keys and indexes of shared/adapters/dynamo/table-schema.ts, including the due GSI', () => {
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
  it('has the routes of shared/http/routes.ts, the ping URLs and a $default route', () => {
    const keys = Object.values(dev.template.findResources('AWS::ApiGatewayV2::Route')).map(
      (r) => (r as Resource).Properties.RouteKey,
    );
    // The console's routes are its own construct's (test/infra/console.test.ts).
    const api = keys.filter((key) => !String(key).includes(' /console'));
    const pings = PING_ROUTE.methods.map((method) => `${method} ${PING_ROUTE.path}`);
    expect(api.sort()).toEqual([...ROUTES.map((r) => `${r.method} ${r.path}`), ...pings, '$default'].sort());
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
    for (const method of PING_ROUTE.methods) {
      expect(JSON.stringify(targetOf(`${method} ${PING_ROUTE.path}`))).toContain(integrationOf('ping'));
    }
  });

  it('logs the route a request took, never its path (a ping URL holds its secret there)', () => {
    const stage = only(dev.template, 'AWS::ApiGatewayV2::Stage');
    const format = String((stage.Properties.AccessLogSettings as { Format: string }).Format);
    expect(format).toContain('$context.routeKey');
    expect(format).not.toMatch(/\$context\.(path|resourcePath)/);
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
    expect(prod.config.throttling).toMatchObject({ rateLimit: 100, burstLimit: 200 });
  });

  it('throttles each Logger route on its own, at the limits of the stage config', () => {
    for (const s of [dev, prod]) {
      const stage = only(s.template, 'AWS::ApiGatewayV2::Stage').Properties;
      const { routes } = s.config.throttling;
      expect(stage.RouteSettings).toEqual({
        'POST /v1/heartbeat': {
          ThrottlingRateLimit: routes.heartbeat.rateLimit,
          ThrottlingBurstLimit: routes.heartbeat.burstLimit,
        },
        'POST /v1/events': {
          ThrottlingRateLimit: routes.events.rateLimit,
          ThrottlingBurstLimit: routes.events.burstLimit,
        },
        'POST /v1/relay': {
          ThrottlingRateLimit: routes.relay.rateLimit,
          ThrottlingBurstLimit: routes.relay.burstLimit,
        },
      });
    }
    expect(prod.config.throttling.routes.events).toEqual({ rateLimit: 50, burstLimit: 100 });
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

  it('run Node.js 24 on ARM64 with explicit memory and timeout', () => {
    for (const name of FUNCTION_NAMES) {
      expect(functionProps(dev, name)).toMatchObject({
        Runtime: 'nodejs24.x',
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
    });
    // No source maps are shipped, so nothing to enable.
    expect(envOf(dev, 'sweeper')).not.toHaveProperty('NODE_OPTIONS');
    // The sweeper knows its schedule's period: a pair's twin watch pages after two of them.
    expect(envOf(dev, 'sweeper').SWEEP_EVERY).toBe(dev.config.sweepRate);
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

  it('are bundled by the local esbuild as minified ESM for Node 24 without source maps, split into chunks', () => {
    expect(ESBUILD_OPTIONS).toMatchObject({
      format: 'esm',
      target: 'node24',
      minify: true,
      sourcemap: false,
      splitting: true,
      outExtension: { '.js': '.mjs' },
    });
    expect(ESBUILD_OPTIONS.banner.js).toContain('createRequire(import.meta.url)');
  });
});

describe('production settings', () => {
  it('reserves one sweeper, caps each ingest function at the stage ingestConcurrency, and leaves health free', () => {
    for (const s of [dev, prod]) {
      expect(functionProps(s, 'sweeper').ReservedConcurrentExecutions).toBe(1);
      for (const name of ['heartbeat', 'events', 'relay'] as const) {
        expect(functionProps(s, name).ReservedConcurrentExecutions, name).toBe(s.config.ingestConcurrency);
      }
      expect(functionProps(s, 'health').ReservedConcurrentExecutions).toBeUndefined();
    }
    expect([dev.config.ingestConcurrency, prod.config.ingestConcurrency]).toEqual([5, 50]);
  });

  it('reserves exactly what `listener deploy check` compares with the account quota', () => {
    for (const s of [dev, prod]) {
      const reserved = FUNCTION_NAMES.reduce(
        (sum, name) => sum + Number(functionProps(s, name).ReservedConcurrentExecutions ?? 0),
        0,
      );
      expect(reserved, s.config.stage).toBe(reservedConcurrency(s.config));
    }
  });

  it('traces with X-Ray only where the stage asks for it', () => {
    expect(dev.config.tracing).toBe(true);
    expect(prod.config.tracing).toBe(false);
    for (const name of FUNCTION_NAMES) {
      expect(functionProps(dev, name).TracingConfig).toEqual({ Mode: 'Active' });
      expect(functionProps(prod, name).TracingConfig).toBeUndefined();
    }
  });

  it('serves the API on the custom domain with its ACM certificate when the stage has one', () => {
    const certificateArn =
      'arn:aws:acm:eu-west-1:123456789012:certificate/0b6e5b3c-6a7d-4f0e-9a1c-2f3e4d5c6b7a';
    const custom = synthStage('custom', {
      custom: { ...STAGES.prod, domainName: 'listener.example.com', certificateArn } as StageInput,
    });
    custom.template.hasResourceProperties('AWS::ApiGatewayV2::DomainName', {
      DomainName: 'listener.example.com',
      DomainNameConfigurations: [
        Match.objectLike({ CertificateArn: certificateArn, EndpointType: 'REGIONAL' }),
      ],
    });
    custom.template.hasResourceProperties('AWS::ApiGatewayV2::ApiMapping', {
      ApiId: { Ref: logicalId(custom.stack.api.httpApi) },
      Stage: '$default',
    });
    const outputs = custom.template.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(outputs[OUTPUT_KEYS.apiUrl]?.Value).toEqual({
      'Fn::Join': ['', ['https://', { Ref: logicalId(custom.stack.api.domain as never) }]],
    });
    expect(outputs.CustomDomainTarget?.Value).toEqual({
      'Fn::GetAtt': [logicalId(custom.stack.api.domain as never), 'RegionalDomainName'],
    });
    expect(dev.template.findResources('AWS::ApiGatewayV2::DomainName')).toEqual({});
  });
});

describe('least privilege', () => {
  // heartbeat: UpdateItem (and re-read) its Logger, PutItem an ended outage into its history; ping: also
  // read its directory entry (GetItem) and PutItem its history slot.
  it.each(['heartbeat', 'ping'] as const)(
    'lets %s only read, UpdateItem and PutItem what it records, publish to the alarm topic and put events',
    (name) => {
      expect(actionsOf(statementsOf(dev, name))).toEqual(
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
    },
  );

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

  it('lets relay read the bridge credential and which records it had, UpdateItem Loggers and PutItem markers and events, publish and put events', () => {
    expect(actionsOf(statementsOf(dev, 'relay'))).toEqual(
      [
        'dynamodb:BatchGetItem',
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

  it('lets the sweeper Query only the due, fleet and state indexes, GetItem/BatchGetItem/PutItem/UpdateItem/DeleteItem the table (no transactions), publish, put events and park a failed sweep', () => {
    const statements = statementsOf(dev, 'sweeper');
    expect(actionsOf(statements)).toEqual(
      [
        'dynamodb:BatchGetItem',
        'dynamodb:DeleteItem',
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:Query',
        'dynamodb:UpdateItem',
        'events:PutEvents',
        'kms:Decrypt',
        'kms:GenerateDataKey',
        'sns:Publish',
        // Its on-failure destination: the failed-sweeps queue, nothing else of SQS.
        'sqs:SendMessage',
      ].sort(),
    );
    const query = statements.find((s) => s.Action === 'dynamodb:Query');
    const index = (name: string) => ({
      'Fn::Join': ['', [{ 'Fn::GetAtt': [logicalId(dev.stack.store.table), 'Arn'] }, `/index/${name}`]],
    });
    // The mass-silence guard's watched count (docs/mass-silence.md): the counter item minus the paused
    // Loggers of the state index; a table without the counter yet counts the fleet index.
    expect(query?.Resource).toEqual([index('due'), index('fleet'), index('state')]);
  });

  it('limits each ingest function to the item families it touches (dynamodb:LeadingKeys)', () => {
    const grants = (name: FunctionName) =>
      statementsOf(dev, name)
        .filter((s) => [s.Action].flat().some((a) => a.startsWith('dynamodb:')))
        .map((s) => {
          const condition = s.Condition as Record<string, Record<string, unknown>> | undefined;
          expect(condition?.Null, name).toEqual({ 'dynamodb:LeadingKeys': 'false' });
          return [
            [s.Action].flat().sort().join(' '),
            condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys'],
          ];
        });
    expect(grants('heartbeat')).toEqual([
      ['dynamodb:GetItem dynamodb:PutItem dynamodb:UpdateItem', ['LOGGER#*']],
      ['dynamodb:GetItem', ['LISTENER#CONSOLE']],
    ]);
    expect(grants('events')).toEqual([
      ['dynamodb:GetItem dynamodb:PutItem dynamodb:UpdateItem', ['LOGGER#*']],
      ['dynamodb:GetItem', ['LISTENER#CONSOLE']],
    ]);
    expect(grants('relay')).toEqual([
      ['dynamodb:BatchGetItem dynamodb:GetItem dynamodb:PutItem dynamodb:UpdateItem', ['LOGGER#*']],
      ['dynamodb:GetItem', ['BRIDGE#*', 'LISTENER#CONSOLE']],
    ]);
  });

  it('so IAM refuses an ingest function any other family, and any write to the link key', () => {
    const names = new TemplateNames(dev.template.toJSON());
    const table = names.resolve({ 'Fn::GetAtt': [logicalId(dev.stack.store.table), 'Arn'] }) as string;
    const role = (name: FunctionName) =>
      resolvedStatements(names, { Statement: statementsOf(dev, name) }) as IamStatement[];
    const item = (action: string, ...pks: string[]) => ({
      action: `dynamodb:${action}`,
      resource: table,
      context: { 'dynamodb:LeadingKeys': pks },
    });
    expect(evaluate(role('heartbeat'), item('UpdateItem', 'LOGGER#geocust1/A'))).toBe('allowed');
    for (const name of ['heartbeat', 'events', 'relay'] as const) {
      for (const pk of ['LISTENER#SWEEPER', 'CUSTOMER#geocust1', 'LINK#x', 'LISTENER#CONSOLE']) {
        expect(evaluate(role(name), item('UpdateItem', pk)), `${name} ${pk}`).toBe('implicitly denied');
      }
      expect(evaluate(role(name), item('GetItem', 'LISTENER#SWEEPER')), name).toBe('implicitly denied');
      // A request naming no partition key (IAM's empty set) is no way around it.
      expect(evaluate(role(name), item('GetItem')), name).toBe('implicitly denied');
    }
    expect(evaluate(role('heartbeat'), item('GetItem', 'BRIDGE#site1'))).toBe('implicitly denied');
    // Its history's outage, under the Logger's own key, and nothing else.
    expect(evaluate(role('heartbeat'), item('PutItem', 'LOGGER#geocust1/A'))).toBe('allowed');
    expect(evaluate(role('heartbeat'), item('PutItem', 'LISTENER#MASS_SILENCE'))).toBe('implicitly denied');
    expect(evaluate(role('relay'), item('GetItem', 'BRIDGE#site1'))).toBe('allowed');
    expect(evaluate(role('relay'), item('PutItem', 'BRIDGE#site1'))).toBe('implicitly denied');
    expect(evaluate(role('relay'), item('BatchGetItem', 'LOGGER#a/A', 'LOGGER#b/B'))).toBe('allowed');
    expect(evaluate(role('relay'), item('BatchGetItem', 'LOGGER#a/A', 'BRIDGE#x'))).toBe('implicitly denied');
  });

  it('gives health no data access at all', () => {
    expect(actionsOf(statementsOf(dev, 'health'))).toEqual([]);
  });

  it('grants no wildcard action, and no wildcard resource but the X-Ray actions AWS allows only on "*"', () => {
    const xray = ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'];
    for (const s of [dev, prod]) {
      const policies = Object.values(s.template.findResources('AWS::IAM::Policy')) as Resource[];
      expect(policies.length).toBeGreaterThan(0);
      for (const policy of policies) {
        for (const st of (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement) {
          for (const action of [st.Action].flat()) expect(action).not.toContain('*');
          if (st.Resource === '*') expect([st.Action].flat().sort()).toEqual(xray);
          else expect(JSON.stringify(st.Resource)).not.toMatch(/\*/);
        }
      }
    }
  });

  it('uses no AWS managed policy: each role writes only to its own log group', () => {
    expect(
      Object.values(dev.template.findResources('AWS::IAM::Role')).map(
        (r) => (r as Resource).Properties.ManagedPolicyArns,
      ),
    ).toEqual(Object.values(dev.template.findResources('AWS::IAM::Role')).map(() => undefined));
    for (const name of FUNCTION_NAMES) {
      const logs = statementsOf(dev, name).filter((st) =>
        [st.Action].flat().some((a) => a.startsWith('logs:')),
      );
      expect(logs).toEqual([
        {
          Effect: 'Allow',
          Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          Resource: { 'Fn::GetAtt': [logicalId(dev.stack.functions.logGroups[name]), 'Arn'] },
        },
      ]);
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

  it('drops a sweep Lambda could not run within 5 minutes into an encrypted failed-sweeps queue', () => {
    const queue = dev.stack.sweeper.failedSweeps;
    dev.template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: logicalId(dev.stack.functions.byName.sweeper) },
      MaximumEventAgeInSeconds: 300,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [logicalId(queue), 'Arn'] } } },
    });
    const props = (dev.template.findResources('AWS::SQS::Queue')[logicalId(queue)] as Resource).Properties;
    expect(props.SqsManagedSseEnabled).toBe(true);
    const sends = statementsOf(dev, 'sweeper').filter((st) => [st.Action].flat().includes('sqs:SendMessage'));
    expect(sends.map((st) => st.Resource)).toEqual([{ 'Fn::GetAtt': [logicalId(queue), 'Arn'] }]);
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
  it('encrypts each topic with its own rotating customer-managed key', () => {
    const { alarmTopic, opsTopic, key, opsKey } = dev.stack.notifications;
    const topics = dev.template.findResources('AWS::SNS::Topic');
    expect(Object.keys(topics)).toHaveLength(2);
    const keyOf = (topic: typeof alarmTopic) =>
      (topics[logicalId(topic)] as Resource).Properties.KmsMasterKeyId;
    expect(keyOf(alarmTopic)).toEqual({ 'Fn::GetAtt': [logicalId(key), 'Arn'] });
    expect(opsKey).toBeDefined();
    if (opsKey) expect(keyOf(opsTopic)).toEqual({ 'Fn::GetAtt': [logicalId(opsKey), 'Arn'] });
    const keys = Object.values(dev.template.findResources('AWS::KMS::Key')) as Resource[];
    expect(keys).toHaveLength(2);
    for (const k of keys) expect(k.Properties.EnableKeyRotation).toBe(true);
  });

  it("leaves the ops topic unencrypted, and the sweeper without a key grant for it, with opsTopicKey 'none'", () => {
    const plain = synthStage('plain', { plain: { ...(STAGES.dev as StageInput), opsTopicKey: 'none' } });
    const { opsTopic, opsKey } = plain.stack.notifications;
    expect(opsKey).toBeUndefined();
    const topic = plain.template.findResources('AWS::SNS::Topic')[logicalId(opsTopic)] as Resource;
    expect(topic.Properties.KmsMasterKeyId).toBeUndefined();
    expect(Object.keys(plain.template.findResources('AWS::KMS::Key'))).toHaveLength(1);
  });

  it('subscribes ops SMS numbers and HTTPS endpoints to the ops topic', () => {
    const paged = synthStage('paged', {
      paged: {
        ...(STAGES.dev as StageInput),
        opsSms: ['+447700900125'],
        opsHttps: ['https://events.pagerduty.example/integration/abc/enqueue'],
      },
    });
    const ops = JSON.stringify({ Ref: logicalId(paged.stack.notifications.opsTopic) });
    const subscriptions = (
      Object.values(paged.template.findResources('AWS::SNS::Subscription')) as Resource[]
    )
      .filter((sub) => JSON.stringify(sub.Properties.TopicArn) === ops)
      .map((sub) => `${sub.Properties.Protocol}:${sub.Properties.Endpoint}`)
      .sort();
    expect(subscriptions).toEqual([
      'email:listener-dev@example.com',
      'https:https://events.pagerduty.example/integration/abc/enqueue',
      'sms:+447700900125',
    ]);
  });

  it("gives the functions the stage's SMS sender ID and origination number, and nothing when it has none", () => {
    const sender = synthStage('sender', {
      sender: {
        ...(STAGES.dev as StageInput),
        sms: { monthlySpendLimitUsd: 10, senderId: 'GEOLISTEN', originationNumber: '+447700900126' },
      },
    });
    expect(envOf(sender, 'sweeper')).toMatchObject({
      SMS_SENDER_ID: 'GEOLISTEN',
      SMS_ORIGINATION_NUMBER: '+447700900126',
    });
    expect(envOf(dev, 'sweeper')).not.toHaveProperty('SMS_SENDER_ID');
    expect(envOf(dev, 'sweeper')).not.toHaveProperty('SMS_ORIGINATION_NUMBER');
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

  it("subscribes the stage's emails and SMS numbers to the right topics", () => {
    const alarmTopic = { Ref: logicalId(prod.stack.notifications.alarmTopic) };
    const endpoints = (topic: unknown) =>
      (Object.values(prod.template.findResources('AWS::SNS::Subscription')) as Resource[])
        .filter((sub) => JSON.stringify(sub.Properties.TopicArn) === JSON.stringify(topic))
        .map((sub) => `${sub.Properties.Protocol}:${sub.Properties.Endpoint}`)
        .sort();
    expect(endpoints(alarmTopic)).toEqual([
      'email:icm-support@example.com',
      'email:rep-geo@example.com',
      'sms:+447700900123',
    ]);
    expect(endpoints({ Ref: logicalId(prod.stack.notifications.opsTopic) })).toEqual([
      'email:listener-ops@example.com',
    ]);
  });

  describe('prod subscribers get every kind they need (filter policies evaluated as SNS does)', () => {
    const policyOf = (endpoint: string) => {
      const sub = (Object.values(prod.template.findResources('AWS::SNS::Subscription')) as Resource[]).find(
        (s) => s.Properties.Endpoint === endpoint,
      );
      expect(sub, endpoint).toBeDefined();
      return sub?.Properties.FilterPolicy as FilterPolicy | undefined;
    };
    /** The attributes the Listener publishes (shared/domain/notices/notification.ts messageAttributes). */
    const page = (kind: string, customer: string, severity?: string) => {
      const states: Record<string, string> = {
        LOGGER_SILENT: 'error',
        CUSTOMER_BLIND: 'critical',
        LOGGER_RECOVERED: 'info',
      };
      return { kind, customer, side: 'A', severity: severity ?? states[kind] ?? 'info' };
    };
    const STATE_KINDS = ['LOGGER_SILENT', 'CUSTOMER_BLIND', 'LOGGER_RECOVERED'];

    it('icm-support gets everything', () => {
      const policy = policyOf('icm-support@example.com');
      for (const kind of STATE_KINDS) expect(filterAccepts(policy, page(kind, 'anyone'))).toBe(true);
      for (const severity of SEVERITIES) {
        expect(filterAccepts(policy, page('LOGGER_EVENT', 'anyone', severity))).toBe(true);
      }
    });

    it('the rep gets the page, the blind page and the all-clear of their customers, and their warning+ events', () => {
      const policy = policyOf('rep-geo@example.com');
      for (const customer of ['geocust1', 'geocust2']) {
        for (const kind of STATE_KINDS) expect(filterAccepts(policy, page(kind, customer)), kind).toBe(true);
        expect(filterAccepts(policy, page('LOGGER_EVENT', customer, 'warning'))).toBe(true);
        expect(filterAccepts(policy, page('LOGGER_EVENT', customer, 'critical'))).toBe(true);
        expect(filterAccepts(policy, page('LOGGER_EVENT', customer, 'info'))).toBe(false);
      }
      for (const kind of [...STATE_KINDS, 'LOGGER_EVENT']) {
        expect(filterAccepts(policy, page(kind, 'othercust', 'critical')), kind).toBe(false);
      }
    });

    it('the on-call phone gets silences, blind customers and their all-clears, not forwarded events', () => {
      const policy = policyOf('+447700900123');
      for (const kind of STATE_KINDS) expect(filterAccepts(policy, page(kind, 'anyone')), kind).toBe(true);
      expect(filterAccepts(policy, page('LOGGER_EVENT', 'anyone', 'critical'))).toBe(false);
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

  it('alarms when the failed-sweeps queue is not empty (a sweep Lambda accepted but never ran or that failed)', () => {
    expect(alarm('sweeper-failed-invocations')).toMatchObject({
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [
        {
          Name: 'QueueName',
          Value: { 'Fn::GetAtt': [logicalId(dev.stack.sweeper.failedSweeps), 'QueueName'] },
        },
      ],
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
  });

  it('alarms when Lambda throttles the sweeper even once', () => {
    expect(alarm('sweeper-throttles')).toMatchObject({
      Namespace: 'AWS/Lambda',
      MetricName: 'Throttles',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: logicalId(dev.stack.functions.byName.sweeper) } }],
      Statistic: 'Sum',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
  });

  it('alarms when SNS fails to deliver to a subscriber of either topic (NumberOfNotificationsFailed)', () => {
    const props = alarm('sns-deliveries-failed');
    expect(props).toMatchObject({ Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
    const metrics = props.Metrics as { MetricStat?: { Metric: unknown } }[];
    const stats = metrics.flatMap((m) => (m.MetricStat ? [m.MetricStat.Metric] : []));
    for (const topic of [dev.stack.notifications.alarmTopic, dev.stack.notifications.opsTopic]) {
      expect(stats).toContainEqual({
        Namespace: 'AWS/SNS',
        MetricName: 'NumberOfNotificationsFailed',
        Dimensions: [{ Name: 'TopicName', Value: { 'Fn::GetAtt': [logicalId(topic), 'TopicName'] } }],
      });
    }
  });

  it('alarms at 80 % of the SMS monthly spend limit where the stage sends SMS, and not where it sends none', () => {
    const smsAlarm = (s: Synthesized) =>
      (Object.values(s.template.findResources('AWS::CloudWatch::Alarm')) as Resource[]).find(
        (a) => a.Properties.AlarmName === `PhoneHomeListener-${s.config.stage}-sms-spend-near-limit`,
      )?.Properties;
    expect(prod.config.alarmSms.length).toBeGreaterThan(0);
    expect(smsAlarm(prod)).toMatchObject({
      Namespace: 'AWS/SNS',
      MetricName: 'SMSMonthToDateSpentUSD',
      Statistic: 'Maximum',
      Threshold: 0.8 * prod.config.sms.monthlySpendLimitUsd,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
    const big = synthStage('big', {
      big: { ...(STAGES.dev as StageInput), opsSms: ['+447700900124'], sms: { monthlySpendLimitUsd: 50 } },
    });
    expect(smsAlarm(big)?.Threshold).toBe(40);
    expect(smsAlarm(dev)).toBeUndefined();
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

  it('alarms when a sweep fails to process any item (SweepItemsFailed)', () => {
    expect(alarm('sweep-items-failed')).toMatchObject({
      Namespace: 'PhoneHomeListener',
      MetricName: 'SweepItemsFailed',
      Dimensions: [{ Name: 'service', Value: 'phone-home-listener-dev' }],
      Statistic: 'Sum',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
    });
  });

  it('alarms when a pending notification is older than two sweep periods', () => {
    expect(alarm('notifications-stuck')).toMatchObject({
      MetricName: 'PendingNotificationMaxAgeSeconds',
      Statistic: 'Maximum',
      Threshold: 120, // sweepRate 1m × 2
      ComparisonOperator: 'GreaterThanThreshold',
    });
    const slow = synthStage('slow', { slow: { ...STAGES.dev, sweepRate: '5m' } as StageInput });
    const stuck = (Object.values(slow.template.findResources('AWS::CloudWatch::Alarm')) as Resource[]).find(
      (a) => a.Properties.AlarmName === 'PhoneHomeListener-slow-notifications-stuck',
    );
    expect(stuck?.Properties.Threshold).toBe(600);
  });

  it('alarms on refused Logger requests: API 429s counted from the access logs, and ingest Lambda throttles', () => {
    const props = alarm('requests-refused');
    expect(props).toMatchObject({ Threshold: 10, ComparisonOperator: 'GreaterThanThreshold' });
    const metrics = props.Metrics as { Id: string; Expression?: string; MetricStat?: { Metric: unknown } }[];
    const stats = metrics.flatMap((m) => (m.MetricStat ? [m.MetricStat.Metric] : []));
    expect(stats).toContainEqual({
      Namespace: 'PhoneHomeListener',
      MetricName: 'ApiThrottled',
      Dimensions: [{ Name: 'ApiId', Value: { Ref: logicalId(dev.stack.api.httpApi) } }],
    });
    for (const name of ['heartbeat', 'events', 'relay'] as const) {
      expect(stats).toContainEqual({
        Namespace: 'AWS/Lambda',
        MetricName: 'Throttles',
        Dimensions: [{ Name: 'FunctionName', Value: { Ref: logicalId(dev.stack.functions.byName[name]) } }],
      });
    }
    dev.template.hasResourceProperties('AWS::Logs::MetricFilter', {
      LogGroupName: { Ref: logicalId(dev.stack.api.accessLogs) },
      // The access log writes the status as a JSON string: only a string compare matches it.
      FilterPattern: '{ $.status = "429" }',
      MetricTransformations: [
        {
          MetricNamespace: 'PhoneHomeListener',
          MetricName: 'ApiThrottled',
          MetricValue: '1',
          Dimensions: [{ Key: 'ApiId', Value: '$.apiId' }],
        },
      ],
    });
  });

  it('alarms when no heartbeat arrives for the stage window while Loggers are watched', () => {
    for (const [s, seconds] of [
      [dev, 86_400],
      [prod, 3_600],
    ] as const) {
      const found = (Object.values(s.template.findResources('AWS::CloudWatch::Alarm')) as Resource[]).find(
        (a) => a.Properties.AlarmName === `PhoneHomeListener-${s.config.stage}-heartbeats-stopped`,
      );
      const props = found?.Properties as Record<string, unknown>;
      expect(props).toMatchObject({
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        EvaluationPeriods: 1,
        TreatMissingData: 'notBreaching',
      });
      const metrics = props.Metrics as {
        Id: string;
        Expression?: string;
        MetricStat?: { Metric: { MetricName: string }; Period: number; Stat: string };
      }[];
      const byName = (name: string) => metrics.find((m) => m.MetricStat?.Metric.MetricName === name);
      expect(byName('Heartbeats')?.MetricStat).toMatchObject({ Period: seconds, Stat: 'Sum' });
      expect(byName('WatchedLoggers')?.MetricStat).toMatchObject({ Period: seconds, Stat: 'Maximum' });
      const expression = metrics.find((m) => m.Expression)?.Expression;
      expect(expression).toBe(
        `IF(${byName('WatchedLoggers')?.Id} > 0 AND FILL(${byName('Heartbeats')?.Id}, 0) == 0, 1, 0)`,
      );
    }
  });

  it('sends every alarm, and its recovery, to the ops topic', () => {
    const ops = [{ Ref: logicalId(dev.stack.notifications.opsTopic) }];
    const alarms = Object.values(dev.template.findResources('AWS::CloudWatch::Alarm')) as Resource[];
    expect(alarms).toHaveLength(13);
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

  it('has termination protection on a stage marked production, and not on dev', () => {
    expect(prod.config.production).toBe(true);
    expect(prod.stack.terminationProtection).toBe(true);
    expect(dev.stack.terminationProtection).toBe(false);
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
