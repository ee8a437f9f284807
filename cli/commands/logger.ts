/**
 * `listener logger add|list`: registering Loggers and seeing the fleet.
 */
import type { Command } from 'commander';
import {
  displayState,
  formatLoggerId,
  type LoggerId,
  sideSchema,
  TRANSPORTS,
} from '../../shared/domain/logger.js';
import { cronJson, cronRhythm, scheduleText } from '../../shared/domain/pings/schedule.js';
import { registerLogger, sweepLagWarning } from '../../shared/listener/register.js';
import { customerArg, loggerArg } from '../args.js';
import { table, when } from '../format.js';
import { onTarget, type TargetOptions, UsageError, withTarget } from '../target.js';
import { bridgeSites, collectBridge, registerBindingCommands } from './binding.js';
import { registerFleetCommands } from './fleet.js';
import { registerLifecycleCommands } from './lifecycle.js';
import { registerSetCommand } from './logger-set.js';
import {
  contactOptions,
  cronArg,
  cronOptions,
  INTERVAL_HELP,
  phoneHomeOptions,
  timeoutAndInterval,
  transportArg,
  withContactFlags,
  withPhoneHomeFlags,
  withScheduleFlags,
} from './logger-settings.js';
import { targetPingUrl } from './ping-lines.js';

/** `geocust1 A`, or `geocust1/A` as every other command writes a Logger. */
function newLoggerId(customerText: string, sideText: string | undefined): LoggerId {
  if (customerText.includes('/')) {
    if (sideText !== undefined) {
      throw new UsageError(
        `"${customerText}" already names the side, and "${sideText}" is given too`,
        `write listener logger add ${customerText}, or listener logger add <customer> <side>`,
      );
    }
    return loggerArg(customerText);
  }
  const customer = customerArg(customerText);
  if (sideText === undefined) {
    throw new UsageError('the side is missing', `write listener logger add ${customer} A (or ${customer}/A)`);
  }
  const side = sideSchema.safeParse(sideText.toUpperCase());
  if (!side.success) throw new UsageError(`side "${sideText}" is not a side`, 'the side is A or B');
  return { customer, side: side.data };
}

