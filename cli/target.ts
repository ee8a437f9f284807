/**
 * Which Listener a CLI command talks to: the running local one (default, found through
 * `.listener/local.json`), a deployed stage (`--stage`, resolved from the stack's outputs), or an explicit
 * table (`--table/--region`, default AWS credential chain). Building one (the AWS SDK clients, the
 * adapters) is in cli/resolve-target.ts, loaded only when a command runs: `--help` need not load the SDK.
 */
import { type Command, Option } from 'commander';
import type { Target, TargetOptions } from './resolve-target.js';

export { UsageError } from './errors.js';
/** What a command talks to, and the flags that pick it: built in cli/resolve-target.ts. */
export type { Target, TargetOptions } from './resolve-target.js';

/** Adds `--stage`, `--table`, `--region`, `--listener`, `--stages`, `--dir` to a command. */
export function withTarget(command: Command): Command {
  return command
    .option('--stage <name>', 'talk to the deployed stage (resolved from its CloudFormation outputs)')
    .option('--table <name>', 'talk to this DynamoDB table directly (default AWS credentials)')
    .option('--region <region>', 'AWS region for --stage/--table')
    .option('--listener <a|b>', 'which Listener of a pair stage (--stage): a (default) or b')
    .addOption(new Option('--side <a|b>', 'renamed: --listener').hideHelp())
    .option('--stages <path>', 'the stages file for --stage (default: stages.json; as cdk -c stages=PATH)')
    .option('--dir <path>', 'local mode state directory', '.listener');
}

/** Runs `body` against the resolved target, and closes the target's clients whatever happens. */
export async function onTarget<T>(opts: TargetOptions, body: (target: Target) => Promise<T>): Promise<T> {
  const { resolveTarget } = await import('./resolve-target.js');
  const target = await resolveTarget(opts);
  try {
    return await body(target);
  } finally {
    target.close();
  }
}
