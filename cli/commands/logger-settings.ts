/**
 * The settings flags `logger add` and `logger set` share: timeout, interval, transport, a modem Logger's
 * Phone Home configuration (what `listener doctor` checks) and whom to call, each checked with a message
 * naming the flag.
 */
import { type Command, Option } from 'commander';
import {
  type ContactPatch,
  contactText,
  NOTE_MAX_CHARS,
  OWNER_MAX_CHARS,
} from '../../shared/domain/contact.js';
import { durationText } from '../../shared/domain/duration.js';
import { ValidationError } from '../../shared/domain/errors.js';
import {
  MIN_TIMEOUT_MARGIN_MS,
  type PhoneHomeConfig,
  type PhoneHomeTarget,
  TRANSPORTS,
  type Transport,
} from '../../shared/domain/logger.js';
import { type CronSchedule, cronSchedule } from '../../shared/domain/pings/schedule.js';
import { type CronPatch, DEFAULT_GRACE_MS } from '../../shared/listener/change-settings.js';
import { DEFAULT_INTERVAL_TEXT, defaultInterval } from '../../shared/listener/register.js';
import { durationArg } from '../args.js';
import { UsageError } from '../target.js';

/** Adds `--phone/--import-system` and `--backup-phone/--backup-import-system` (the ICM Phone Home Setup fields). */
export function withPhoneHomeFlags(command: Command): Command {
  return command
    .option('--phone <number>', 'modem: the primary number it dials (CSCPhoneNumber), e.g. 9,19191234567')
    .option(
      '--import-system <name>',
      'modem: the Listener expected at that number (CSCImportSystemName), e.g. GEOCSCLNRA',
    )
    .option('--backup-phone <number>', 'modem: the backup number (CSCBackupPhoneNumber)')
    .option(
      '--backup-import-system <name>',
      'modem: the Listener at the backup number (CSCBackupImportSystemName)',
    )
    .addOption(new Option('--backup-listener <name>', 'renamed: --backup-import-system').hideHelp());
}

/** Adds `--owner` and `--note`: whom to call about the Logger, and what they should know. */
export function withContactFlags(command: Command, removable: boolean): Command {
  const remove = removable ? "; '' removes it" : '';
  return command
    .option(
      '--owner <text>',
      `whom to call about it: a person or team (up to ${OWNER_MAX_CHARS} characters${remove})`,
    )
    .option(
      '--note <text>',
      `a note for whoever is called, e.g. site details (up to ${NOTE_MAX_CHARS} characters${remove})`,
    );
}

/** `--owner`/`--note` as given, checked and named by flag before anything is read (`''` = remove). */
export function contactOptions(opts: Flags): ContactPatch {
  const patch: { owner?: string; note?: string } = {};
  for (const part of ['owner', 'note'] as const) {
    const value = opts[part];
    if (typeof value !== 'string') continue;
    try {
      patch[part] = contactText(part, value);
    } catch {
      const max = part === 'owner' ? OWNER_MAX_CHARS : NOTE_MAX_CHARS;
      throw new UsageError(
        `--${part} is longer than ${max} characters or holds control characters`,
        `write up to ${max} printable characters on one line (--${part} '' removes it)`,
      );
    }
  }
  return patch;
}

/** The `--interval` help: the rule and the default, as docs/operations.md states them. */
export const INTERVAL_HELP = `expected heartbeat interval; shorter than the timeout, at least 60m shorter for a timeout of 2h or more (default: ${DEFAULT_INTERVAL_TEXT})`;

type Flags = Record<string, unknown>;