export function registerLoggerCommands(program: Command): void {
  const logger = program
    .command('logger')
    .description('register, list, show, pause/resume, rotate the token of, and remove Loggers')
    .addHelpText(
      'after',
      '\nExamples:\n  listener logger add geocust1 A\n  listener logger set geocust1/A --timeout 10m\n  listener logger show geocust1/A\n',
    );

  withTarget(
    withContactFlags(
      withPhoneHomeFlags(
        withScheduleFlags(logger.command('add <customer> [side]'))
          .description(
            'register a Logger and print its token (shown once); <customer> <side> or <customer>/<side>',
          )
          .option('--timeout <duration>', 'event timeout: alarm when silent this long (default: 780m)')
          .option('--interval <duration>', INTERVAL_HELP)
          .option('--transport <transport>', `how it phones home: ${TRANSPORTS.join(' or ')}`, 'https'),
      ),
      false,
    )
      .option(
        '--bridge <site>',
        'modem: the bridge site allowed to relay for it, or a comma list (repeatable) for a backup site',
        collectBridge,
      )
      .option('--json', 'print JSON')
      .addHelpText(
        'after',
        '\nExamples:\n  listener logger add geocust1 A --timeout 780m --interval 720m\n  listener logger add geocust1/B\n' +
          '  listener logger add backup-db A --cron "0 2 * * *" --tz Europe/Berlin --grace 1h\n' +
          '  listener logger add geocust3 A --transport modem --bridge acme-dc1,acme-dc2\n' +
          '  listener logger add geocust1 B --transport modem --phone 9,19191234567 --import-system GEOCSCLNRA \\\n' +
          '      --backup-phone 9,14081234567 --backup-import-system GEOCSCLNRB\n',
      ),
  ).action(
    async (
      customerText: string,
      sideText: string | undefined,
      opts: TargetOptions & Record<string, string | boolean | string[]>,
    ) => {
      const id = newLoggerId(customerText, sideText);
      const transport = transportArg(String(opts.transport));
      const phoneHome = phoneHomeOptions(opts, transport);
      const contact = contactOptions(opts);
      const bridges = Array.isArray(opts.bridge) ? bridgeSites(opts.bridge) : undefined;
      if (bridges && transport !== 'modem') {
        throw new UsageError(
          '--bridge names the bridge sites relaying a modem Logger',
          'add --transport modem',
        );
      }
      const cron = cronOptions(opts, 'add');
      const schedule = cron ? cronArg(cron) : undefined;
      const timing = schedule
        ? cronRhythm(schedule)
        : timeoutAndInterval(
            typeof opts.timeout === 'string' ? opts.timeout : '780m',
            typeof opts.interval === 'string' ? opts.interval : undefined,
          );
      const { eventTimeoutMs, heartbeatIntervalMs } = timing;
      await onTarget(opts, async (target) => {
        const registration = await registerLogger(
          target.loggers,
          {
            ...id,
            eventTimeoutMs,
            ...(heartbeatIntervalMs === undefined ? {} : { heartbeatIntervalMs }),
            transport,
            ...(schedule ? { schedule } : {}),
            ...(phoneHome ? { phoneHome } : {}),
            ...(bridges ? { bridges } : {}),
            ...contact,
          },
          Date.now(),
          target.pings,
        );
        const ping = targetPingUrl(target.apiUrl, registration.pingUuid ?? '');
        // A cron Logger's silence shows a grace after its occurrence: that is what a sweep period delays.
        const lag = schedule?.graceMs ?? eventTimeoutMs;
        const warnings = [...registration.warnings, ...sweepLagWarning(lag, target.sweepEveryMs)];
        const name = formatLoggerId(registration.logger);
        if (opts.json) {
          console.log(JSON.stringify({ logger: name, token: registration.token, pingUrl: ping, warnings }));
          return;
        }
        for (const warning of warnings) console.error(`warning: ${warning}`);
        if (transport === 'modem' && !bridges) {
          console.error(
            `warning: any bridge may relay for ${name}: bind it with listener logger bind ${name} --bridge <site>`,
          );
        }
        const url = target.apiUrl ?? '<api-url>';
        console.log(`Registered Logger ${name} on ${target.description}.`);
        console.log(`Token (shown once; only its hash is kept):\n  ${registration.token}`);
        console.log(
          `Phone home:\n  curl -X POST ${url}/v1/heartbeat -H "Authorization: Bearer ${registration.token}"`,
        );
        console.log(
          `Or, from a cron job or script, its ping URL (shown once; docs/pings.md):\n  curl -fsS -m 10 --retry 5 -o /dev/null ${ping}`,
        );
      });
    },
  );

  withTarget(
    logger
      .command('list')
      .description('list Loggers with their state, last phone-home and deadline')
      .option('--json', 'print JSON')
      .addHelpText('after', '\nExample:\n  listener logger list --stage dev\n'),
  ).action(async (opts: TargetOptions & { json?: boolean }) => {
    await onTarget(opts, async (target) => {
      const now = Date.now();
      const loggers = await target.loggers.list();
      if (opts.json) {
        const rows = loggers.map((l) => ({
          logger: formatLoggerId(l),
          state: displayState(l, now),
          transport: l.transport,
          lastSeenAt: l.lastSeenAt === undefined ? null : new Date(l.lastSeenAt).toISOString(),
          deadline: new Date(l.deadline).toISOString(),
          schedule: l.schedule ? cronJson(l.schedule, l.deadline) : { kind: 'interval' },
          eventTimeoutMinutes: l.eventTimeoutMs / 60_000,
          heartbeatIntervalMinutes: l.heartbeatIntervalMs / 60_000,
        }));
        console.log(JSON.stringify(rows, null, 2));
        return;
      }
      if (loggers.length === 0) {
        console.log(
          `No Loggers registered on ${target.description}. Add one: listener logger add <customer> <A|B>`,
        );
        return;
      }
      const rows = loggers.map((l) => [
        formatLoggerId(l),
        displayState(l, now),
        l.transport,
        when(l.lastSeenAt, now),
        l.state === 'PAUSED' || l.state === 'DOWN' ? '-' : when(l.deadline, now),
        scheduleText(l),
      ]);
      console.log(table(['LOGGER', 'STATE', 'TRANSPORT', 'LAST SEEN', 'DEADLINE', 'SCHEDULE'], rows));
    });
  });

  registerSetCommand(logger);
  registerLifecycleCommands(logger);
  registerBindingCommands(logger);
  registerFleetCommands(logger);
}
