/**
 * The `listener` command: local mode and the admin CLI. Errors are one line on stderr,
 * `listener: <what went wrong> — <what to do>`; exit codes: 0 ok, 1 findings or a failed operation,
 * 2 usage mistake, 3 cannot reach the Listener or AWS (cli/errors.ts).
 */
import { resolve as resolvePath } from 'node:path';
import { Command, CommanderError } from 'commander';
import { registerBridgeCommands } from '../bridge/cli.js';
import packageJson from '../package.json' with { type: 'json' };
import { durationArg, wholeNumberFlag } from './args.js';
import { registerAlarmCommands } from './commands/alarm.js';
import { registerBridgeAdmin } from './commands/bridge-admin.js';
import { registerChannelCommands } from './commands/channel.js';
import { registerConsoleCommand } from './commands/console.js';
import { registerDeployCommands } from './commands/deploy.js';
import { registerDoctorCommand } from './commands/doctor.js';
import { registerFleetGroup } from './commands/fleet.js';
import { registerLoggerCommands } from './commands/logger.js';
import { registerStatusCommands } from './commands/status.js';
import { registerSweepCommand } from './commands/sweep.js';
import { EXIT, explain } from './errors.js';
import { UsageError } from './target.js';

/** Commander's own complaints (unknown option, missing argument) are printed by the catch below. */
let commanderComplaint = '';

const program = new Command('listener')
  .description('Phone Home Listener: watches Loggers phone home and raises an alarm when one goes silent')
  .configureOutput({
    outputError: (text) => {
      commanderComplaint = text.replace(/^error: /, '').trim();
    },
  })
  .addHelpText(
    'after',
    '\nErrors read "listener: <what went wrong> — <what to do>".\nExit codes: 0 ok, 1 findings or a failed operation, 2 usage mistake, 3 cannot reach the Listener or AWS.\n\nExamples:\n  listener status\n  listener doctor --all --stage prod\n',
  )
  .version(packageJson.version, '-V, --version', 'print the version and exit')
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
    '--max-in-flight <n>',
    'requests served at once; more are answered 503 + Retry-After at once (default 32)',
  )
  .option(
    '--renotify-every <duration>',
    'remind about a DOWN, unacknowledged Logger this often (default: off)',
  )
  .option('--mass-silence-min-loggers <n>', 'mass silence: at least this many Loggers overdue (default 20)')
  .option('--mass-silence-fraction <f>', 'mass silence: and this share of the fleet, 0–1 (default 0.2)')
  .option('--mass-silence-window <duration>', 'mass silence: overdue within this window (default 10m)')
  .option('--mass-silence-hold <duration>', 'mass silence: hold customer pages this long (default 15m)')
  .option(
    '--channels <file>',
    'also page through PagerDuty, Opsgenie, Slack, Teams, webhooks, Alertmanager (docs/channels.md)',
  )
  .option(
    '--pair-with <dir>',
    "run as the second Listener of a pair, on the running local Listener's DynamoDB Local and table (its --dir)",
  )
  .addHelpText(
    'after',
    '\nExamples:\n  listener local --port 3000 --sweep-every 10s --in-memory\n  listener local --pair-with .listener --listener-name GEOCSCLNRB --port 3001 --dir .listener-b\n',
  )
  .action(async (opts: Record<string, string | boolean | undefined>) => {
    const port = wholeNumberFlag('--port', String(opts.port), { min: 1, max: 65535, example: 3000 });
    const sweepEveryMs = durationArg('--sweep-every', String(opts.sweepEvery));
    // Local mode's server, DynamoDB Local and handlers load for `local` alone (cli/launch/bundle-cache.js).
    const { runLocal } = await import('./local/mode.js');
    await runLocal({
      port,
      sweepEveryMs,
      inMemory: Boolean(opts.inMemory),
      dir: String(opts.dir),
      listenerName: String(opts.listenerName),
      verbose: Boolean(opts.verbose),
      ...(opts.renotifyEvery
        ? { renotifyEveryMs: durationArg('--renotify-every', String(opts.renotifyEvery)) }
        : {}),
      massSilenceEnv: massSilenceEnv(opts),
      ...(typeof opts.maxInFlight === 'string'
        ? {
            maxInFlight: wholeNumberFlag('--max-in-flight', opts.maxInFlight, {
              min: 1,
              max: 10_000,
              example: 32,
            }),
          }
        : {}),
      ...(typeof opts.pairWith === 'string' ? { pairWith: opts.pairWith } : {}),
      ...(typeof opts.channels === 'string' ? { channelsFile: await checkedChannels(opts.channels) } : {}),
    });
  });

