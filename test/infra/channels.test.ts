/**
 * A stage's channels in the template: their settings reach exactly the delivering functions as one
 * `CHANNELS` variable with the secrets by reference, each of those functions may read exactly those
 * secrets (and nothing else may), through the Parameters and Secrets extension's layer; one ops alarm per
 * channel; cdk-nag stays clean; and no secret value can reach the template.
 */
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, describe, expect, it } from 'vitest';
import { parseStage } from '../../infra/stages.js';
import { stageChannelsSchema } from '../../shared/adapters/channels/stage/stage-channels.js';
import { FUNCTION_NAMES, type FunctionName } from '../../shared/http/routes.js';
import { evaluate, resolvedStatements, type Statement, TemplateNames } from '../support/iam.js';
import { removeAssemblies, STAGES, synthStage } from './synth.js';

afterAll(removeAssemblies);

const KEY = 'arn:aws:kms:eu-west-1:123456789012:key/0f0e0d0c-0b0a-0908-0706-050403020100';
const HOOK_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:phone-home/prod/hook-Zz9Yy8';
const CHANNELS = [
  { name: 'pd', type: 'pagerduty', routingKey: { secret: 'phone-home/prod/pd' } },
  { name: 'chat', type: 'slack', url: { parameter: '/phone-home/prod/slack', kmsKeyArn: KEY } },
  {
    name: 'hook',
    type: 'webhook',
    url: 'https://receiver.example.net/phone-home',
    secret: { secret: HOOK_ARN },
  },
  { name: 'am', type: 'alertmanager', url: 'http://alertmanager.internal:9093' },
];
const STAGE = {
  listenerName: 'GEOCSCLNRC',
  region: 'eu-west-1',
  removalPolicy: 'destroy',
  sweepRate: '2m',
  alarmEmails: [{ address: 'oncall@example.org' }],
  channels: CHANNELS,
};
const DELIVERING: readonly FunctionName[] = ['heartbeat', 'events', 'relay', 'ping', 'sweeper'];

const synth = synthStage('chan', { ...STAGES, chan: STAGE as never });
const json = synth.template.toJSON() as {
  Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
};
const names = new TemplateNames(json);

function functionOf(name: FunctionName | 'console') {
  const fn = name === 'console' ? synth.stack.console.fn : synth.stack.functions.byName[name];
  const id = synth.stack.getLogicalId(fn.node.defaultChild as never);
  return json.Resources[id]?.Properties as {
    Environment: { Variables: Record<string, unknown> };
    Layers?: unknown[];
    Role: { 'Fn::GetAtt': [string, string] };
  };
}

