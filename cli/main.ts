/**
 * The `listener` command: local mode and the admin CLI. Exit codes: 0 ok, 1 failure, 2 usage.
 */
import { Command, CommanderError } from 'commander';
import { registerBridgeCommands } from '../bridge/cli.js';
import { parseDuration } from '../shared/domain/duration.js';
import { LoggerNotFoundError, StoreUnavailableError } from '../shared/domain/errors.js';
import { registerAlarmCommands } from './alarm-commands.js';
import { registerBridgeAdmin } from './bridge-admin.js';
import { registerConsoleCommand } from './console-command.js';
import { registerDoctorCommand } from './doctor-command.js';
import { runLocal } from './local.js';
import { registerLoggerCommands } from './logger-commands.js';
import { registerStatusCommands } from './status-commands.js';
import { registerSweepCommand } from './sweep-command.js';
import { UsageError } from './target.js';

const program = new Command('listener')
  .description('Phone Home Listener: watches Loggers phone home and raises an alarm when one goes silent')
  .showHelpAfterError('(run with --help for usage)')
  .addHelpText(
    'after',
    '\nExit codes: 0 ok, 1 failure or findings (e.g. doctor warnings), 2 usage mistake.\n\nExamples:\n  listener status\n  listener doctor --all --stage prod\n',
  )
  .exitOverride();

program
  .command('local')
  .description('run the whole Listener locally on DynamoDB Local (what `npm start` runs)')
  .option('--port <port>', 'HTTP port', '3000')
  .option('--sweep-every <duration>', 'how often the sweeper runs', '60s')
  .option('--in-memory', 'keep no data (default: kept in <dir>/dynamodb)')
  .option('--dir <path>', 'state directory (data, notifications.jsonl, local.json)', '.listener')
  .option('--listener-name <name>', 'the name alarms give this Listener', 'LOCAL')
  .option('--verbose', 'print the handlers’ structured logs')
  .option(
    '--renotify-every <duration>',
    'remind about a DOWN, unacknowledged Logger this often (default: off)',
  )
  .addHelpText('after', '\nExample:\n  listener local --port 3000 --sweep-every 10s --in-memory\n')
  .action(async (opts: Record<string, string | boolean | undefined>) => {
    const port = Number(opts.port);
    if (!Number.isInteger(port) || port < 1 || port > 65535)
      throw new UsageError(`--port "${opts.port}": use 1–65535`);
    let sweepEveryMs: number;
    try {
      sweepEveryMs = parseDuration(String(opts.sweepEvery));
    } catch (error) {
      throw new UsageError(`--sweep-every: ${(error as Error).message}`);
    }
    await runLocal({
      port,
      sweepEveryMs,
      inMemory: Boolean(opts.inMemory),
      dir: String(opts.dir),
      listenerName: String(opts.listenerName),
      verbose: Boolean(opts.verbose),
      ...(opts.renotifyEvery
        ? { renotifyEveryMs: durationOrUsage('--renotify-every', String(opts.renotifyEvery)) }
        : {}),
    });
  });

function durationOrUsage(flag: string, text: string): number {
  try {
    return parseDuration(text);
  } catch (error) {
    throw new UsageError(`${flag}: ${(error as Error).message}`);
  }
}

registerLoggerCommands(program);
registerStatusCommands(program);
registerAlarmCommands(program);
registerDoctorCommand(program);
registerSweepCommand(program);
registerConsoleCommand(program);
registerBridgeAdmin(registerBridgeCommands(program));

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    process.exitCode = error.exitCode === 0 ? 0 : 2;
  } else if (error instanceof UsageError) {
    console.error(`listener: ${error.message}`);
    process.exitCode = 2;
  } else if (error instanceof LoggerNotFoundError) {
    console.error(`listener: ${error.message}; see the registered ones with: listener logger list`);
    process.exitCode = 1;
  } else if (error instanceof StoreUnavailableError) {
    console.error(`listener: ${error.message}`);
    process.exitCode = 1;
  } else {
    console.error(`listener: ${(error as Error).message}`);
    process.exitCode = 1;
  }
}
