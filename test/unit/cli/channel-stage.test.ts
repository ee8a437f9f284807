/**
 * `listener channel list|test --stage`: the CLI never reads a channel's secret; the test invokes the
 * stage's sweeper (found from the stack outputs) with a test action and prints what the receiver answered:
 * exit 0 accepted, 1 refused or unreadable, 3 AWS or the receiver unreachable. AWS is mocked
 * (aws-sdk-client-mock): no credentials, no network.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { stageChannelRows, stageChannelsOf, testStageChannel } from '../../../cli/commands/channel-stage.js';
import { sweptBySweeper } from '../../../cli/commands/sweep.js';
import { UnreachableError, UsageError } from '../../../cli/errors.js';
import { OUTPUT_KEYS } from '../../../infra/stage-names.js';
import { withChannelTest } from '../../../shared/adapters/channels/stage/channel-test.js';

const lambda = mockClient(LambdaClient);
const cfn = mockClient(CloudFormationClient);
const dir = mkdtempSync(join(tmpdir(), 'phl-channel-stage-'));
const stagesFile = join(dir, 'stages.json');
writeFileSync(
  stagesFile,
  JSON.stringify({
    prod: {
      listenerName: 'GEOCSCLNRA',
      region: 'eu-west-1',
      removalPolicy: 'retain',
      channels: [
        { name: 'pd', type: 'pagerduty', routingKey: { secret: 'phone-home/prod/pd' } },
        {
          name: 'chat',
          type: 'slack',
          url: { parameter: '/phone-home/prod/slack' },
          customers: ['geocust1'],
        },
        { name: 'am', type: 'alertmanager', url: 'http://alertmanager.internal:9093' },
      ],
    },
  }),
);
const opts = { stage: 'prod', stages: stagesFile };
const SWEEPER = 'PhoneHomeListener-prod-FunctionssweeperABC-123';

const outputs = (extra: Record<string, string> = {}) => ({
  Stacks: [
    {
      StackName: 'PhoneHomeListener-prod',
      CreationTime: new Date(),
      StackStatus: 'CREATE_COMPLETE' as const,
      Outputs: Object.entries({
        [OUTPUT_KEYS.apiUrl]: 'https://api.test',
        [OUTPUT_KEYS.tableName]: 'table',
        [OUTPUT_KEYS.alarmTopicArn]: 'arn:aws:sns:eu-west-1:123456789012:alarms',
        [OUTPUT_KEYS.opsTopicArn]: 'arn:aws:sns:eu-west-1:123456789012:ops',
        [OUTPUT_KEYS.eventBusName]: 'bus',
        ...extra,
      }).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })),
    },
  ],
});
const answer = (result: unknown) =>
  ({ StatusCode: 200, Payload: new TextEncoder().encode(JSON.stringify(result)) }) as never;

let out: string[];
let err: string[];
beforeEach(() => {
  out = [];
  err = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => out.push(String(s)) > 0);
  vi.spyOn(process.stderr, 'write').mockImplementation((s) => err.push(String(s)) > 0);
  cfn.on(DescribeStacksCommand).resolves(outputs({ [OUTPUT_KEYS.sweeperFunctionName]: SWEEPER }));
});
afterEach(() => {
  vi.restoreAllMocks();
  lambda.reset();
  cfn.reset();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('listener channel list --stage', () => {
  it('lists the stage’s channels with their secrets by reference only', () => {
    expect(stageChannelRows(stageChannelsOf(opts))).toEqual([
      ['pd', 'pagerduty', 'pages and all-clears', 'all', 'routingKey: secret phone-home/prod/pd'],
      ['chat', 'slack', 'pages and all-clears', 'geocust1', 'url: parameter /phone-home/prod/slack'],
      ['am', 'alertmanager', 'pages and all-clears', 'all', '-'],
    ]);
    expect(lambda.calls()).toEqual([]);
  });
});

describe('listener channel test <name> --stage', () => {
  it('invokes the sweeper with the test action and prints each answer: exit 0 when accepted', async () => {
    lambda.on(InvokeCommand).resolves(
      answer({
        outcome: 'accepted',
        answers: [
          { kind: 'LOGGER_SILENT', status: 202, excerpt: '{"status":"success"}' },
          { kind: 'LOGGER_RECOVERED', status: 202, excerpt: '{"status":"success"}' },
        ],
      }),
    );
    expect(await testStageChannel('pd', opts)).toBe(0);
    const call = lambda.commandCalls(InvokeCommand)[0]?.args[0].input;
    expect(call?.FunctionName).toBe(SWEEPER);
    expect(JSON.parse(new TextDecoder().decode(call?.Payload as Uint8Array))).toEqual({
      action: 'channel-test',
      channel: 'pd',
    });
    expect(out.join('')).toBe(
      'pd LOGGER_SILENT: 202 {"status":"success"}\npd LOGGER_RECOVERED: 202 {"status":"success"}\n',
    );
  });

  it('exit 1 when the receiver refused, or the secret could not be read; control characters neutralised', async () => {
    lambda.on(InvokeCommand).resolves(
      answer({
        outcome: 'refused',
        answers: [{ kind: 'LOGGER_SILENT', status: 400, excerpt: 'bad key\u001b[2J' }],
      }),
    );
    expect(await testStageChannel('pd', opts)).toBe(1);
    expect(out.join('')).not.toContain('\u001b');
    lambda.on(InvokeCommand).resolves(
      answer({
        outcome: 'unreadable',
        answers: [],
        message:
          'channel pd cannot deliver: its routingKey (secret phone-home/prod/pd) could not be read (the extension answered 400)',
      }),
    );
    expect(await testStageChannel('pd', opts)).toBe(1);
    expect(err.join('')).toMatch(/^listener: channel pd cannot deliver: .* — create the secret/m);
  });

  it('exit 3 when the receiver is unreachable, and when AWS is', async () => {
    lambda
      .on(InvokeCommand)
      .resolves(
        answer({ outcome: 'unreachable', answers: [], message: 'channel pd: no answer within 5000 ms' }),
      );
    expect(await testStageChannel('pd', opts)).toBe(3);
    lambda
      .on(InvokeCommand)
      .rejects(Object.assign(new Error('getaddrinfo ENOTFOUND'), { name: 'TimeoutError' }));
    await expect(testStageChannel('pd', opts)).rejects.toThrow(UnreachableError);
    cfn.on(DescribeStacksCommand).rejects(new Error('Stack with id PhoneHomeListener-prod does not exist'));
    await expect(testStageChannel('pd', opts)).rejects.toThrow(UnreachableError);
  });

  it('a channel the stage does not configure is a usage mistake, before any AWS call', async () => {
    await expect(testStageChannel('nope', opts)).rejects.toThrow(UsageError);
    expect(cfn.calls()).toEqual([]);
  });
});

describe("the sweeper's test action", () => {
  const sweep = async () => ({ swept: true });
  it('answers a test request with the test, anything else goes to the sweep', async () => {
    const tested: string[] = [];
    const handler = withChannelTest(sweep, () => ({
      testChannel: async (name: string) => {
        tested.push(name);
        return { outcome: 'accepted' as const, answers: [] };
      },
    }));
    expect(await handler({ source: 'aws.events' }, {})).toEqual({ swept: true });
    expect(await handler({ action: 'channel-test', channel: 'pd' }, {})).toEqual({
      outcome: 'accepted',
      answers: [],
    });
    expect(tested).toEqual(['pd']);
    const none = withChannelTest(sweep, () => ({}));
    expect(await none({ action: 'channel-test', channel: 'pd' }, {})).toMatchObject({ outcome: 'unknown' });
  });
});

describe('listener sweep --stage, on a stage with channels', () => {
  it('is run by the stage’s sweeper, invoked: a sweep here could not deliver on the channels it has no secrets of', async () => {
    const report = { due: 3, raised: 2, published: 1, skipped: 0, failed: 0, durationMs: 420 };
    lambda.on(InvokeCommand).resolves(answer(report));
    expect(await sweptBySweeper(opts)).toBe(true);
    const call = lambda.commandCalls(InvokeCommand)[0]?.args[0].input;
    expect(call?.FunctionName).toBe(SWEEPER);
    expect(JSON.parse(new TextDecoder().decode(call?.Payload as Uint8Array))).toEqual({});
    expect(out.join('')).toContain('3 due, 2 alarms raised, 1 notification retried');
  });

  it('is run here on a stage without channels (its SNS and bus need no secret)', async () => {
    const bare = join(dir, 'bare-stages.json');
    writeFileSync(
      bare,
      JSON.stringify({ dev: { listenerName: 'GEOCSCLNRA', region: 'eu-west-1', removalPolicy: 'destroy' } }),
    );
    expect(await sweptBySweeper({ stage: 'dev', stages: bare })).toBe(false);
    expect(lambda.calls()).toEqual([]);
  });

  it('says AWS could not be reached (exit 3) when the invocation fails', async () => {
    lambda.on(InvokeCommand).rejects(Object.assign(new Error('x'), { name: 'ExpiredTokenException' }));
    await expect(sweptBySweeper(opts)).rejects.toBeInstanceOf(UnreachableError);
  });
});
