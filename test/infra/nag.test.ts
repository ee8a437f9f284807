import { Stack, Validations } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { type CfnRoute, HttpRoute } from 'aws-cdk-lib/aws-apigatewayv2';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { afterAll, describe, expect, it } from 'vitest';
import { buildListener } from '../../infra/build.js';
import { removeAssemblies, STAGES, type Synthesized, synthStage, testApp } from './synth.js';

afterAll(removeAssemblies);

/**
 * Each real stage synthesized once for this file: the checks below only read the stacks (the test that
 * adds a careless resource builds its own app), and a synth costs seconds on a busy machine.
 */
const synthesized = new Map<string, Synthesized>();
function synthOnce(stage: string): Synthesized {
  let stageSynth = synthesized.get(stage);
  if (!stageSynth) {
    stageSynth = synthStage(stage);
    synthesized.set(stage, stageSynth);
  }
  return stageSynth;
}

/** Every acknowledgement recorded in the tree: construct path, rule id, reason. */
function acknowledgements(root: IConstruct) {
  return root.node.findAll().flatMap((c) =>
    c.node.metadata
      .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((m) => Object.entries(m.data as Record<string, string>))
      .map(([id, reason]) => ({ path: c.node.path, id, reason })),
  );
}

describe('cdk-nag AwsSolutions checks', () => {
  // A pair stage has two stacks (one per side): each is checked.
  it.each(Object.keys(STAGES))('finds nothing unacknowledged in the %s stacks', (stage) => {
    for (const stack of synthOnce(stage).stacks) {
      const report = new AwsSolutionsChecks().validateScope(stack);
      const findings = report.violations.map(
        (v) => `${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath)}`,
      );
      expect(findings, stack.stackName).toEqual([]);
    }
  });

  it.each(Object.keys(STAGES))('synthesizes the %s stacks without a warning or an error', (stage) => {
    for (const stack of synthOnce(stage).stacks) {
      const annotations = Annotations.fromStack(stack);
      expect(annotations.findWarning('*', Match.anyValue()), stack.stackName).toEqual([]);
      expect(annotations.findError('*', Match.anyValue()), stack.stackName).toEqual([]);
    }
  });

  it('run on every synth: an unacknowledged finding fails it', () => {
    const app = testApp();
    const { stack } = buildListener(app, 'dev');
    // A topic without an SSL-only policy: AwsSolutions-SNS3 is an error.
    new Topic(stack, 'CarelessTopic');
    expect(() => Template.fromStack(stack)).toThrow(/AwsSolutions-SNS3/);
  });

  it('acknowledges each route without an authorizer on its own, with the reason that describes it', () => {
    const { stack, template } = synthOnce('dev');
    const byPath = new Map(stack.node.findAll().map((c) => [c.node.path, c]));
    const acknowledged = acknowledgements(stack)
      .filter((ack) => ack.id.replace(/^annotation::/i, '') === 'AwsSolutions-APIG4')
      .map((ack) => {
        const route = byPath.get(ack.path);
        expect(route, ack.path).toBeInstanceOf(HttpRoute);
        const key = ((route as HttpRoute).node.defaultChild as CfnRoute).routeKey;
        // The Logger routes' reason (bearer tokens) must not cover the console's pages, nor the reverse.
        expect(/console/i.test(ack.reason), `${key}: ${ack.reason}`).toBe(key.includes(' /console'));
        return key;
      });
    const open = Object.values(template.findResources('AWS::ApiGatewayV2::Route'))
      .filter((route) => (route.Properties.AuthorizationType ?? 'NONE') === 'NONE')
      .map((route) => route.Properties.RouteKey as string);
    expect(acknowledged.sort()).toEqual(open.sort());
  });

  it('acknowledges each finding with a specific reason, never on the whole stack', () => {
    const { stack } = synthOnce('dev');
    const acks = acknowledgements(stack);
    expect(acks.length).toBeGreaterThan(0);
    for (const ack of acks) {
      expect(ack.path, ack.id).not.toBe(stack.node.path);
      expect(ack.path, ack.id).not.toBe(Stack.of(stack).node.scope?.node.path);
      expect(ack.reason.length, `${ack.id} on ${ack.path}`).toBeGreaterThanOrEqual(60);
    }
    // Only these are accepted; a new one must be added here on purpose.
    expect(
      [...new Set(acks.map((a) => a.id.replace(/^annotation::/i, '').replace(/\[.*$/, '')))].sort(),
    ).toEqual(['AwsSolutions-APIG4', 'AwsSolutions-IAM5', 'AwsSolutions-SMG4', 'AwsSolutions-SQS3']);
  });
});
