/**
 * `listener alarm ack|unack|list` (AlarmTracker's "assign": who owns an open alarm) and
 * `listener maintenance add|list|remove` (planned-work windows that suppress pages).
 */

import type { Command } from 'commander';
import { formatDuration } from '../../shared/domain/duration.js';
import {
  collectWindows,
  formatLoggerId,
  type Logger,
  type LoggerId,
  type MaintenanceWindow,
} from '../../shared/domain/logger.js';
import { counted } from '../../shared/domain/words.js';
import {
  acknowledgeAlarm,
  addMaintenanceWindow,
  endMaintenanceWindow,
  newWindowId,
  unacknowledgeAlarm,
} from '../../shared/listener/admin.js';
import { noCounters, quietLog } from '../../shared/listener/deps.js';
import { releaseHold } from '../../shared/listener/sweep/mass-silence.js';
import { storePorts } from '../../shared/ports/stores.js';
import { iso, loggerArg, loggerOrCustomerArg, timeArg } from '../args.js';
import { FailedError } from '../errors.js';
import { table, when } from '../format.js';
import { operator } from '../operator.js';
import { onTarget, type Target, type TargetOptions, UsageError, withTarget } from '../target.js';

/** Names and notes people type: printable, bounded. */
function textOption(flag: string, value: string | undefined, max: number): string | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  const control = [...trimmed].some((ch) => (ch.codePointAt(0) ?? 0) < 0x20);
  if (trimmed === '' || trimmed.length > max || control) {
    throw new UsageError(
      `${flag} is empty, longer than ${max} characters or holds control characters`,
      `write 1–${max} printable characters`,
    );
  }
  return trimmed;
}

