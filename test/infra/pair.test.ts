/**
 * A Listener pair (docs/deploy.md#listener-pair): the reference note's Listener A and B, one stack per side
 * in its own region, sharing one DynamoDB global table with multi-Region strong consistency (MRSC).
 * Policies are judged by evaluating them (test/support/iam.ts), not by matching their text.
 */
import { Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import type { CfnRole } from 'aws-cdk-lib/aws-iam';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildListener } from '../../infra/build.js';
import type { ListenerStack } from '../../infra/listener-stack.js';
import {
  loadStage,
  MRSC_REGION_SETS,
  PAIR_SIDES,
  type PairSide,
  parseStage,
  type StageInput,
  sideConfig,
} from '../../infra/stages.js';
import { FUNCTION_NAMES } from '../../shared/http/routes.js';
import {
  evaluate,
  type Request,
  resolvedStatements,
  type Statement,
  TEST_ACCOUNT,
  TemplateNames,
} from '../support/iam.js';
import { logicalId, removeAssemblies, STAGES, testApp } from './synth.js';

type Resource = {
  Type: string;
  Properties: Record<string, unknown>;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
};
type IamStatementLike = { Action: string | string[]; Resource: string | string[] };

const TABLE = 'PhoneHomeListener-prod-pair';
const REGION: Record<PairSide, string> = { a: 'us-east-1', b: 'us-east-2' };
const LISTENER: Record<PairSide, string> = { a: 'GEOCSCLNRA', b: 'GEOCSCLNRB' };
const WITNESS = 'us-west-2';

interface Side {
  readonly stack: ListenerStack;
  readonly template: Template;
  readonly names: TemplateNames;
}
let sides: Record<PairSide, Side>;
let stacks: ListenerStack[];

beforeAll(() => {
  ({ stacks } = buildListener(testApp(), 'prod-pair', STAGES));
  const [a, b] = stacks.map((stack) => ({
    stack,
    template: Template.fromStack(stack),
    names: new TemplateNames(Template.fromStack(stack).toJSON(), TEST_ACCOUNT, stack.region),
  }));
  if (!a || !b) throw new Error('a pair stage must build two stacks');
  sides = { a, b };
});
afterAll(removeAssemblies);

/** This region's replica of the pair's table, as IAM names it. */
const replicaArn = (region: string) => `arn:aws:dynamodb:${region}:${TEST_ACCOUNT}:table/${TABLE}`;

/** Every function of a side: the Listener's and the console's. */
function functionsOf(side: Side): [string, LambdaFunction][] {
  return [
    ...FUNCTION_NAMES.map((name) => [name, side.stack.functions.byName[name]] as [string, LambdaFunction]),
    ['console', side.stack.node.findChild('Console').node.findChild('console') as LambdaFunction],
  ];
}

