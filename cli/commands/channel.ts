/**
 * `listener channel list` and `listener channel test <name>`: the channels of local mode's channels file
 * (`listener local --channels FILE`, docs/channels.md), or of a deployed stage (`--stage`, see
 * channel-stage.ts), and one test notice sent through one of them with what its receiver answered.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import type { ChannelConfig, ChannelsFile } from '../../shared/adapters/channels/channel-config.js';
import { REJECTIONS_FILE } from '../../shared/adapters/channels/rejections.js';
import { FailedError, UnreachableError, UsageError } from '../errors.js';
import { table } from '../format.js';
import { LOCAL_FILE, type LocalTarget } from '../local/target-file.js';

interface ChannelOptions {
  readonly channels?: string;
  readonly dir: string;
  readonly stage?: string;
  readonly stages?: string;
  readonly region?: string;
  readonly listener?: string;
}

export function registerChannelCommands(program: Command): void {
  const group = program
    .command('channel')
    .description('the PagerDuty, Opsgenie, Slack, Teams, webhook and Alertmanager channels');
  const options = (cmd: Command) =>
    cmd
      .option('--channels <file>', 'the channels file (default: the running local Listener’s)')
      .option('--dir <path>', 'the local Listener’s state directory', '.listener')
      .option('--stage <name>', 'a deployed stage’s channels (stages.json)')
      .option('--stages <path>', 'the stages file for --stage (default: stages.json)')
      .option('--region <region>', 'AWS region for --stage')
      .option('--listener <a|b>', 'which Listener of a pair stage tests (--stage): a (default) or b');
  options(
    group.command('list').description('list the configured channels and what each refused for good'),
  ).action(async (opts: ChannelOptions) => {
    if (opts.stage) {
      const { stageChannelsOf, stageChannelRows } = await import('./channel-stage.js');
      const headers = ['NAME', 'TYPE', 'KINDS', 'CUSTOMERS', 'SECRETS'];
      const stage = { ...opts, stage: opts.stage };
      process.stdout.write(`${table(headers, stageChannelRows(stageChannelsOf(stage)))}\n`);
      return;
    }
    const file = await channelsOf(opts);
    const refused = rejectionsBy(opts.dir);
    const rows = file.channels.map((c) => [
      c.name,
      c.type,
      (c.kinds ?? ['pages and all-clears']).join(','),
      c.customers?.join(',') ?? 'all',
      String(refused.get(c.name) ?? 0),
    ]);
    process.stdout.write(`${table(['NAME', 'TYPE', 'KINDS', 'CUSTOMERS', 'REFUSED'], rows)}\n`);
  });
  options(
    group
      .command('test <name>')
      .description(
        'send a TEST page through one channel (and its all-clear to incident tools); print the answers',
      ),
  ).action(async (name: string, opts: ChannelOptions) => {
    if (opts.stage) {
      const { testStageChannel } = await import('./channel-stage.js');
      const exit = await testStageChannel(name, { ...opts, stage: opts.stage });
      if (exit !== 0) process.exitCode = exit;
      return;
    }
    const file = await channelsOf(opts);
    const config = file.channels.find((c) => c.name === name);
    if (!config) {
      throw new UsageError(`no channel named ${name}`, 'see the configured ones with: listener channel list');
    }
    const exit = await testChannel(config);
    if (exit !== 0) process.exitCode = exit;
  });
}

/** Sends the test notices; 0 when every answer was 2xx, 1 when one was not, 3 when the receiver was unreachable. */
async function testChannel(config: ChannelConfig): Promise<number> {
  const [{ httpChannel }, { sendTestNotices }, { printTestResult }] = await Promise.all([
    import('../../shared/adapters/channels/channels-file.js'),
    import('../../shared/adapters/channels/stage/channel-test.js'),
    import('./channel-stage.js'),
  ]);
  return printTestResult(config.name, await sendTestNotices(config, httpChannel(config), Date.now()));
}

async function channelsOf(opts: ChannelOptions): Promise<ChannelsFile> {
  const path = opts.channels ?? runningChannelsFile(opts.dir);
  const { readChannelsFile } = await import('../../shared/adapters/channels/channels-file.js');
  const { ChannelsFileError } = await import('../../shared/adapters/channels/channel-config.js');
  try {
    return readChannelsFile(path);
  } catch (error) {
    if (error instanceof ChannelsFileError) throw new UsageError(error.what, error.todo);
    throw error;
  }
}

function runningChannelsFile(dir: string): string {
  const file = join(resolve(dir), LOCAL_FILE);
  if (!existsSync(file)) {
    throw new UnreachableError(
      `no local Listener is running (${file} not found)`,
      'pass --channels <file>, or start one with: npm start -- --channels <file>',
    );
  }
  const local = JSON.parse(readFileSync(file, 'utf8')) as LocalTarget;
  if (!local.channelsFile) {
    throw new FailedError(
      'the running local Listener has no channels',
      'start it with --channels <file> (docs/channels.md)',
    );
  }
  return local.channelsFile;
}

/** Notices each channel refused for good, from the local Listener's `channel-rejections.jsonl`. */
function rejectionsBy(dir: string): Map<string, number> {
  const counts = new Map<string, number>();
  const file = join(resolve(dir), REJECTIONS_FILE);
  if (!existsSync(file)) return counts;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const { channel } = JSON.parse(line) as { channel: string };
    counts.set(channel, (counts.get(channel) ?? 0) + 1);
  }
  return counts;
}
