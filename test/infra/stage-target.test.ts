import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveStage, resolveTwinApiUrl, StageNotDeployedError } from '../../cli/stage-target.js';
import { OUTPUT_KEYS } from '../../infra/stage-names.js';
import { EXAMPLE_STAGES_PATH } from './synth.js';

/** The documented stages (stages.example.json), as an operator's `--stages` would name them. */
const stagesFile = EXAMPLE_STAGES_PATH;

const cfn = mockClient(CloudFormationClient);
afterEach(() => cfn.reset());

const client = () =>
  new CloudFormationClient({ region: 'eu-west-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });

const outputs = {
  [OUTPUT_KEYS.apiUrl]: 'https://abc123.execute-api.eu-west-1.amazonaws.com',
  [OUTPUT_KEYS.tableName]: 'PhoneHomeListener-dev-StoreTable-XYZ',
  [OUTPUT_KEYS.alarmTopicArn]: 'arn:aws:sns:eu-west-1:123456789012:alarm',
  [OUTPUT_KEYS.opsTopicArn]: 'arn:aws:sns:eu-west-1:123456789012:ops',
  [OUTPUT_KEYS.eventBusName]: 'phone-home-listener-dev',
};
const stackWith = (values: Record<string, string>) => ({
  Stacks: [
    {
      StackName: 'PhoneHomeListener-dev',
      StackStatus: 'CREATE_COMPLETE' as const,
      CreationTime: new Date(),
      Outputs: Object.entries(values).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })),
    },
  ],
});

describe('resolveStage', () => {
  it("reads the table, API and topics from the stage's stack outputs", async () => {
    cfn.on(DescribeStacksCommand, { StackName: 'PhoneHomeListener-dev' }).resolves(stackWith(outputs));
    await expect(resolveStage('dev', { client: client() })).resolves.toEqual({
      stackName: 'PhoneHomeListener-dev',
      listenerName: 'GEOCSCLNRA-DEV',
      region: 'eu-west-1',
      tableName: 'PhoneHomeListener-dev-StoreTable-XYZ',
      apiUrl: 'https://abc123.execute-api.eu-west-1.amazonaws.com',
      alarmTopicArn: 'arn:aws:sns:eu-west-1:123456789012:alarm',
      opsTopicArn: 'arn:aws:sns:eu-west-1:123456789012:ops',
      eventBusName: 'phone-home-listener-dev',
    });
    expect(cfn.commandCalls(DescribeStacksCommand)).toHaveLength(1);
  });

  it('says how to deploy a stage whose stack does not exist', async () => {
    const missing = Object.assign(new Error('Stack with id PhoneHomeListener-dev does not exist'), {
      name: 'ValidationError',
    });
    cfn.on(DescribeStacksCommand).rejects(missing);
    const attempt = resolveStage('dev', { client: client() });
    await expect(attempt).rejects.toThrow(StageNotDeployedError);
    await expect(resolveStage('dev', { client: client() })).rejects.toThrow(
      'stack PhoneHomeListener-dev not found in eu-west-1 — deploy it with npx cdk deploy -c stage=dev',
    );
  });

  it('names the missing output when the stack lacks one', async () => {
    const { [OUTPUT_KEYS.opsTopicArn]: _dropped, ...rest } = outputs;
    cfn.on(DescribeStacksCommand).resolves(stackWith(rest));
    await expect(resolveStage('dev', { client: client() })).rejects.toThrow(
      /stack PhoneHomeListener-dev in eu-west-1 has no output OpsTopicArn/,
    );
  });

  it('passes other errors (credentials, network) through unchanged', async () => {
    cfn.on(DescribeStacksCommand).rejects(new Error('The security token included in the request is invalid'));
    await expect(resolveStage('dev', { client: client() })).rejects.toThrow(/security token/);
  });

  it("looks in the stage's configured region unless told otherwise", async () => {
    cfn.on(DescribeStacksCommand).resolves(stackWith(outputs));
    // prod is configured for eu-west-1 in the stages file; the client is created for that region.
    await expect(resolveStage('prod', { stagesFile })).resolves.toMatchObject({
      stackName: 'PhoneHomeListener-prod',
      region: 'eu-west-1',
    });
    await expect(resolveStage('prod', { region: 'us-east-1', stagesFile })).resolves.toMatchObject({
      region: 'us-east-1',
    });
  });

  it("finds a pair stage's side a by default, and side b with side: 'b', each in its region", async () => {
    cfn.on(DescribeStacksCommand).resolves(stackWith(outputs));
    await expect(resolveStage('prod-pair', { stagesFile })).resolves.toMatchObject({
      stackName: 'PhoneHomeListener-prod-pair-a',
      region: 'us-east-1',
      listenerName: 'GEOCSCLNRA',
    });
    await expect(resolveStage('prod-pair', { side: 'b', stagesFile })).resolves.toMatchObject({
      stackName: 'PhoneHomeListener-prod-pair-b',
      region: 'us-east-2',
      listenerName: 'GEOCSCLNRB',
    });
    const asked = cfn.commandCalls(DescribeStacksCommand).map((call) => call.args[0].input.StackName);
    expect(asked).toEqual(['PhoneHomeListener-prod-pair-a', 'PhoneHomeListener-prod-pair-b']);
  });

  it("finds the other side's API URL, a bridge's backup, from that side's own stack", async () => {
    const apiOf = (side: string) => `https://${side}.execute-api.example.com`;
    cfn.on(DescribeStacksCommand).callsFake((input: { StackName?: string }) => {
      const side = String(input.StackName).slice(-1);
      return stackWith({ ...outputs, [OUTPUT_KEYS.apiUrl]: apiOf(side) });
    });
    await expect(resolveTwinApiUrl('prod-pair', 'a', { stagesFile })).resolves.toBe(apiOf('b'));
    await expect(resolveTwinApiUrl('prod-pair', 'b', { stagesFile })).resolves.toBe(apiOf('a'));
  });
});
