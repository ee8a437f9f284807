/**
 * `listener logger set <logger>`: change a registered Logger's settings in place (its token stays). Each
 * setting is its own flag, so one more (a bridge binding) is one more option and one more patch field.
 */
import type { Command } from 'commander';
import { formatLoggerId, TRANSPORTS } from '../../shared/domain/logger.js';
import { changeSettings, type SettingsPatch } from '../../shared/listener/change-settings.js';
import { sweepLagWarning } from '../../shared/listener/register.js';
import { durationArg, loggerArg, loggerJson } from '../args.js';
import { when } from '../format.js';
import { operator } from '../operator.js';
import { onTarget, type TargetOptions, UsageError, withTarget } from '../target.js';
import {
  contactOptions,
  cronOptions,
  INTERVAL_HELP,
  phoneHomeOptions,
  timeoutAndInterval,
  transportArg,
  withContactFlags,
  withPhoneHomeFlags,
  withScheduleFlags,
} from './logger-settings.js';

type SetOpts = TargetOptions & Record<string, string | boolean | undefined>;

/** The flags given, as a patch; usage mistakes named by flag before anything is read. */
function patchOf(opts: SetOpts): SettingsPatch {
  const transport = typeof opts.transport === 'string' ? transportArg(opts.transport) : undefined;
  const cron = cronOptions(opts, 'set');
  const timing =
    typeof opts.timeout === 'string'
      ? timeoutAndInterval(opts.timeout, typeof opts.interval === 'string' ? opts.interval : undefined)
      : typeof opts.interval === 'string'
        ? { heartbeatIntervalMs: durationArg('--interval', opts.interval) }
        : {};
  // Phone numbers need a modem Logger: checked here against --transport when given, else against the stored one.
  const phoneHome = phoneHomeOptions(opts, transport ?? 'modem');
  const patch: SettingsPatch = {
    ...timing,
    ...(cron ? { cron } : {}),
    ...contactOptions(opts),
    ...(transport ? { transport } : {}),
    ...(phoneHome ? { phoneHome } : {}),
  };
  if (Object.keys(patch).length === 0) {
    throw new UsageError(
      'nothing to change',
      'give at least one of --timeout, --interval, --cron, --tz, --grace, --transport, --phone/--import-system, --backup-phone/--backup-import-system, --owner, --note',
    );
  }
  return patch;
}

export function registerSetCommand(logger: Command): void {
  withTarget(
    withContactFlags(
      withPhoneHomeFlags(
        withScheduleFlags(logger.command('set <logger>'))
          .description("change a Logger's settings in place: its token, history and state stay")
          .option('--timeout <duration>', 'event timeout: alarm when silent this long')
          .option('--interval <duration>', INTERVAL_HELP)
          .option('--transport <transport>', `how it phones home: ${TRANSPORTS.join(' or ')}`),
      ),
      true,
    )
      .option('--by <name>', 'who (recorded in the audit; default: your login name)')
      .option('--json', 'print JSON')
      .addHelpText(
        'after',
        '\nA watched Logger gets a deadline from its last phone-home plus the new timeout (a shorter one can\n' +
          "make it overdue at once: the next sweep pages it). A DOWN or PAUSED Logger's next deadline follows\n" +
          'the new timeout when it phones home or is resumed. Every change is in the audit record.\n' +
          'A cron schedule (--cron/--tz/--grace) replaces the timeout and interval; --timeout replaces it.\n\n' +
          'Examples:\n  listener logger set acme/B --timeout 10m\n' +
          '  listener logger set backup-db/A --cron "30 3 * * *" --tz America/New_York --grace 2h\n' +
          '  listener logger set backup-db/A --grace 90m   (keeps its expression and zone)\n' +
          '  listener logger set geocust1/B --transport modem --phone 9,19191234567 --import-system GEOCSCLNRA \\\n' +
          '      --backup-phone 9,14081234567 --backup-import-system GEOCSCLNRB\n' +
          "  listener logger set acme/A --owner 'Acme NOC +1 919 555 0100' --note 'rack 4, badge at gate B'\n" +
          "  listener logger set acme/A --note ''        (removes the note)\n",
      ),
  ).action(async (idArg: string, opts: SetOpts) => {
    const id = loggerArg(idArg);
    const patch = patchOf(opts);
    await onTarget(opts, async (target) => {
      const now = Date.now();
      const by = typeof opts.by === 'string' ? opts.by : undefined;
      const change = await changeSettings(operator(target, now, by), target.fleet, id, patch);
      const logger = change.after ?? change.before;
      const warnings = [
        ...change.warnings,
        ...(patch.eventTimeoutMs === undefined
          ? []
          : sweepLagWarning(patch.eventTimeoutMs, target.sweepEveryMs)),
      ];
      if (opts.json) {
        console.log(JSON.stringify({ ...loggerJson(logger, now), changes: change.changes, warnings }));
        return;
      }
      for (const warning of warnings) console.error(`warning: ${warning}`);
      const name = formatLoggerId(id);
      if (!change.after) {
        console.log(`Logger ${name} already has these settings on ${target.description}: nothing changed.`);
        return;
      }
      console.log(`Logger ${name} on ${target.description}:`);
      for (const c of change.changes) console.log(`  ${c.setting} ${c.from} → ${c.to}`);
      if (change.before.deadline !== change.after.deadline) {
        console.log(`  deadline ${when(change.after.deadline, now)}`);
      } else if (patch.eventTimeoutMs !== undefined) {
        console.log(
          `  deadline: set from the new timeout when it next phones home or is resumed (it is ${logger.state})`,
        );
      }
    });
  });
}
