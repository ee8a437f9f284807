/**
 * `listener logger bind|unbind`: which dial-in bridge sites may relay for a modem Logger
 * (shared/domain/bridge-binding.ts), and `--bridge` as `logger add` takes it.
 */
import type { Command } from 'commander';
import { parseSites } from '../../shared/domain/bridge-binding.js';
import { ValidationError } from '../../shared/domain/errors.js';
import { formatLoggerId } from '../../shared/domain/logger.js';
import { bindLogger, describe } from '../../shared/listener/bridge-admin.js';
import { loggerArg } from '../args.js';
import { operator } from '../operator.js';
import { onTarget, type TargetOptions, UsageError, withTarget } from '../target.js';

/** Commander's collector for a repeatable `--bridge`: each value a site or a comma list. */
export function collectBridge(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** The sites of `--bridge` values, checked; a usage error (exit 2) names the bad one. */
export function bridgeSites(values: readonly string[]): string[] {
  try {
    return parseSites(values);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    throw new UsageError(
      `--bridge: ${error.message}`,
      'e.g. --bridge acme-dc1 or --bridge acme-dc1,acme-dc2',
    );
  }
}

type Opts = TargetOptions & { bridge?: string[]; by?: string; json?: boolean };

export function registerBindingCommands(logger: Command): void {
  withTarget(
    logger
      .command('bind <logger>')
      .description(
        'allow only these bridge sites to relay for a modem Logger (replaces its sites; records from others are refused)',
      )
      .requiredOption(
        '--bridge <site>',
        'a bridge site, or a comma list (repeatable): primary, backup',
        collectBridge,
      )
      .option('--by <name>', 'who, for the audit record (default: your login name)')
      .option('--json', 'print JSON')
      .addHelpText(
        'after',
        '\nExamples:\n  listener logger bind geocust3/A --bridge acme-dc1\n  listener logger bind geocust3/A --bridge acme-dc1,acme-dc2 --stage prod\n',
      ),
  ).action(async (idArg: string, opts: Opts) => {
    const id = loggerArg(idArg);
    const sites = bridgeSites(opts.bridge ?? []);
    await change(opts, id, sites);
  });

  withTarget(
    logger
      .command('unbind <logger>')
      .description(
        'let any bridge relay for a modem Logger again, as before it was bound (listener doctor flags it)',
      )
      .option('--by <name>', 'who, for the audit record (default: your login name)')
      .option('--json', 'print JSON')
      .addHelpText('after', '\nExample:\n  listener logger unbind geocust3/A\n'),
  ).action(async (idArg: string, opts: Opts) => {
    await change(opts, loggerArg(idArg), undefined);
  });
}

async function change(opts: Opts, id: ReturnType<typeof loggerArg>, sites: string[] | undefined) {
  await onTarget(opts, async (target) => {
    const result = await bindLogger(operator(target, Date.now(), opts.by), id, sites);
    const name = formatLoggerId(id);
    if (opts.json) {
      console.log(
        JSON.stringify({ logger: name, bridges: result.after ?? [], unregistered: result.unregistered }),
      );
      return;
    }
    const same = describe(result.before) === describe(result.after);
    console.log(
      same
        ? `Logger ${name} was already relayed by ${describe(result.after)}: nothing changed.`
        : `Logger ${name} is now relayed by ${describe(result.after)} (was ${describe(result.before)}).`,
    );
    if (!result.after) {
      console.error(
        `warning: any bridge may now relay for ${name}; bind it again with listener logger bind ${name} --bridge <site>`,
      );
    }
    for (const site of result.unregistered) {
      console.error(
        `warning: no bridge ${site} is registered: ${name}'s records arrive only once you run listener bridge add ${site}`,
      );
    }
  });
}
