/**
 * `listener logger show|rotate-token|pause|resume|remove`: the rest of a Logger's lifecycle.
 */

import type { Command } from 'commander';
import { isOverInterval } from '../../shared/domain/doctor.js';
import { formatDuration } from '../../shared/domain/duration.js';
import {
  activeWindow,
  arrivalIntervals,
  displayState,
  formatLoggerId,
  type Logger,
  type LoggerId,
  recentArrivals,
} from '../../shared/domain/logger.js';
import { timeoutText } from '../../shared/domain/notices/notification.js';
import { describeCron, dueOccurrence } from '../../shared/domain/pings/schedule.js';
import { counted } from '../../shared/domain/words.js';
import { pauseLogger, resumeLogger, rotateToken } from '../../shared/listener/admin.js';
import { issuePingUrl, removeLoggerAndPingUrl } from '../../shared/listener/pings/ping-url.js';
import { printable } from '../../shared/printable.js';
import { confirm, iso, loggerArg, loggerJson, wholeNumberFlag } from '../args.js';
import { notRegistered } from '../errors.js';
import { indent, table, when } from '../format.js';
import { operator } from '../operator.js';
import { onTarget, type TargetOptions, withTarget } from '../target.js';
import { historyJson, historyText } from './history-lines.js';
import { pingJson, pingLines, targetPingUrl } from './ping-lines.js';

type Opts = TargetOptions & { json?: boolean; yes?: boolean; events?: string };

