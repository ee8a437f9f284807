/**
 * `listener channel list|test --stage S`: a deployed stage's channels. The list comes from the stage's
 * settings (stages.json), secrets shown by reference only. The test never reads a secret here: it invokes
 * the stage's sweeper with a test action (shared/adapters/channels/stage/channel-test.ts), the sweeper sends the
 * TEST notice with the secrets only the delivering functions can read, and answers what the receiver said.
 */
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { PairSide } from '../../infra/stages.js';
import { ADMIN_LIMITS, limited } from '../../shared/adapters/aws-clients.js';
import type {
  ChannelTestRequest,
  ChannelTestResult,
} from '../../shared/adapters/channels/stage/channel-test.js';
import {
  channelSecrets,
  describeReference,
  type StageChannel,
} from '../../shared/adapters/channels/stage/stage-channels.js';
import { printable } from '../../shared/printable.js';
import { FailedError, UnreachableError, UsageError } from '../errors.js';
import { cliStages, requireStage } from '../stage-settings.js';
import { resolveStage } from '../stage-target.js';

export interface StageChannelOptions {
  readonly stage: string;
  readonly stages?: string;
  readonly region?: string;
  readonly listener?: string;
}

/** The stage's configured channels (stages.json); a usage error when the stage is unknown. */
export function stageChannelsOf(opts: StageChannelOptions): readonly StageChannel[] {
  return requireStage(cliStages(opts.stages), opts.stage).channels;
}

/** `channel list --stage`: NAME TYPE KINDS CUSTOMERS SECRETS rows (references, never values). */
export function stageChannelRows(channels: readonly StageChannel[]): string[][] {
  return channels.map((c) => [
    c.name,
    c.type,
    (c.kinds ?? ['pages and all-clears']).join(','),
    c.customers?.join(',') ?? 'all',
    channelSecrets(c)
      .map((s) => `${s.field}: ${describeReference(s.reference)}`)
      .join('; ') || '-',
  ]);
}

/** `channel test <name> --stage`: the exit code (0 accepted, 1 refused or unreadable, 3 AWS or the receiver unreachable). */
export async function testStageChannel(
  name: string,
  opts: StageChannelOptions,
  lambda?: LambdaClient,
): Promise<number> {
  if (!stageChannelsOf(opts).some((c) => c.name === name)) {
    throw new UsageError(
      `stage ${opts.stage} has no channel named ${name}`,
      `see its channels with: listener channel list --stage ${opts.stage}`,
    );
  }
  const request: ChannelTestRequest = { action: 'channel-test', channel: name };
  const result = await invokeSweeper<ChannelTestResult>(
    opts,
    request,
    `while testing channel ${name}`,
    lambda,
  );
  return printTestResult(name, result);
}

/**
 * Invokes the stage's sweeper with `payload` and returns its answer: the way the CLI acts with the stage's
 * HTTP channels, whose secrets only the delivering functions can read. {@link UnreachableError} (exit 3)
 * when AWS or the function fails.
 */
export async function invokeSweeper<T>(
  opts: StageChannelOptions,
  payload: unknown,
  doing: string,
  lambda?: LambdaClient,
): Promise<T> {
  const side = pairSide(opts.listener);
  const target = await resolveStage(opts.stage, {
    ...(opts.region ? { region: opts.region } : {}),
    ...(opts.stages ? { stagesFile: opts.stages } : {}),
    ...(side ? { side } : {}),
  });
  if (!target.sweeperFunctionName) {
    throw new FailedError(
      `stack ${target.stackName} has no SweeperFunctionName output (deployed by an older version)`,
      `deploy it again: npx cdk deploy -c stage=${opts.stage}`,
    );
  }
  const client =
    lambda ??
    new LambdaClient({ ...limited(ADMIN_LIMITS), ...(target.region ? { region: target.region } : {}) });
  try {
    const out = await client.send(
      new InvokeCommand({
        FunctionName: target.sweeperFunctionName,
        Payload: new TextEncoder().encode(JSON.stringify(payload)),
      }),
    );
    if (out.FunctionError) {
      throw new UnreachableError(
        `the sweeper of ${opts.stage} failed ${doing} (${printable(out.FunctionError)})`,
        'see its log group in CloudWatch Logs',
      );
    }
    return JSON.parse(new TextDecoder().decode(out.Payload)) as T;
  } catch (error) {
    if (error instanceof UnreachableError) throw error;
    if ((error as Error).name === 'TooManyRequestsException') {
      throw new UnreachableError(
        `the sweeper of ${opts.stage} is busy (it runs one at a time, and a scheduled sweep is running)`,
        'try again in a minute',
      );
    }
    throw new UnreachableError(
      `AWS Lambda could not be reached to invoke the sweeper of ${opts.stage} (${printable((error as Error).name)})`,
      'check your AWS credentials, the region and lambda:InvokeFunction on the sweeper',
    );
  }
}

function pairSide(listener: string | undefined): PairSide | undefined {
  if (listener === undefined) return undefined;
  if (listener === 'a' || listener === 'b') return listener;
  throw new UsageError(
    `--listener must be a or b, not ${printable(listener)}`,
    'pass --listener a or --listener b',
  );
}

/** Prints each answer (`pd LOGGER_SILENT: 202 {"status":"success"…}`) and returns the exit code. */
export function printTestResult(name: string, result: ChannelTestResult): number {
  for (const answer of result.answers) {
    process.stdout.write(
      `${name} ${printable(answer.kind)}: ${answer.status} ${printable(answer.excerpt)}\n`,
    );
  }
  const message = printable(result.message ?? '');
  switch (result.outcome) {
    case 'accepted':
      return 0;
    case 'refused':
      return 1;
    case 'unreachable':
      process.stderr.write(`listener: ${message} — check the channel's url and the network\n`);
      return 3;
    case 'unreadable':
      process.stderr.write(
        `listener: ${message} — create the secret or fix its value (docs/channels.md#on-a-stage)\n`,
      );
      return 1;
    default:
      process.stderr.write(
        `listener: ${message || `no channel ${name}`} — deploy the stage's channels: npx cdk deploy\n`,
      );
      return 1;
  }
}