/** Every statement of every policy attached to the function's role, resolved to test names. */
function roleStatements(name: FunctionName | 'console'): Statement[] {
  const roleId = functionOf(name).Role['Fn::GetAtt'][0];
  const statements = Object.values(json.Resources)
    .filter((r) => r.Type === 'AWS::IAM::Policy')
    .filter((r) => (r.Properties.Roles as { Ref: string }[]).some((ref) => ref.Ref === roleId))
    .flatMap((r) => (r.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
  return resolvedStatements(names, { Statement: statements });
}

const arn = (service: string, rest: string) => `arn:aws:${service}:eu-west-1:123456789012:${rest}`;
const READS = {
  pd: {
    action: 'secretsmanager:GetSecretValue',
    resource: arn('secretsmanager', 'secret:phone-home/prod/pd-AbCdEf'),
  },
  hook: { action: 'secretsmanager:GetSecretValue', resource: HOOK_ARN },
  chat: { action: 'ssm:GetParameter', resource: arn('ssm', 'parameter/phone-home/prod/slack') },
  chatKey: {
    action: 'kms:Decrypt',
    resource: KEY,
    context: { 'kms:ViaService': 'ssm.eu-west-1.amazonaws.com' },
  },
};

describe("a stage's channels", () => {
  it('reach exactly the delivering functions, as one CHANNELS variable the cold start validates', () => {
    for (const name of [...FUNCTION_NAMES, 'console'] as const) {
      const value = functionOf(name).Environment.Variables.CHANNELS;
      if (!DELIVERING.includes(name as FunctionName)) {
        expect(value, name).toBeUndefined();
        continue;
      }
      expect(stageChannelsSchema.parse(JSON.parse(String(value))), name).toEqual(CHANNELS);
    }
  });

  it("give the delivering functions the extension's layer, and no other Listener function", () => {
    for (const name of FUNCTION_NAMES) {
      const layers = JSON.stringify(functionOf(name).Layers ?? []);
      expect(layers.includes('AWS-Parameters-and-Secrets-Lambda-Extension'), name).toBe(
        DELIVERING.includes(name),
      );
    }
  });

  it.each(DELIVERING)('%s may read exactly the channels’ secrets, the key only through SSM', (name) => {
    const role = roleStatements(name);
    for (const request of Object.values(READS))
      expect(evaluate(role, request), request.resource).toBe('allowed');
    const denied = [
      // A secret whose name starts like one of them is another secret.
      {
        action: 'secretsmanager:GetSecretValue',
        resource: arn('secretsmanager', 'secret:phone-home/prod/pd-other-AbCdEf'),
      },
      {
        action: 'secretsmanager:GetSecretValue',
        resource: arn('secretsmanager', 'secret:phone-home/prod/slack-AbCdEf'),
      },
      { action: 'ssm:GetParameter', resource: arn('ssm', 'parameter/phone-home/prod/pd') },
      { action: 'ssm:GetParameters', resource: arn('ssm', 'parameter/phone-home/prod/slack') },
      { action: 'kms:Decrypt', resource: KEY },
      {
        action: 'kms:Decrypt',
        resource: KEY,
        context: { 'kms:ViaService': 'secretsmanager.eu-west-1.amazonaws.com' },
      },
    ];
    for (const request of denied)
      expect(evaluate(role, request), JSON.stringify(request)).not.toBe('allowed');
  });

  it('are readable by no other function', () => {
    for (const name of ['health', 'console'] as const) {
      const role = roleStatements(name);
      for (const request of Object.values(READS))
        expect(evaluate(role, request), `${name} ${request.resource}`).not.toBe('allowed');
    }
  });

  it('each get an ops alarm: failed deliveries in each of more than two sweep periods', () => {
    for (const channel of CHANNELS.map((c) => c.name)) {
      synth.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmName: `PhoneHomeListener-chan-channel-${channel}-failing`,
        Namespace: 'PhoneHomeListener',
        MetricName: 'ChannelDeliveryFailed',
        Dimensions: [
          { Name: 'Channel', Value: channel },
          { Name: 'service', Value: 'phone-home-listener-chan' },
        ],
        Period: 120,
        Statistic: 'Sum',
        EvaluationPeriods: 3,
        DatapointsToAlarm: 3,
        Threshold: 1,
        TreatMissingData: 'notBreaching',
        AlarmActions: [
          { Ref: synth.stack.getLogicalId(synth.stack.notifications.opsTopic.node.defaultChild as never) },
        ],
      });
    }
  });

  it('leave cdk-nag with nothing to report', () => {
    const report = new AwsSolutionsChecks().validateScope(synth.stack);
    expect(
      report.violations.map((v) => `${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath)}`),
    ).toEqual([]);
  });

  it('put the references in the template, and never a value: an inline secret is refused naming the field only', () => {
    const text = JSON.stringify(json);
    expect(text).toContain('phone-home/prod/pd');
    const value = 'R0UT1NGKEY0123456789abcdefABCDEF';
    const inline = { ...STAGE, channels: [{ name: 'pd', type: 'pagerduty', routingKey: value }] };
    const error = (() => {
      try {
        synthStage('inline', { ...STAGES, inline: inline as never });
      } catch (e) {
        return (e as Error).message;
      }
      return 'synthesized';
    })();
    expect(error).toMatch(/channels\.0\.routingKey must name where the secret is kept, never the secret/);
    expect(error).not.toContain(value);
  });

  it("are refused when they would not fit in a function's environment (Lambda's 4 KB)", () => {
    const many = Array.from({ length: 40 }, (_, i) => ({ ...CHANNELS[0], name: `pd-${i}` }));
    expect(() => parseStage('many', { ...STAGE, channels: many })).toThrow(
      /channels take more than 2500 characters as JSON/,
    );
    expect(() => parseStage('few', STAGE)).not.toThrow();
  });

  it('give the CLI the sweeper to invoke for `channel test --stage` (output SweeperFunctionName)', () => {
    const sweeper = synth.stack.getLogicalId(synth.stack.functions.byName.sweeper.node.defaultChild as never);
    expect(synth.template.findOutputs('SweeperFunctionName')).toEqual({
      SweeperFunctionName: { Value: { Ref: sweeper } },
    });
  });

  it('a stage without channels: no CHANNELS, no layer, no secret read by a Listener function', () => {
    const dev = Template.fromStack(synthStage('dev').stack).toJSON() as typeof json;
    for (const [id, r] of Object.entries(dev.Resources)) {
      if (r.Type !== 'AWS::Lambda::Function' || id.startsWith('Console')) continue;
      const env = (r.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
      expect(env.CHANNELS, id).toBeUndefined();
      expect(r.Properties.Layers, id).toBeUndefined();
    }
  });
});
