/**
 * `listener logger add|list`: registering Loggers and seeing the fleet.
 */
import type { Command } from 'commander';
import {
  customerSchema,
  displayState,
  formatLoggerId,
  type PhoneHomeConfig,
  sideSchema,
  TRANSPORTS,
  type Transport,
} from '../../shared/domain/logger.js';
import { defaultInterval, registerLogger } from '../../shared/listener/register.js';
import { durationArg } from '../args.js';
import { table, when } from '../format.js';
import { onTarget, type TargetOptions, UsageError, withTarget } from '../target.js';
import { bridgeSites, collectBridge, registerBindingCommands } from './binding.js';
import { registerFleetCommands } from './fleet.js';
import { registerLifecycleCommands } from './lifecycle.js';

/** `--phone/--listener` and `--backup-phone/--backup-listener`: both halves of a pair, modem only. */
function phoneHomeOptions(opts: Record<string, unknown>, transport: Transport): PhoneHomeConfig | undefined {
  const pair = (phoneFlag: string, listenerFlag: string, phone: unknown, listener: unknown) => {
    if (phone === undefined && listener === undefined) return undefined;
    if (phone === undefined || listener === undefined) {
      throw new UsageError(
        `${phone === undefined ? phoneFlag : listenerFlag} is missing`,
        `give ${phoneFlag} and ${listenerFlag} together`,
      );
    }
    if (!/^[0-9,*#+ -]{3,32}$/.test(String(phone))) {
      throw new UsageError(
        `${phoneFlag} "${phone}" is not a phone number`,
        'write it as dialled, e.g. 9,19191234567',
      );
    }
    if (!/^[A-Za-z0-9][A-Za-z0-9-]{0,31}$/.test(String(listener))) {
      throw new UsageError(
        `${listenerFlag} "${listener}" is not a Listener name`,
        "write the Listener's name, e.g. GEOCSCLNRA",
      );
    }
    return { phone: String(phone), listener: String(listener) };
  };
  const primary = pair('--phone', '--listener', opts.phone, opts.listener);
  const backup = pair('--backup-phone', '--backup-listener', opts.backupPhone, opts.backupListener);
  if (!primary && !backup) return undefined;
  if (transport !== 'modem') {
    throw new UsageError(
      "--phone/--listener describe a modem Logger's dialling, and this Logger is https",
      'add --transport modem',
    );
  }
  return { ...(primary ? { primary } : {}), ...(backup ? { backup } : {}) };
}

/** A duration as one flag value, rounded down: `720m`, `55m`, `1s`. */
function wholeDuration(ms: number): string {
  return ms >= 60_000 ? `${Math.floor(ms / 60_000)}m` : `${Math.max(1, Math.floor(ms / 1000))}s`;
}

export function registerLoggerCommands(program: Command): void {
  const logger = program
    .command('logger')
    .description('register, list, show, pause/resume, rotate the token of, and remove Loggers')
    .addHelpText(
      'after',
      '\nExamples:\n  listener logger add geocust1 A\n  listener logger show geocust1/A\n',
    );

  withTarget(
    logger
      .command('add <customer> <side>')
      .description('register a Logger and print its token (shown once)')
      .option('--timeout <duration>', 'event timeout: alarm when silent this long', '780m')
      .option(
        '--interval <duration>',
        'expected heartbeat interval (default: 720m, kept 60m under the timeout)',
      )
      .option('--transport <transport>', `how it phones home: ${TRANSPORTS.join(' or ')}`, 'https')
      .option('--phone <number>', 'modem: the primary number it dials (CSCPhoneNumber), e.g. 9,19191234567')
      .option(
        '--listener <name>',
        'modem: the Listener expected there (CSCImportSystemName), e.g. GEOCSCLNRA',
      )
      .option('--backup-phone <number>', 'modem: the backup number (CSCBackupPhoneNumber)')
      .option('--backup-listener <name>', 'modem: the backup Listener (CSCBackupImportSystemName)')
      .option(
        '--bridge <site>',
        'modem: the bridge site allowed to relay for it, or a comma list (repeatable) for a backup site',
        collectBridge,
      )
      .option('--json', 'print JSON')
      .addHelpText(
        'after',
        '\nExamples:\n  listener logger add geocust1 A --timeout 780m --interval 720m\n' +
          '  listener logger add geocust3 A --transport modem --bridge acme-dc1,acme-dc2\n' +
          '  listener logger add geocust1 B --transport modem --phone 9,19191234567 --listener GEOCSCLNRA \\\n' +
          '      --backup-phone 9,14081234567 --backup-listener GEOCSCLNRB\n',
      ),
  ).action(
    async (
      customerArg: string,
      sideArg: string,
      opts: TargetOptions & Record<string, string | boolean | string[]>,
    ) => {
      const customer = customerSchema.safeParse(customerArg);
      if (!customer.success) {
        throw new UsageError(
          `customer "${customerArg}" is not a customer name (${customer.error.issues[0]?.message})`,
          'use lower-case letters, digits and -, e.g. geocust1',
        );
      }
      const side = sideSchema.safeParse(sideArg.toUpperCase());
      if (!side.success) throw new UsageError(`side "${sideArg}" is not a side`, 'the side is A or B');
      const transport = String(opts.transport);
      if (!TRANSPORTS.includes(transport as Transport)) {
        throw new UsageError(
          `--transport "${transport}" is not a transport`,
          `use ${TRANSPORTS.join(' or ')}`,
        );
      }
      const phoneHome = phoneHomeOptions(opts, transport as Transport);
      const bridges = Array.isArray(opts.bridge) ? bridgeSites(opts.bridge) : undefined;
      if (bridges && transport !== 'modem') {
        throw new UsageError(
          '--bridge names the bridge sites relaying a modem Logger',
          'add --transport modem',
        );
      }
      const eventTimeoutMs = durationArg('--timeout', String(opts.timeout));
      const intervalMs = opts.interval ? durationArg('--interval', String(opts.interval)) : undefined;
      if (intervalMs !== undefined && intervalMs >= eventTimeoutMs) {
        throw new UsageError(
          `--interval ${opts.interval} is not shorter than --timeout ${opts.timeout}: the Logger would alarm between heartbeats`,
          `keep the interval at least 60m under the timeout, e.g. --timeout ${opts.timeout} --interval ${wholeDuration(defaultInterval(eventTimeoutMs))}`,
        );
      }
      await onTarget(opts, async (target) => {
        const registration = await registerLogger(
          target.loggers,
          {
            customer: customer.data,
            side: side.data,
            eventTimeoutMs,
            ...(intervalMs === undefined ? {} : { heartbeatIntervalMs: intervalMs }),
            transport: transport as Transport,
            ...(phoneHome ? { phoneHome } : {}),
            ...(bridges ? { bridges } : {}),
          },
          Date.now(),
        );
        const id = formatLoggerId(registration.logger);
        if (opts.json) {
          console.log(
            JSON.stringify({ logger: id, token: registration.token, warnings: registration.warnings }),
          );
          return;
        }
        for (const warning of registration.warnings) console.error(`warning: ${warning}`);
        if (transport === 'modem' && !bridges) {
          console.error(
            `warning: any bridge may relay for ${id}: bind it with listener logger bind ${id} --bridge <site>`,
          );
        }
        const url = target.apiUrl ?? '<api-url>';
        console.log(`Registered Logger ${id} on ${target.description}.`);
        console.log(`Token (shown once; only its hash is kept):\n  ${registration.token}`);
        console.log(
          `Phone home:\n  curl -X POST ${url}/v1/heartbeat -H "Authorization: Bearer ${registration.token}"`,
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
      ]);
      console.log(table(['LOGGER', 'STATE', 'TRANSPORT', 'LAST SEEN', 'DEADLINE'], rows));
    });
  });

  registerLifecycleCommands(logger);
  registerBindingCommands(logger);
  registerFleetCommands(logger);
}