/** A number as ICM dials it (`9,19191234567`). */
export const PHONE_NUMBER = /^[0-9,*#+ -]{3,32}$/;
/** A Listener's import system name (`GEOCSCLNRA`). */
export const IMPORT_SYSTEM = /^[A-Za-z0-9][A-Za-z0-9-]{0,31}$/;

/** `--phone` with `--import-system`, `--backup-phone` with `--backup-import-system`: both halves, modem only. */
export function phoneHomeOptions(opts: Flags, transport: Transport): PhoneHomeConfig | undefined {
  if (opts.backupListener !== undefined) {
    throw new UsageError(
      '--backup-listener is now --backup-import-system',
      'write --backup-import-system <name>',
    );
  }
  const primary = phoneHomeTarget('--phone', '--import-system', opts.phone, opts.importSystem);
  const backup = phoneHomeTarget(
    '--backup-phone',
    '--backup-import-system',
    opts.backupPhone,
    opts.backupImportSystem,
  );
  if (!primary && !backup) return undefined;
  if (transport !== 'modem') {
    throw new UsageError(
      "--phone/--import-system describe a modem Logger's dialling, and this Logger is https",
      'add --transport modem',
    );
  }
  return { ...(primary ? { primary } : {}), ...(backup ? { backup } : {}) };
}

function phoneHomeTarget(
  phoneFlag: string,
  systemFlag: string,
  phone: unknown,
  system: unknown,
): PhoneHomeTarget | undefined {
  if (phone === undefined && system === undefined) return undefined;
  if (phone === undefined || system === undefined) {
    throw new UsageError(
      `${phone === undefined ? phoneFlag : systemFlag} is missing`,
      `give ${phoneFlag} and ${systemFlag} together`,
    );
  }
  if (!PHONE_NUMBER.test(String(phone))) {
    throw new UsageError(
      `${phoneFlag} "${phone}" is not a phone number`,
      'write it as dialled, e.g. 9,19191234567',
    );
  }
  if (!IMPORT_SYSTEM.test(String(system))) {
    throw new UsageError(
      `${systemFlag} "${system}" is not a Listener name`,
      "write the Listener's import system name, e.g. GEOCSCLNRA",
    );
  }
  return { phone: String(phone), listener: String(system) };
}

/** `--transport`, checked. */
export function transportArg(text: string): Transport {
  if (!TRANSPORTS.includes(text as Transport)) {
    throw new UsageError(`--transport "${text}" is not a transport`, `use ${TRANSPORTS.join(' or ')}`);
  }
  return text as Transport;
}

/**
 * `--timeout` and `--interval` together: an interval not shorter than the timeout is a usage mistake whose
 * suggestion keeps the rule it states (the default interval for that timeout, in whole seconds).
 */
export function timeoutAndInterval(
  timeoutText: string,
  intervalText: string | undefined,
): { eventTimeoutMs: number; heartbeatIntervalMs?: number } {
  const eventTimeoutMs = durationArg('--timeout', timeoutText);
  const heartbeatIntervalMs =
    intervalText === undefined ? undefined : durationArg('--interval', intervalText);
  if (heartbeatIntervalMs !== undefined && heartbeatIntervalMs >= eventTimeoutMs) {
    const rule =
      eventTimeoutMs >= 2 * MIN_TIMEOUT_MARGIN_MS
        ? 'keep the interval at least 60m under the timeout'
        : 'keep the interval under the timeout (a timeout under 2h needs no 60m margin)';
    throw new UsageError(
      `--interval ${intervalText} is not shorter than --timeout ${timeoutText}: the Logger would alarm between heartbeats`,
      `${rule}, e.g. --timeout ${timeoutText} --interval ${durationText(defaultInterval(eventTimeoutMs))}`,
    );
  }
  return { eventTimeoutMs, ...(heartbeatIntervalMs === undefined ? {} : { heartbeatIntervalMs }) };
}

/** Adds `--cron`, `--tz` and `--grace`: a cron Logger's schedule (shared/domain/pings/schedule.ts). */
export function withScheduleFlags(command: Command): Command {
  return command
    .option(
      '--cron <expression>',
      'follow a cron schedule instead of a timeout: five fields as crontab writes them, e.g. "0 2 * * *" (with --tz)',
    )
    .option('--tz <zone>', "the cron schedule's IANA time zone, e.g. Europe/Berlin, America/New_York, UTC")
    .option(
      '--grace <duration>',
      'cron: how long after each occurrence its success may come before it pages (default 1h)',
    );
}

/**
 * `--cron`/`--tz`/`--grace` as given (undefined: none), refused with `--timeout`/`--interval` (one schedule
 * or the other). `add` needs `--cron` and `--tz`; `set` may change one part of a recorded schedule.
 */
export function cronOptions(opts: Flags, command: 'add' | 'set'): CronPatch | undefined {
  const given = (['cron', 'tz', 'grace'] as const).filter((flag) => typeof opts[flag] === 'string');
  if (given.length === 0) return undefined;
  const timing = (['timeout', 'interval'] as const).filter((flag) => typeof opts[flag] === 'string');
  if (timing.length > 0) {
    throw new UsageError(
      `--${given[0]} and --${timing[0]} exclude each other: a Logger follows a cron schedule or a timeout`,
      'give --cron "<expression>" --tz <zone> [--grace <duration>], or --timeout [--interval]',
    );
  }
  if (command === 'add' && (opts.cron === undefined || opts.tz === undefined)) {
    throw new UsageError(
      `--${opts.cron === undefined ? 'cron' : 'tz'} is missing`,
      'give --cron and --tz together, e.g. --cron "0 2 * * *" --tz Europe/Berlin --grace 1h',
    );
  }
  return {
    ...(typeof opts.cron === 'string' ? { expression: opts.cron } : {}),
    ...(typeof opts.tz === 'string' ? { timeZone: opts.tz } : {}),
    ...(typeof opts.grace === 'string' ? { graceMs: durationArg('--grace', opts.grace) } : {}),
  };
}

/** A complete cron patch (`logger add`) as a checked schedule; a mistake names the flag and the accepted forms. */
export function cronArg(patch: CronPatch): CronSchedule {
  try {
    return cronSchedule(patch.expression ?? '', patch.timeZone ?? '', patch.graceMs ?? DEFAULT_GRACE_MS);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    const [what = error.message, ...todo] = error.message.split(': ');
    const flag = what.includes('time zone') ? '--tz' : '--cron';
    throw new UsageError(what.startsWith('"') ? `${flag} ${what}` : what, todo.join(': '));
  }
}