function envOf(side: Side, fn: LambdaFunction): Record<string, unknown> {
  const resource = side.template.findResources('AWS::Lambda::Function')[logicalId(fn)] as Resource;
  return (resource.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
}

/** The resolved statements of the policies attached to a function's role. */
function statementsOf(side: Side, fn: LambdaFunction): Statement[] {
  const roleId = logicalId(fn.role?.node.defaultChild as CfnRole);
  return (Object.values(side.template.findResources('AWS::IAM::Policy')) as Resource[])
    .filter((p) => JSON.stringify(p.Properties.Roles) === JSON.stringify([{ Ref: roleId }]))
    .flatMap((p) => resolvedStatements(side.names, p.Properties.PolicyDocument));
}

describe('a pair stage', () => {
  it('validates: prod-pair is GEOCSCLNRA in us-east-1 and GEOCSCLNRB in us-east-2, witness us-west-2', () => {
    const config = loadStage('prod-pair', STAGES);
    expect(config.pair).toEqual({
      a: { region: REGION.a, listenerName: LISTENER.a },
      b: { region: REGION.b, listenerName: LISTENER.b },
      witnessRegion: WITNESS,
    });
    expect(sideConfig(config, 'b')).toMatchObject({
      stage: 'prod-pair-b',
      listenerName: LISTENER.b,
      region: REGION.b,
      pairing: {
        side: 'b',
        twin: { side: 'a', listenerName: LISTENER.a, region: REGION.a },
        tableName: TABLE,
      },
    });
  });

  const pair = (a: string, b: string, witnessRegion: string, names = ['GEOCSCLNRA', 'GEOCSCLNRB']) => ({
    removalPolicy: 'destroy',
    pair: {
      a: { region: a, listenerName: names[0] },
      b: { region: b, listenerName: names[1] },
      witnessRegion,
    },
  });

  it('refuses regions that are not three distinct members of one MRSC region set', () => {
    expect(() => parseStage('qa', pair('eu-west-1', 'eu-west-2', 'eu-central-1'))).not.toThrow();
    expect(() => parseStage('qa', pair('us-east-1', 'us-east-1', 'us-west-2'))).toThrow(
      /pair\.b\.region must differ from a\.region \(us-east-1\)/,
    );
    expect(() => parseStage('qa', pair('us-east-1', 'us-east-2', 'us-east-2'))).toThrow(
      /pair\.witnessRegion must differ from b\.region/,
    );
    expect(() => parseStage('qa', pair('us-east-1', 'eu-west-1', 'us-west-2'))).toThrow(
      /pair\.b\.region must be in side a's MRSC region set US \(us-east-1, us-east-2, us-west-2\), not eu-west-1/,
    );
    expect(() => parseStage('qa', pair('us-east-1', 'us-east-2', 'eu-west-1'))).toThrow(
      /pair\.witnessRegion must be in side a's MRSC region set US/,
    );
    expect(() => parseStage('qa', pair('sa-east-1', 'us-east-2', 'us-west-2'))).toThrow(
      /pair\.a\.region must be in a region set that supports multi-Region strong consistency: US us-east-1/,
    );
    expect(() => parseStage('qa', pair('us-east-1', 'us-east-2', 'moon-1'))).toThrow(
      /pair\.witnessRegion must be an AWS region/,
    );
  });

  it('refuses two sides with one Listener name, or a name outside the Listener name pattern', () => {
    expect(() =>
      parseStage('qa', pair('us-east-1', 'us-east-2', 'us-west-2', ['GEOCSCLNRA', 'GEOCSCLNRA'])),
    ).toThrow(/pair\.b\.listenerName must differ from a\.listenerName/);
    expect(() =>
      parseStage('qa', pair('us-east-1', 'us-east-2', 'us-west-2', ['GEOCSCLNRA', 'GEO CSCLNRB'])),
    ).toThrow(/pair\.b\.listenerName must be 1–32 letters, digits or "-"/);
  });

  it('takes a Listener name and region from each side, never from the stage as well', () => {
    const base = pair('us-east-1', 'us-east-2', 'us-west-2');
    expect(() => parseStage('qa', { ...base, listenerName: 'GEOCSCLNRA' })).toThrow(
      /listenerName does not go with pair: give pair\.a\.listenerName and pair\.b\.listenerName/,
    );
    expect(() => parseStage('qa', { ...base, region: 'us-east-1' })).toThrow(/region does not go with pair/);
    expect(() => parseStage('qa', { removalPolicy: 'destroy' })).toThrow(
      /listenerName is required \(or a pair\)/,
    );
  });

  it('uses the MRSC region sets aws-cdk-lib checks', () => {
    expect(MRSC_REGION_SETS.US).toEqual(['us-east-1', 'us-east-2', 'us-west-2']);
    expect(Object.keys(MRSC_REGION_SETS)).toEqual(['US', 'EU', 'AP']);
  });
});

describe('the two stacks', () => {
  it('are one per side, each in its own region, side b deployed after side a', () => {
    expect(stacks.map((s) => [s.stackName, s.region])).toEqual([
      ['PhoneHomeListener-prod-pair-a', REGION.a],
      ['PhoneHomeListener-prod-pair-b', REGION.b],
    ]);
    expect(sides.b.stack.dependencies).toEqual([sides.a.stack]);
    expect(sides.a.stack.dependencies).toEqual([]);
  });

  it('each have their own API, functions, topics, bus, schedule and alarms', () => {
    for (const side of PAIR_SIDES) {
      const { template } = sides[side];
      template.resourceCountIs('AWS::ApiGatewayV2::Api', 1);
      // + the console; side a of a retain pair also has CDK's AwsCustomResource provider (deletion protection).
      template.resourceCountIs('AWS::Lambda::Function', FUNCTION_NAMES.length + 1 + (side === 'a' ? 1 : 0));
      template.resourceCountIs('AWS::SNS::Topic', 2);
      template.resourceCountIs('AWS::Events::Rule', 1);
      template.hasResourceProperties('AWS::Events::EventBus', {
        Name: `phone-home-listener-prod-pair-${side}`,
      });
      const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')) as Resource[];
      expect(alarms.length).toBeGreaterThan(0);
      for (const alarm of alarms) {
        expect(alarm.Properties.AlarmName).toMatch(new RegExp(`^PhoneHomeListener-prod-pair-${side}-`));
      }
      const outputs = template.toJSON().Outputs as Record<string, unknown>;
      expect(Object.keys(outputs)).toEqual(
        expect.arrayContaining(['ApiUrl', 'TableName', 'AlarmTopicArn', 'OpsTopicArn', 'EventBusName']),
      );
    }
  });

  it('refer to nothing of the other region (no cross-region reference)', () => {
    for (const side of PAIR_SIDES) {
      const json = JSON.stringify(sides[side].template.toJSON());
      expect(json).not.toMatch(/ExportsReader|ExportsWriter|Fn::ImportValue|crossRegion/i);
    }
  });

  it('synthesize without a warning or an error, and pass cdk-nag', () => {
    for (const side of PAIR_SIDES) {
      const annotations = Annotations.fromStack(sides[side].stack);
      expect(annotations.findWarning('*', Match.anyValue())).toEqual([]);
      expect(annotations.findError('*', Match.anyValue())).toEqual([]);
      const report = new AwsSolutionsChecks().validateScope(sides[side].stack);
      expect(report.violations.map((v) => v.ruleName)).toEqual([]);
    }
  });
});

describe('the global table', () => {
  const globalTable = () => {
    const found = Object.values(sides.a.template.findResources('AWS::DynamoDB::GlobalTable')) as Resource[];
    expect(found).toHaveLength(1);
    return found[0] as Resource;
  };

  it('is defined once, in side a, with strong consistency, replicas in both regions and the witness', () => {
    const table = globalTable().Properties;
    expect(table).toMatchObject({
      TableName: TABLE,
      MultiRegionConsistency: 'STRONG',
      GlobalTableWitnesses: [{ Region: WITNESS }],
      BillingMode: 'PAY_PER_REQUEST',
    });
    const replicas = table.Replicas as { Region: string }[];
    expect(replicas.map((r) => r.Region).sort()).toEqual([REGION.a, REGION.b]);
    for (const side of PAIR_SIDES) {
      expect(sides[side].template.findResources('AWS::DynamoDB::Table')).toEqual({});
    }
    expect(sides.b.template.findResources('AWS::DynamoDB::GlobalTable')).toEqual({});
  });

  it('has no TTL and no stream (MRSC supports no TTL and needs no stream)', () => {
    expect(globalTable().Properties).not.toHaveProperty('TimeToLiveSpecification');
    expect(globalTable().Properties).not.toHaveProperty('StreamSpecification');
  });

  it('keeps every replica (point-in-time recovery, retained with the stack) but lets a failed first create go', () => {
    const table = globalTable();
    // Retained on update and stack deletion; deleted when its own first create rolls back.
    expect(table.DeletionPolicy).toBe('RetainExceptOnCreate');
    expect(table.UpdateReplacePolicy).toBe('Retain');
    for (const replica of table.Properties.Replicas as Record<string, unknown>[]) {
      expect(replica).toMatchObject({
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      });
      // Deletion protection in the template would stop that rollback; and no later update may reset it.
      expect(replica).not.toHaveProperty('DeletionProtectionEnabled');
    }
  });

  it('turns deletion protection on in each replica once the table exists, and off only when removed', () => {
    const { template, names } = sides.a;
    const tableId = logicalId(sides.a.stack.store.table);
    const protections = Object.values(template.findResources('Custom::AWS')) as (Resource & {
      DependsOn?: string[];
    })[];
    const calls = protections.map((resource) => {
      expect(resource.DependsOn).toContain(tableId);
      const json = (key: string) => JSON.parse(names.resolve(resource.Properties[key]) as string);
      return [json('Create'), json('Update'), json('Delete')];
    });
    expect(calls.map(([create]) => create.region).sort()).toEqual([REGION.a, REGION.b]);
    for (const [create, update, remove] of calls) {
      for (const call of [create, update]) {
        expect(call).toMatchObject({
          service: 'DynamoDB',
          action: 'UpdateTable',
          parameters: { TableName: TABLE, DeletionProtectionEnabled: true },
        });
      }
      expect(remove).toMatchObject({ parameters: { TableName: TABLE, DeletionProtectionEnabled: false } });
    }
    // The provider may UpdateTable the two replicas, nothing else.
    const policies = Object.values(template.findResources('AWS::IAM::Policy')) as Resource[];
    const updateTable = policies
      .flatMap(
        (p) =>
          names.resolve(
            (p.Properties.PolicyDocument as { Statement: unknown }).Statement,
          ) as IamStatementLike[],
      )
      .filter((s) => [s.Action].flat().includes('dynamodb:UpdateTable'));
    expect(updateTable.flatMap((s) => [s.Action].flat())).toEqual([
      'dynamodb:UpdateTable',
      'dynamodb:UpdateTable',
    ]);
    expect(updateTable.flatMap((s) => [s.Resource].flat()).sort()).toEqual(
      [replicaArn(REGION.a), replicaArn(REGION.b)].sort(),
    );
    expect(sides.b.template.findResources('Custom::AWS')).toEqual({});
  });

  it('protects both sides of a production pair from termination', () => {
    expect(stacks.map((stack) => stack.terminationProtection)).toEqual([true, true]);
  });

  it('has the keys and indexes of the single-region table', () => {
    const single = Template.fromStack(buildListener(testApp(), 'prod', STAGES).stack);
    const [table] = Object.values(single.findResources('AWS::DynamoDB::Table')) as Resource[];
    const global = globalTable().Properties;
    expect(global.KeySchema).toEqual(table?.Properties.KeySchema);
    expect(global.GlobalSecondaryIndexes).toEqual(table?.Properties.GlobalSecondaryIndexes);
    expect(global.AttributeDefinitions).toEqual(table?.Properties.AttributeDefinitions);
  });
});

describe("each side's functions", () => {
  it("run in the side's region and name the pair's table: its replica there", () => {
    for (const side of PAIR_SIDES) {
      const s = sides[side];
      expect(Stack.of(s.stack.functions.byName.heartbeat).region).toBe(REGION[side]);
      for (const [name, fn] of functionsOf(s)) {
        expect(s.names.resolve(envOf(s, fn).TABLE_NAME), `${side} ${name}`).toBe(TABLE);
        // Lambda sets AWS_REGION to the function's own region: the SDK then uses that region's replica.
        expect(envOf(s, fn), `${side} ${name}`).not.toHaveProperty('AWS_REGION');
      }
    }
  });

  it("carry their side's Listener name; the sweeper and the console also the twin's", () => {
    for (const side of PAIR_SIDES) {
      const twin = side === 'a' ? 'b' : 'a';
      for (const [name, fn] of functionsOf(sides[side])) {
        const env = envOf(sides[side], fn);
        expect(env.LISTENER_NAME, name).toBe(LISTENER[side]);
        if (name === 'sweeper' || name === 'console')
          expect(env.TWIN_LISTENER_NAME, name).toBe(LISTENER[twin]);
        else expect(env, name).not.toHaveProperty('TWIN_LISTENER_NAME');
      }
    }
  });

  it("may touch only their own region's replica and its indexes, never * nor the other replica", () => {
    const own = (region: string) =>
      new RegExp(`^${replicaArn(region).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(/index/(due|fleet|state))?$`);
    for (const side of PAIR_SIDES) {
      const twin = side === 'a' ? 'b' : 'a';
      for (const [name, fn] of functionsOf(sides[side])) {
        const statements = statementsOf(sides[side], fn);
        const dynamo = statements.filter((s) =>
          [s.Action].flat().some((a) => String(a).startsWith('dynamodb:')),
        );
        for (const statement of dynamo) {
          for (const resource of [statement.Resource].flat()) {
            expect(String(resource), `${side} ${name}`).toMatch(own(REGION[side]));
          }
        }
        const request = (action: string, resource: string): Request => ({ action, resource });
        const actions = dynamo.flatMap((s) => [s.Action].flat().map(String));
        for (const action of actions) {
          expect(evaluate(statements, request(action, replicaArn(REGION[twin]))), `${side} ${name}`).toBe(
            'implicitly denied',
          );
        }
      }
      const heartbeat = statementsOf(sides[side], sides[side].stack.functions.byName.heartbeat);
      const update = {
        ...request('dynamodb:UpdateItem', replicaArn(REGION[side])),
        context: { 'dynamodb:LeadingKeys': ['LOGGER#geocust1/A'] },
      };
      expect(evaluate(heartbeat, update)).toBe('allowed');
      const sweeper = statementsOf(sides[side], sides[side].stack.functions.byName.sweeper);
      expect(evaluate(sweeper, request('dynamodb:Query', `${replicaArn(REGION[side])}/index/due`))).toBe(
        'allowed',
      );
    }
  });
});

const request = (action: string, resource: string): Request => ({ action, resource });

describe("each side's ops topic", () => {
  const alarmArn = (region: string, name: string) =>
    `arn:aws:cloudwatch:${region}:${TEST_ACCOUNT}:alarm:${name}`;
  const fromCloudWatch = (action: string, resource: string, sourceArn: string): Request => ({
    action,
    resource,
    principal: { service: 'cloudwatch.amazonaws.com' },
    context: { 'aws:SourceAccount': TEST_ACCOUNT, 'aws:SourceArn': sourceArn, 'aws:SecureTransport': 'true' },
  });
  const opsKeyOf = (side: Side) => {
    const key = side.stack.notifications.opsKey;
    if (!key) throw new Error('the prod-pair ops topic has its own key');
    return key;
  };
  const policies = (side: Side) => {
    const topicId = logicalId(side.stack.notifications.opsTopic);
    const topicPolicy = (
      Object.values(side.template.findResources('AWS::SNS::TopicPolicy')) as Resource[]
    ).find((p) => JSON.stringify(p.Properties.Topics) === JSON.stringify([{ Ref: topicId }]));
    const key = side.template.findResources('AWS::KMS::Key')[logicalId(opsKeyOf(side))] as Resource;
    return {
      topic: resolvedStatements(side.names, topicPolicy?.Properties.PolicyDocument),
      key: resolvedStatements(side.names, key.Properties.KeyPolicy),
      topicArn: side.names.resolve({ Ref: topicId }) as string,
      keyArn: side.names.resolve({
        'Fn::GetAtt': [logicalId(opsKeyOf(side)), 'Arn'],
      }) as string,
    };
  };

  it("lets that side's CloudWatch alarms publish (topic and key policy), and sends every alarm there", () => {
    for (const side of PAIR_SIDES) {
      const s = sides[side];
      const { topic, key, topicArn, keyArn } = policies(s);
      const own = alarmArn(REGION[side], `PhoneHomeListener-prod-pair-${side}-sweeper-not-running`);
      expect(evaluate(topic, fromCloudWatch('sns:Publish', topicArn, own)), side).toBe('allowed');
      for (const action of ['kms:GenerateDataKey', 'kms:Decrypt']) {
        expect(evaluate(key, fromCloudWatch(action, keyArn, own)), `${side} ${action}`).toBe('allowed');
      }
      const opsRef = { Ref: logicalId(s.stack.notifications.opsTopic) };
      for (const alarm of Object.values(s.template.findResources('AWS::CloudWatch::Alarm')) as Resource[]) {
        expect(alarm.Properties.AlarmActions).toEqual([opsRef]);
        expect(alarm.Properties.OKActions).toEqual([opsRef]);
      }
    }
  });

  it("refuses the other side's alarms (each side's alarms page through their own topic)", () => {
    const { topic, topicArn } = policies(sides.a);
    const twins = alarmArn(REGION.b, 'PhoneHomeListener-prod-pair-b-sweeper-not-running');
    expect(evaluate(topic, fromCloudWatch('sns:Publish', topicArn, twins))).toBe('implicitly denied');
  });
});

describe('other pairs', () => {
  const pairStage = (
    [a = '', b = '', witness = '']: readonly string[],
    removalPolicy: 'retain' | 'destroy',
  ) => ({
    qa: {
      removalPolicy,
      pair: {
        a: { region: a, listenerName: 'LISTENER-A' },
        b: { region: b, listenerName: 'LISTENER-B' },
        witnessRegion: witness,
      },
    },
  });

  it('build in every region set the stage validation accepts (aws-cdk-lib checks MRSC too)', () => {
    for (const [name, regions] of Object.entries(MRSC_REGION_SETS)) {
      const { stacks: built } = buildListener(testApp(), 'qa', pairStage(regions, 'destroy'));
      expect(
        built.map((s) => s.region),
        name,
      ).toEqual(regions.slice(0, 2));
      Template.fromStack(built[0] as ListenerStack).hasResourceProperties('AWS::DynamoDB::GlobalTable', {
        GlobalTableWitnesses: [{ Region: regions[2] }],
      });
    }
  });

  it('a destroy pair deletes its global table with side a, without deletion protection', () => {
    const { stack } = buildListener(testApp(), 'qa', pairStage(MRSC_REGION_SETS.EU, 'destroy'));
    const [table] = Object.values(
      Template.fromStack(stack).findResources('AWS::DynamoDB::GlobalTable'),
    ) as Resource[];
    expect(table?.DeletionPolicy).toBe('Delete');
    expect(table?.Properties.Replicas).toHaveLength(2);
    for (const replica of (table?.Properties.Replicas ?? []) as Record<string, unknown>[]) {
      expect(replica.DeletionProtectionEnabled).toBe(false);
    }
  });
});

describe('custom domains, one per side of a pair', () => {
  const certificateA = `arn:aws:acm:${REGION.a}:123456789012:certificate/0b6e5b3c-6a7d-4f0e-9a1c-2f3e4d5c6b7a`;
  const PAIR = STAGES['prod-pair'] as StageInput & { pair: NonNullable<StageInput['pair']> };
  const withDomains = (a: object, b: object) => ({
    'prod-pair': {
      ...PAIR,
      pair: { ...PAIR.pair, a: { ...PAIR.pair.a, domain: a }, b: { ...PAIR.pair.b, domain: b } },
    },
  });

  it('serve each side on its own hostname: a given certificate, or one requested in that region', () => {
    const built = buildListener(
      testApp(),
      'prod-pair',
      withDomains(
        { name: 'listener-a.example.com', certificateArn: certificateA },
        { name: 'listener-b.example.com', hostedZoneId: 'Z0123456789ABCDEFGHIJ' },
      ),
    );
    const [a, b] = built.stacks.map((stack) => Template.fromStack(stack));
    if (!a || !b) throw new Error('two sides');
    a.hasResourceProperties('AWS::ApiGatewayV2::DomainName', {
      DomainName: 'listener-a.example.com',
      DomainNameConfigurations: [
        Match.objectLike({ CertificateArn: certificateA, EndpointType: 'REGIONAL' }),
      ],
    });
    a.resourceCountIs('AWS::CertificateManager::Certificate', 0);
    a.resourceCountIs('AWS::Route53::RecordSet', 0);
    // Side b: its own certificate in its own region (the stack's), validated in the zone, and the alias.
    b.hasResourceProperties('AWS::CertificateManager::Certificate', {
      DomainName: 'listener-b.example.com',
      ValidationMethod: 'DNS',
      DomainValidationOptions: [
        { DomainName: 'listener-b.example.com', HostedZoneId: 'Z0123456789ABCDEFGHIJ' },
      ],
    });
    expect(built.stacks[1]?.region).toBe(REGION.b);
    b.hasResourceProperties('AWS::ApiGatewayV2::DomainName', { DomainName: 'listener-b.example.com' });
    b.hasResourceProperties('AWS::Route53::RecordSet', {
      HostedZoneId: 'Z0123456789ABCDEFGHIJ',
      Name: 'listener-b.example.com.',
      Type: 'A',
    });
    for (const [side, template] of [
      ['a', a],
      ['b', b],
    ] as const) {
      template.resourceCountIs('AWS::ApiGatewayV2::ApiMapping', 1);
      const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;
      expect(JSON.stringify(outputs.ApiUrl?.Value), side).toContain('https://');
      expect(outputs.CustomDomainTarget, side).toBeDefined();
    }
  });

  it('are refused when the two sides share a name, or a certificate is in the other region', () => {
    expect(() =>
      buildListener(
        testApp(),
        'prod-pair',
        withDomains({ name: 'l.example.com' }, { name: 'l.example.com' }),
      ),
    ).toThrow(/pair\.b\.domain\.name must differ from a\.domain\.name/);
    expect(() =>
      buildListener(
        testApp(),
        'prod-pair',
        withDomains({ name: 'la.example.com' }, { name: 'lb.example.com', certificateArn: certificateA }),
      ),
    ).toThrow(/pair\.b\.domain\.certificateArn must be a certificate in side b's region us-east-2/);
  });
});

describe('single-region stages', () => {
  it('stay one stack with their own table, TTL and no twin', () => {
    for (const stage of Object.keys(STAGES).filter((name) => STAGES[name]?.pair === undefined)) {
      const built = buildListener(testApp(), stage, STAGES);
      expect(built.stacks, stage).toEqual([built.stack]);
      expect(built.stack.stackName).toBe(`PhoneHomeListener-${stage}`);
      const template = Template.fromStack(built.stack);
      template.resourceCountIs('AWS::DynamoDB::GlobalTable', 0);
      template.hasResourceProperties('AWS::DynamoDB::Table', {
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      });
      expect(JSON.stringify(template.toJSON())).not.toContain('TWIN_LISTENER_NAME');
    }
  });
});