export function registerAlarmCommands(program: Command): void {
  const alarm = program
    .command('alarm')
    .description('own open alarms (acknowledge) and list them')
    .addHelpText(
      'after',
      '\nExamples:\n  listener alarm list\n  listener alarm ack geocust1/A --by alice --ticket INC-4711\n',
    );

  withTarget(
    alarm
      .command('ack <logger>')
      .description('take ownership of a DOWN Logger’s alarm: shown with your name, reminders stop')
      .requiredOption('--by <name>', 'who owns it')
      .option('--ticket <id>', 'ticket or case number')
      .option('--note <text>', 'what is being done')
      .option('--json', 'print JSON')
      .addHelpText(
        'after',
        '\nThe acknowledgement stays, visible, until the Logger phones home (then it is cleared).\n\nExample:\n  listener alarm ack geocust1/A --by alice --ticket INC-4711 --note "modem reset requested"\n',
      ),
  ).action(
    async (
      idArg: string,
      opts: TargetOptions & { by: string; ticket?: string; note?: string; json?: boolean },
    ) => {
      const id = loggerArg(idArg);
      const by = textOption('--by', opts.by, 64) ?? '';
      const ticket = textOption('--ticket', opts.ticket, 64);
      const note = textOption('--note', opts.note, 500);
      await onTarget(opts, async (target) => {
        const now = Date.now();
        const { before, after } = await acknowledgeAlarm(operator(target, now, by), id, {
          ...(ticket ? { ticket } : {}),
          ...(note ? { note } : {}),
        });
        if (!after) {
          throw new FailedError(
            `${formatLoggerId(id)} has no open alarm (it is ${before.state})`,
            'see the open ones with: listener alarm list',
          );
        }
        if (opts.json) console.log(JSON.stringify(alarmJson(after, now)));
        else
          console.log(
            // Reminders stop only where they were on: promise nothing that was never coming.
            `Alarm of ${formatLoggerId(id)} acknowledged by ${by}${ticket ? ` (${ticket})` : ''}${target.renotifyEveryMs === undefined ? '.' : ': no more reminders.'}`,
          );
      });
    },
  );

  withTarget(
    alarm
      .command('unack <logger>')
      .description('give an acknowledged alarm back (reminders resume, if configured)')
      .option('--json', 'print JSON')
      .addHelpText('after', '\nExample:\n  listener alarm unack geocust1/A\n'),
  ).action(async (idArg: string, opts: TargetOptions & { json?: boolean }) => {
    const id = loggerArg(idArg);
    await onTarget(opts, async (target) => {
      const now = Date.now();
      const { before, after } = await unacknowledgeAlarm(operator(target, now), id, target.renotifyEveryMs);
      if (!after)
        throw new FailedError(
          `${formatLoggerId(id)}'s alarm is not acknowledged (it is ${before.state})`,
          'see who owns what with: listener alarm list',
        );
      if (opts.json) console.log(JSON.stringify(alarmJson(after, now)));
      else console.log(`Alarm of ${formatLoggerId(id)} is unowned again.`);
    });
  });

  withTarget(
    alarm
      .command('release-mass-silence')
      .description('end a mass silence’s hold now: page the held Loggers still silent, or --drop their pages')
      .option('--by <name>', 'who (recorded in the audit; default: your login name)')
      .option('--drop', 'discard the held pages instead of sending them (recorded with who did it)')
      .option('--reason <text>', 'why (recorded in the audit)')
      .addHelpText(
        'after',
        '\nSee docs/mass-silence.md.\n\nExamples:\n  listener alarm release-mass-silence --by alice\n  listener alarm release-mass-silence --drop --by alice --reason "bridge outage INC-4711"\n',
      ),
  ).action(async (opts: TargetOptions & { by?: string; drop?: boolean; reason?: string }) => {
    const reason = textOption('--reason', opts.reason, 200);
    await onTarget(opts, async (target) => {
      const now = Date.now();
      const by = textOption('--by', opts.by, 64) ?? operator(target, now).actor;
      const deps = {
        ...storePorts(target),
        channels: target.publishing?.channels ?? [],
        listenerName: target.publishing?.listenerName ?? 'unknown',
        outboxRetryMs: 30_000,
        eventRetentionMs: 0,
        ...(target.renotifyEveryMs === undefined ? {} : { renotifyEveryMs: target.renotifyEveryMs }),
        log: quietLog,
        counters: noCounters,
      };
      const request = { by, drop: Boolean(opts.drop), audit: target.audit, ...(reason ? { reason } : {}) };
      const outcome = await releaseHold(deps, request, now);
      if (!outcome) throw new FailedError('no mass silence is on', 'see the Listener with: listener status');
      const verb = opts.drop ? 'Dropped the held pages of' : 'Paged';
      console.log(
        `${verb} ${counted(outcome.loggers.length, 'Logger')} still silent (${by}). The mass silence clears at the next sweep.`,
      );
    });
  });

  withTarget(
    alarm
      .command('list')
      .description('open alarms (DOWN Loggers) with their owner and age, oldest first')
      .option('--json', 'print JSON')
      .addHelpText('after', '\nExample:\n  listener alarm list --stage prod\n'),
  ).action(async (opts: TargetOptions & { json?: boolean }) => {
    await onTarget(opts, async (target) => {
      const now = Date.now();
      // The sparse `state` index holds only DOWN and PAUSED Loggers: reads grow with the alarms, not the fleet.
      const open = (await target.fleet.inState('DOWN')).sort(
        (a, b) => (a.downSince ?? 0) - (b.downSince ?? 0),
      );
      if (opts.json) {
        console.log(
          JSON.stringify(
            open.map((l) => alarmJson(l, now)),
            null,
            2,
          ),
        );
        return;
      }
      if (open.length === 0) {
        console.log(`No open alarms on ${target.description}.`);
        return;
      }
      const rows = open.map((l) => [
        formatLoggerId(l),
        formatDuration(now - (l.downSince ?? now)),
        l.ack ? l.ack.by : 'UNOWNED',
        l.ack?.ticket ?? '-',
        l.ack?.note ?? '-',
      ]);
      console.log(table(['LOGGER', 'AGE', 'OWNER', 'TICKET', 'NOTE'], rows));
    });
  });

  registerMaintenanceCommands(program);
}

function alarmJson(l: Logger, now: number) {
  return {
    logger: formatLoggerId(l),
    state: l.state,
    downSince: iso(l.downSince),
    ageSeconds: l.downSince === undefined ? null : Math.round((now - l.downSince) / 1000),
    lastSeenAt: iso(l.lastSeenAt),
    owner: l.ack ? { ...l.ack, at: iso(l.ack.at) } : null,
  };
}