export function registerLifecycleCommands(logger: Command): void {
  withTarget(
    logger
      .command('show <logger>')
      .description(
        'a Logger: settings, state, its last 20 phone-homes with the real interval between them, recent events',
      )
      .option('--events <n>', 'how many recent events to show', '10')
      .option('--json', 'print JSON')
      .addHelpText('after', '\nExample:\n  listener logger show geocust1/A\n'),
  ).action(async (idArg: string, opts: Opts) => {
    const id = loggerArg(idArg);
    const limit = wholeNumberFlag('--events', String(opts.events), { min: 0, max: 100, example: 10 });
    await onTarget(opts, async (target) => {
      const now = Date.now();
      const pinged = await target.pings.read(id);
      if (!pinged) throw notRegistered(id);
      const found = pinged.logger;
      const events = limit > 0 ? await target.events.listEvents(id, limit) : [];
      const history = await target.history.read(id);
      const arrivals = recentArrivals(found);
      const intervals = arrivalIntervals(arrivals);
      if (opts.json) {
        console.log(
          JSON.stringify(
            {
              ...loggerJson(found, now),
              ping: pingJson(pinged),
              ...historyJson(history),
              intervalsMinutes: intervals.map((ms) => Math.round(ms / 6_000) / 10),
              events: events.map((e) => ({ ...e, receivedAt: iso(e.receivedAt) })),
            },
            null,
            2,
          ),
        );
        return;
      }
      const state = displayState(found, now);
      // Whom to call first: an on-call person reads the top of the block.
      const contact: [string, string][] = [
        ...(found.owner ? ([['Owner', found.owner]] as [string, string][]) : []),
        ...(found.note ? ([['Note', found.note]] as [string, string][]) : []),
      ];
      const lines: [string, string][] = [
        ['State', state],
        ...contact,
        ['Transport', found.transport],
        ...(found.transport === 'modem'
          ? ([
              ['Relayed by', found.bridges?.length ? found.bridges.join(', ') : 'any bridge (not bound)'],
            ] as [string, string][])
          : []),
        ...(found.schedule
          ? ([
              [
                'Schedule',
                `${describeCron(found.schedule)}, next due ${when(dueOccurrence(found.schedule, found.deadline), now)}`,
              ],
            ] as [string, string][])
          : ([
              ['Event timeout', timeoutText(found.eventTimeoutMs)],
              ['Heartbeat interval', timeoutText(found.heartbeatIntervalMs)],
            ] as [string, string][])),
        ['Registered', when(found.registeredAt, now)],
        ['Last seen', when(found.lastSeenAt, now)],
        ...heardByLines(found, now),
        ['Deadline', found.state === 'PAUSED' ? '- (paused)' : when(found.deadline, now)],
      ];
      if (found.state === 'DOWN') lines.push(['Down since', when(found.downSince, now)]);
      if (found.ack) {
        const ticket = found.ack.ticket ? `, ticket ${found.ack.ticket}` : '';
        const note = found.ack.note ? `: ${found.ack.note}` : '';
        lines.push(['Acknowledged', `${found.ack.by} (since ${when(found.ack.at, now)}${ticket})${note}`]);
      }
      const window = activeWindow(found, now);
      if (window) lines.push(['Maintenance', `until ${when(window.to, now)} (${window.id})`]);
      if (found.phoneHome?.primary) {
        lines.push(['Phone Home', `${found.phoneHome.primary.phone} → ${found.phoneHome.primary.listener}`]);
      }
      if (found.phoneHome?.backup) {
        lines.push(['Backup', `${found.phoneHome.backup.phone} → ${found.phoneHome.backup.listener}`]);
      }
      if (found.reportedIntervalMs !== undefined) {
        lines.push(['Reported interval', timeoutText(found.reportedIntervalMs)]);
      }
      if (found.agent) lines.push(['Agent', found.agent]);
      if (found.outbox.length > 0) lines.push(['Pending notices', String(found.outbox.length)]);
      lines.push(...pingLines(pinged, now));
      console.log(`Logger ${formatLoggerId(found)} on ${target.description}`);
      const width = Math.max(...lines.map(([k]) => k.length));
      // Values include what the Logger sent (its agent string) and operators' notes: never raw on a terminal.
      for (const [k, v] of lines) console.log(`  ${`${k}:`.padEnd(width + 2)}${printable(v)}`);
      console.log(`\nLast ${counted(arrivals.length, 'phone-home')}:`);
      if (arrivals.length === 0) console.log('  none yet');
      else {
        const rows = arrivals.map((at, i) => {
          const interval = i === 0 ? '-' : formatDuration(intervals[i - 1] ?? 0);
          const over = i > 0 && isOverInterval(found, intervals[i - 1] ?? 0) ? '  (over the interval)' : '';
          return [when(at, now), `${interval}${over}`];
        });
        console.log(indent(table(['ARRIVED', 'INTERVAL'], rows)));
      }
      // A Logger without a ping URL has only outages to show (pings never reach it).
      const withPings = pinged.pingHash !== undefined || history.pings.length > 0;
      console.log(`\n${historyText(withPings ? history : { ...history, pings: undefined }, now)}`);
      if (limit > 0) {
        console.log(`\nRecent events:`);
        if (events.length === 0) console.log('  none');
        else {
          const rows = events.map((e) => [
            when(e.receivedAt, now),
            e.severity,
            printable(e.source ?? '-'),
            printable(e.message),
          ]);
          console.log(indent(table(['RECEIVED', 'SEVERITY', 'SOURCE', 'MESSAGE'], rows)));
        }
      }
    });
  });

  withTarget(
    logger
      .command('rotate-token <logger>')
      .description('give a Logger a new token and ping URL (printed once); the old ones stop working at once')
      .option('--json', 'print JSON')
      .addHelpText('after', '\nExample:\n  listener logger rotate-token geocust1/A --stage prod\n'),
  ).action(async (idArg: string, opts: Opts) => {
    const id = loggerArg(idArg);
    await onTarget(opts, async (target) => {
      const token = await rotateToken(target.loggers, id);
      const url = targetPingUrl(target.apiUrl, await issuePingUrl(target.pings, id));
      if (opts.json) {
        console.log(JSON.stringify({ logger: formatLoggerId(id), token, pingUrl: url }));
        return;
      }
      console.log(`New token for ${formatLoggerId(id)} (shown once; the old token no longer works):`);
      console.log(`  ${token}`);
      console.log(`New ping URL (shown once; the old one no longer works):
  ${url}`);
    });
  });

  withTarget(
    logger
      .command('pause <logger>')
      .description('stop watching a Logger (no deadline, no page) until resume: the open-ended maintenance')
      .option('--json', 'print JSON')
      .addHelpText('after', '\nExample:\n  listener logger pause geocust1/B\n'),
  ).action(async (idArg: string, opts: Opts) => {
    const id = loggerArg(idArg);
    await onTarget(opts, async (target) => {
      const { before, after } = await pauseLogger(operator(target, Date.now()), id);
      report(
        opts,
        id,
        after ?? before,
        after ? 'paused: nothing is paged until listener logger resume' : 'was already paused',
      );
    });
  });

  withTarget(
    logger
      .command('resume <logger>')
      .description('watch a paused Logger again; it gets a full event timeout from now')
      .option('--json', 'print JSON')
      .addHelpText('after', '\nExample:\n  listener logger resume geocust1/B\n'),
  ).action(async (idArg: string, opts: Opts) => {
    const id = loggerArg(idArg);
    await onTarget(opts, async (target) => {
      const now = Date.now();
      const { before, after } = await resumeLogger(operator(target, now), id);
      report(
        opts,
        id,
        after ?? before,
        after ? `resumed: next deadline ${when(after.deadline, now)}` : 'was not paused',
      );
    });
  });

  withTarget(
    logger
      .command('remove <logger>')
      .description('delete a Logger, its events and markers (asks first; --yes to skip)')
      .option('--yes', 'do not ask for confirmation (needed without a terminal, e.g. in CI)')
      .option('--json', 'print JSON')
      .addHelpText('after', '\nExample:\n  listener logger remove geocust1/B --yes\n'),
  ).action(async (idArg: string, opts: Opts) => {
    const id = loggerArg(idArg);
    const name = formatLoggerId(id);
    const sure = await confirm(
      `Remove Logger ${name} and its events?`,
      opts.yes,
      `pass --yes: listener logger remove ${name} --yes`,
    );
    if (!sure) {
      console.error('Nothing removed.');
      process.exitCode = 1;
      return;
    }
    await onTarget(opts, async (target) => {
      const items = await removeLoggerAndPingUrl(target.loggers, target.pings, id);
      if (opts.json) console.log(JSON.stringify({ logger: name, removed: true, items }));
      else
        console.log(
          `Removed Logger ${name} (${counted(items, 'item')}: the Logger, its events and markers).`,
        );
    });
  });
}

function report(opts: Opts, id: LoggerId, logger: Logger, message: string) {
  if (opts.json) console.log(JSON.stringify(loggerJson(logger, Date.now())));
  else console.log(`Logger ${formatLoggerId(id)} ${message}.`);
}

/** `Heard by: GEOCSCLNRB 5m ago (last); GEOCSCLNRA 2d ago`: which Listener of a pair recorded its phone-homes. */
function heardByLines(logger: Logger, now: number): [string, string][] {
  const heard = Object.entries(logger.heardBy ?? {}).sort(([, a], [, b]) => b.last - a.last);
  if (heard.length === 0) return [];
  return [['Heard by', heard.map(([name, h]) => `${name} ${when(h.last, now)}`).join('; ')]];
}