/** The channels file's absolute path, once it is known to be usable (the handlers read it again at load). */
async function checkedChannels(path: string): Promise<string> {
  const [{ readChannelsFile }, { ChannelsFileError }] = await Promise.all([
    import('../shared/adapters/channels/channels-file.js'),
    import('../shared/adapters/channels/channel-config.js'),
  ]);
  try {
    readChannelsFile(path);
  } catch (error) {
    if (error instanceof ChannelsFileError) throw new UsageError(error.what, error.todo);
    throw error;
  }
  return resolvePath(path);
}

/** The mass-silence flags as the sweeper's variables (docs/mass-silence.md), checked here to name the flag. */
function massSilenceEnv(opts: Record<string, string | boolean | undefined>): Record<string, string> {
  const env: Record<string, string> = {};
  const { massSilenceMinLoggers: min, massSilenceFraction: fraction } = opts;
  const { massSilenceWindow: window, massSilenceHold: hold } = opts;
  if (typeof min === 'string') {
    if (!/^[1-9]\d*$/.test(min))
      throw new UsageError(`--mass-silence-min-loggers "${min}"`, 'use a whole number ≥ 1');
    env.MASS_SILENCE_MIN_LOGGERS = min;
  }
  if (typeof fraction === 'string') {
    const f = Number(fraction);
    if (!(f > 0 && f <= 1))
      throw new UsageError(`--mass-silence-fraction "${fraction}"`, 'use a number in (0, 1]');
    env.MASS_SILENCE_FRACTION = fraction;
  }
  if (typeof window === 'string')
    env.MASS_SILENCE_WINDOW = `${durationArg('--mass-silence-window', window) / 1000}s`;
  if (typeof hold === 'string') env.MASS_SILENCE_HOLD = `${durationArg('--mass-silence-hold', hold) / 1000}s`;
  return env;
}

registerLoggerCommands(program);
registerStatusCommands(program);
registerAlarmCommands(program);
registerDoctorCommand(program);
registerFleetGroup(program);
registerSweepCommand(program);
registerConsoleCommand(program);
registerChannelCommands(program);
registerDeployCommands(program);
registerBridgeAdmin(registerBridgeCommands(program));

/**
 * `--watch -5s`: commander takes a value starting with "-" for an optional option-argument as another
 * option ("unknown option '-5s'"); joined as `--watch=-5s` it reaches the command, which says what is wrong.
 */
function joinDashValues(argv: readonly string[]): string[] {
  const joined: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const next = argv[i + 1];
    if (argv[i] === '--watch' && next !== undefined && /^-\d/.test(next)) {
      joined.push(`--watch=${next}`);
      i++;
    } else joined.push(argv[i] as string);
  }
  return joined;
}

/** The words of the command being run (`logger add`), for "see: listener logger add --help". */
function commandWords(argv: readonly string[]): string {
  const words: string[] = [];
  let command: Command | undefined = program;
  for (const arg of argv.slice(2)) {
    command = command?.commands.find((c) => c.name() === arg);
    if (!command) break;
    words.push(arg);
  }
  return ['listener', ...words].join(' ');
}

try {
  await program.parseAsync(joinDashValues(process.argv));
} catch (error) {
  if (error instanceof CommanderError) {
    if (error.exitCode !== 0) {
      // commander's suggestion, "(Did you mean list?)" on a line of its own, joins the one-line format.
      const complaint = commanderComplaint || error.message;
      const suggestion = /\s*\(Did you mean (.+?)\?\)\s*$/s.exec(complaint);
      const what = suggestion ? complaint.slice(0, suggestion.index).trim() : complaint;
      const todo = suggestion ? `did you mean ${suggestion[1]}? see: ` : 'see: ';
      console.error(`listener: ${what} — ${todo}${commandWords(process.argv)} --help`);
    }
    process.exitCode = error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  } else {
    const { line, exitCode } = explain(error);
    console.error(line);
    process.exitCode = exitCode;
  }
}
