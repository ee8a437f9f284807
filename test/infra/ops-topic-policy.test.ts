/**
 * The Listener's own alarms must reach someone: CloudWatch, publishing an alarm of this stage, is allowed
 * by the ops topic's policy and the topic key's policy, and nobody else is. Decided by evaluating the
 * synthesized policies (test/support/iam.ts), not by matching their text.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  evaluate,
  type Request,
  resolvedStatements,
  TEST_ACCOUNT,
  TEST_REGION,
  TemplateNames,
} from '../support/iam.js';
import { logicalId, removeAssemblies, type Synthesized, synthStage } from './synth.js';

type Resource = { Type: string; Properties: Record<string, unknown> };

let dev: Synthesized;
let names: TemplateNames;
beforeAll(() => {
  dev = synthStage('dev');
  names = new TemplateNames(dev.template.toJSON());
});
afterAll(removeAssemblies);

const alarmArn = (name: string) => `arn:aws:cloudwatch:${TEST_REGION}:${TEST_ACCOUNT}:alarm:${name}`;
const ownAlarm = alarmArn('PhoneHomeListener-dev-sweeper-not-running');

/** What CloudWatch sends when an alarm of `sourceArn` publishes over HTTPS. */
const fromCloudWatch = (action: string, resource: string, context: Record<string, string> = {}): Request => ({
  action,
  resource,
  principal: { service: 'cloudwatch.amazonaws.com' },
  context: {
    'aws:SourceAccount': TEST_ACCOUNT,
    'aws:SourceArn': ownAlarm,
    'aws:SecureTransport': 'true',
    ...context,
  },
});

/** The resolved statements of the topic policy that covers `topicLogicalId`. */
function topicPolicy(topicLogicalId: string) {
  const policies = Object.values(dev.template.findResources('AWS::SNS::TopicPolicy')) as Resource[];
  const policy = policies.find((p) =>
    (p.Properties.Topics as unknown[]).some(
      (t) => JSON.stringify(t) === JSON.stringify({ Ref: topicLogicalId }),
    ),
  );
  if (!policy) throw new Error(`no topic policy for ${topicLogicalId}`);
  return resolvedStatements(names, policy.Properties.PolicyDocument);
}

/** The ops topic's own key (dev keeps the default `opsTopicKey: 'own-key'`). */
function opsKey() {
  const key = dev.stack.notifications.opsKey;
  if (!key) throw new Error('dev has an ops topic key');
  return key;
}

function keyPolicy(key = opsKey()) {
  const resource = dev.template.findResources('AWS::KMS::Key')[logicalId(key)] as Resource;
  return resolvedStatements(names, resource.Properties.KeyPolicy);
}

const opsTopicArn = () => names.resolve({ Ref: logicalId(dev.stack.notifications.opsTopic) }) as string;
const alarmTopicArn = () => names.resolve({ Ref: logicalId(dev.stack.notifications.alarmTopic) }) as string;
const keyArn = () => names.resolve({ 'Fn::GetAtt': [logicalId(opsKey()), 'Arn'] }) as string;

describe('the ops topic policy', () => {
  it("allows this stage's CloudWatch alarms to publish", () => {
    const statements = topicPolicy(logicalId(dev.stack.notifications.opsTopic));
    expect(evaluate(statements, fromCloudWatch('sns:Publish', opsTopicArn()))).toBe('allowed');
  });

  it('denies CloudWatch publishing for another account, another stage, or without SSL', () => {
    const statements = topicPolicy(logicalId(dev.stack.notifications.opsTopic));
    const publish = (context: Record<string, string>) =>
      evaluate(statements, fromCloudWatch('sns:Publish', opsTopicArn(), context));
    expect(publish({ 'aws:SourceAccount': '999999999999' })).toBe('implicitly denied');
    expect(publish({ 'aws:SourceArn': alarmArn('PhoneHomeListener-prod-sweeper-errors') })).toBe(
      'implicitly denied',
    );
    expect(publish({ 'aws:SourceArn': alarmArn('someone-elses-alarm') })).toBe('implicitly denied');
    expect(publish({ 'aws:SecureTransport': 'false' })).toBe('explicitly denied');
  });

  it('gives CloudWatch nothing but Publish, and other services nothing', () => {
    const statements = topicPolicy(logicalId(dev.stack.notifications.opsTopic));
    expect(evaluate(statements, fromCloudWatch('sns:Subscribe', opsTopicArn()))).toBe('implicitly denied');
    const other = {
      ...fromCloudWatch('sns:Publish', opsTopicArn()),
      principal: { service: 's3.amazonaws.com' },
    };
    expect(evaluate(statements, other)).toBe('implicitly denied');
  });

  it('does not open the alarm topic (pages about Loggers) to CloudWatch', () => {
    const statements = topicPolicy(logicalId(dev.stack.notifications.alarmTopic));
    expect(evaluate(statements, fromCloudWatch('sns:Publish', alarmTopicArn()))).toBe('implicitly denied');
  });
});

describe('the ops topic key policy', () => {
  it("lets this stage's CloudWatch alarms encrypt for the ops topic (GenerateDataKey, Decrypt)", () => {
    for (const action of ['kms:GenerateDataKey', 'kms:Decrypt']) {
      expect(evaluate(keyPolicy(), fromCloudWatch(action, keyArn())), action).toBe('allowed');
    }
  });

  it('refuses CloudWatch for another account or alarms that are not this stage', () => {
    const use = (context: Record<string, string>) =>
      evaluate(keyPolicy(), fromCloudWatch('kms:GenerateDataKey', keyArn(), context));
    expect(use({ 'aws:SourceAccount': '999999999999' })).toBe('implicitly denied');
    expect(use({ 'aws:SourceArn': alarmArn('PhoneHomeListener-prod-api-5xx-rate') })).toBe(
      'implicitly denied',
    );
    expect(evaluate(keyPolicy(), fromCloudWatch('kms:ScheduleKeyDeletion', keyArn()))).toBe(
      'implicitly denied',
    );
  });

  it("is a key of its own: the alarm topic's key is not needed to report that it was disabled", () => {
    expect(logicalId(opsKey())).not.toBe(logicalId(dev.stack.notifications.key));
    const alarmKeyArn = names.resolve({
      'Fn::GetAtt': [logicalId(dev.stack.notifications.key), 'Arn'],
    }) as string;
    const alarmKey = keyPolicy(dev.stack.notifications.key);
    expect(evaluate(alarmKey, fromCloudWatch('kms:GenerateDataKey', alarmKeyArn))).toBe('implicitly denied');
  });
});