function registerMaintenanceCommands(program: Command): void {
  const maintenance = program
    .command('maintenance')
    .description('planned-work windows: no page while one is on; still silent at its end = alarmed then')
    .addHelpText(
      'after',
      '\nExamples:\n  listener maintenance add geocust1 --to +2h --reason "PBX upgrade"\n  listener maintenance list\n',
    );

  withTarget(
    maintenance
      .command('add <target>')
      .description('add a window for a Logger (geocust1/A) or both sides of a customer (geocust1)')
      .option('--from <time>', 'start: now, 2026-11-24T22:00Z, or +1h', 'now')
      .requiredOption('--to <time>', 'end: 2026-11-25T02:00Z, or a duration from now such as +4h')
      .option('--reason <text>', 'why (shown in lists)')
      .option('--json', 'print JSON')
      .addHelpText(
        'after',
        '\nTimes without a zone are UTC. For an open-ended pause use: listener logger pause <logger>\n\nExamples:\n  listener maintenance add geocust1 --from 2026-11-24T22:00Z --to 2026-11-25T02:00Z --reason "PBX upgrade"\n  listener maintenance add geocust1/B --to +3h\n',
      ),
  ).action(
    async (
      what: string,
      opts: TargetOptions & { from: string; to: string; reason?: string; json?: boolean },
    ) => {
      const scope = loggerOrCustomerArg(what);
      const now = Date.now();
      const from = timeArg('--from', opts.from, now);
      const to = timeArg('--to', opts.to, now);
      if (to <= from)
        throw new UsageError('--to is not after --from', 'give a window that ends after it starts');
      if (to <= now)
        throw new UsageError('--to is in the past', 'a window must end in the future, e.g. --to +2h');
      const reason = textOption('--reason', opts.reason, 200);
      const window: MaintenanceWindow = {
        id: newWindowId(),
        from,
        to,
        ...(reason ? { reason } : {}),
      };
      await onTarget(opts, async (target) => {
        const ids = await scopeIds(target, scope);
        await addMaintenanceWindow(operator(target, now), ids, window);
        const loggers = ids.map(formatLoggerId);
        if (opts.json) {
          console.log(JSON.stringify({ ...window, from: iso(from), to: iso(to), loggers }));
          return;
        }
        console.log(
          `Maintenance ${window.id} for ${loggers.join(', ')}: ${when(from, now)} → ${when(to, now)}. No page while it is on; a Logger still silent at its end is alarmed then.`,
        );
      });
    },
  );

  withTarget(
    maintenance
      .command('list')
      .description('current and planned windows')
      .option('--json', 'print JSON')
      .addHelpText('after', '\nExample:\n  listener maintenance list\n'),
  ).action(async (opts: TargetOptions & { json?: boolean }) => {
    await onTarget(opts, async (target) => {
      const now = Date.now();
      const windows = collectWindows(await target.loggers.list(), now);
      if (opts.json) {
        console.log(
          JSON.stringify(
            windows.map((w) => ({ ...w, from: iso(w.from), to: iso(w.to), active: w.from <= now })),
            null,
            2,
          ),
        );
        return;
      }
      if (windows.length === 0) {
        console.log(`No maintenance windows on ${target.description}.`);
        return;
      }
      const rows = windows.map((w) => [
        w.id,
        w.loggers.join(', '),
        w.from <= now ? 'ON' : 'planned',
        when(w.from, now),
        when(w.to, now),
        w.reason ?? '-',
      ]);
      console.log(table(['ID', 'LOGGERS', 'STATUS', 'FROM', 'TO', 'REASON'], rows));
    });
  });

  withTarget(
    maintenance
      .command('remove <id>')
      .description('end a window now (its Loggers are watched normally again)')
      .option('--json', 'print JSON')
      .addHelpText('after', '\nExample:\n  listener maintenance remove mw-3fa9c1\n'),
  ).action(async (windowId: string, opts: TargetOptions & { json?: boolean }) => {
    if (!/^mw-[0-9a-f]{6}$/.test(windowId)) {
      throw new UsageError(
        `"${windowId}" is not a window id (mw-xxxxxx)`,
        'see them with: listener maintenance list',
      );
    }
    await onTarget(opts, async (target) => {
      const holders = await endMaintenanceWindow(operator(target, Date.now()), windowId);
      if (holders.length === 0) {
        throw new UsageError(
          `there is no maintenance window ${windowId}`,
          'see them with: listener maintenance list',
        );
      }
      const loggers = holders.map(formatLoggerId);
      if (opts.json) console.log(JSON.stringify({ id: windowId, removed: true, loggers }));
      else console.log(`Removed maintenance ${windowId} (${loggers.join(', ')}).`);
    });
  });
}

/** The Loggers a window applies to: one, or every registered side of a customer (at least one). */
async function scopeIds(target: Target, scope: { customer: string; side?: 'A' | 'B' }): Promise<LoggerId[]> {
  const candidates: LoggerId[] = scope.side
    ? [{ customer: scope.customer, side: scope.side }]
    : [
        { customer: scope.customer, side: 'A' },
        { customer: scope.customer, side: 'B' },
      ];
  const found: LoggerId[] = [];
  for (const id of candidates) if (await target.loggers.get(id)) found.push(id);
  if (found.length === 0) {
    const what = scope.side
      ? `Logger ${scope.customer}/${scope.side}`
      : `customer ${scope.customer} (no Logger A or B)`;
    throw new UsageError(`${what} is not registered`, 'see the registered ones with: listener logger list');
  }
  return found;
}
