/**
 * `listener status` (the AlarmTracker view) and `listener events` (recent forwarded alarm events).
 */

import type { Command } from 'commander';
import { formatDuration } from '../../shared/domain/duration.js';
import { type LoggerEvent, SEVERITIES, type Severity } from '../../shared/domain/event.js';
import type { MassSilence } from '../../shared/domain/guards/mass-silence.js';
import {
  formatLoggerId,
  type Logger,
  type LoggerId,
  MIN_TIMEOUT_MARGIN_MS,
} from '../../shared/domain/logger.js';
import { type ChannelHealthRecord, channelTroubles } from '../../shared/domain/notices/channel-health.js';
import { cronJson, describeCron } from '../../shared/domain/pings/schedule.js';
import { type CustomerStatus, fleetStatus, type Rollup } from '../../shared/domain/status.js';
import { counted } from '../../shared/domain/words.js';
import type { FleetCounts } from '../../shared/ports/fleet.js';
import { printable } from '../../shared/printable.js';
import { colourWanted, durationArg, iso, loggerArg, palette, wholeNumberFlag } from '../args.js';
import { notRegistered } from '../errors.js';
import { table, when } from '../format.js';
import { onTarget, type Target, type TargetOptions, UsageError, withTarget } from '../target.js';

type StatusOpts = TargetOptions & {
  json?: boolean;
  watch?: string | boolean;
  color?: boolean;
  all?: boolean;
  counts?: boolean;
};

/**
 * LATE is shown for Loggers within this long of their deadline: the reference note's margin, so a Logger
 * keeping the note's rule (interval ≥ 60 min under the timeout) is shown LATE for its last hour at least.
 */
const LATE_LOOKAHEAD_MS = MIN_TIMEOUT_MARGIN_MS;

/** What one refresh of the status view reads: counts from indexes, then only the customers needing a look. */
async function readStatus(target: Target, now: number, all: boolean) {
  const [counts, loggers] = await Promise.all([
    target.fleet.counts(now),
    all ? everyLogger(target) : target.fleet.attention(now, LATE_LOOKAHEAD_MS),
  ]);
  return { counts, customers: fleetStatus(loggers, now) };
}

/** `--all`: the whole fleet, a page at a time. */
async function everyLogger(target: Target): Promise<Logger[]> {
  const loggers: Logger[] = [];
  for await (const page of target.fleet.pages()) loggers.push(...page);
  return loggers;
}

/** Events a Logger id may have, read for this many Loggers at once (one Query each). */
const EVENT_READS_IN_FLIGHT = 8;

/**
 * Recent events of every Logger in `ids` (a page of the fleet index at a time), with at most
 * {@link EVENT_READS_IN_FLIGHT} Queries in flight, keeping those `keep` accepts.
 */
async function eventsOf(
  target: Target,
  ids: AsyncIterable<readonly LoggerId[]>,
  limit: number,
  keep: (event: LoggerEvent) => boolean,
): Promise<(LoggerEvent & { logger: string })[]> {
  const found: (LoggerEvent & { logger: string })[] = [];
  for await (const page of ids) {
    let next = 0;
    const worker = async () => {
      for (let id = page[next++]; id; id = page[next++]) {
        for (const event of await target.events.listEvents(id, limit)) {
          if (keep(event)) found.push({ ...event, logger: formatLoggerId(id) });
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(EVENT_READS_IN_FLIGHT, page.length) }, worker));
  }
  return found;
}

async function* single(id: LoggerId): AsyncIterable<readonly LoggerId[]> {
  yield [id];
}

export function registerStatusCommands(program: Command): void {
  withTarget(
    program
      .command('status')
      .description(
        'the AlarmTracker view: customers with both sides, DOWN first, then LATE, with how long each has been silent',
      )
      .option('--watch [interval]', 'refresh every interval until Ctrl-C (default 10s)')
      .option('--all', 'list every customer, OK ones too (reads the whole fleet)')
      .option('--counts', 'print only the fleet counts (watched, overdue, DOWN, paused)')
      .option('--no-color', 'plain text even on a terminal (also NO_COLOR=1)')
      .option('--json', 'print JSON')
      .addHelpText(
        'after',
        '\nRollup: one side DOWN = Partial Impaired, both = Down. Without --all only customers needing a look\nare listed (DOWN, overdue, LATE within an hour of the deadline, paused); the counts cover the fleet.\n\nExamples:\n  listener status\n  listener status --watch 30s --stage prod\n  listener status --json | jq \'.[] | select(.rollup != "OK")\'\n',
      ),
  ).action(async (opts: StatusOpts) => {
    const watchMs =
      opts.watch === undefined || opts.watch === false
        ? undefined
        : durationArg('--watch', opts.watch === true ? '10s' : opts.watch);
    if (watchMs !== undefined && opts.json) {
      throw new UsageError('--watch and --json given together', '--watch draws a screen: leave out --json');
    }
    await onTarget(opts, async (target) => {
      for (;;) {
        const now = Date.now();
        if (opts.counts) {
          const counts = await target.fleet.counts(now);
          console.log(opts.json ? JSON.stringify(counts) : countsLine(counts, target.description));
          if (watchMs === undefined) return;
          await new Promise((done) => setTimeout(done, watchMs));
          continue;
        }
        const { counts, customers } = await readStatus(target, now, Boolean(opts.all));
        if (opts.json) {
          console.log(JSON.stringify(statusJson(customers), null, 2));
          return;
        }
        const fleet = renderFleet(counts, customers, now, target.description, colourWanted(opts), opts.all);
        const silence = massSilenceLine(await target.records.getMassSilence(), now);
        const top = [...(await channelLines(target, now)), ...(silence ? [silence] : [])];
        const text = [...top, fleet].join('\n');
        if (watchMs === undefined) {
          console.log(text);
          return;
        }
        // On a terminal redraw in place; piped, each refresh is appended (a log of the fleet).
        process.stdout.write(`${process.stdout.isTTY ? '\u001b[2J\u001b[H' : ''}${text}\n`);
        if (!process.stdout.isTTY) process.stdout.write('\n');
        await new Promise((done) => setTimeout(done, watchMs));
      }
    });
  });

  withTarget(
    program
      .command('events [logger]')
      .description('recent alarm events forwarded by Loggers (all, or one), newest first')
      .option('--severity <level>', `this severity and above: ${SEVERITIES.join(', ')}`, 'info')
      .option('--since <duration>', 'how far back', '24h')
      .option('--limit <n>', 'at most this many', '50')
      .option('--json', 'print JSON')
      .addHelpText(
        'after',
        '\nExamples:\n  listener events --severity error --since 2h\n  listener events geocust1/A --json\n',
      ),
  ).action(
    async (
      loggerText: string | undefined,
      opts: TargetOptions & { severity: string; since: string; limit: string; json?: boolean },
    ) => {
      // `--since 2 hours` (unquoted): commander hands "hours" over as the Logger id.
      const unit = /^(s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?)$/i.exec(loggerText ?? '');
      if (unit && /^\d+$/.test(opts.since.trim())) {
        throw new UsageError(
          `--since "${opts.since}" has no unit, and "${loggerText}" is not a Logger id`,
          `write the duration in one word: --since ${opts.since.trim()}${unit[1]?.[0]?.toLowerCase()}`,
        );
      }
      const id = loggerText === undefined ? undefined : loggerArg(loggerText);
      if (!SEVERITIES.includes(opts.severity as Severity)) {
        throw new UsageError(
          `--severity "${opts.severity}" is not a severity`,
          `use one of ${SEVERITIES.join(', ')}`,
        );
      }
      const sinceMs = durationArg('--since', opts.since);
      const limit = wholeNumberFlag('--limit', opts.limit, { min: 1, max: 1000, example: 50 });
      await onTarget(opts, async (target) => {
        const now = Date.now();
        if (id && !(await target.loggers.get(id))) throw notRegistered(id);
        const min = SEVERITIES.indexOf(opts.severity as Severity);
        const found = await eventsOf(
          target,
          id ? single(id) : target.fleet.idPages(),
          limit,
          (event) => event.receivedAt >= now - sinceMs && SEVERITIES.indexOf(event.severity) >= min,
        );
        const events = found.sort((a, b) => b.receivedAt - a.receivedAt).slice(0, limit);
        if (opts.json) {
          console.log(
            JSON.stringify(
              events.map((e) => ({ ...e, receivedAt: iso(e.receivedAt) })),
              null,
              2,
            ),
          );
          return;
        }
        if (events.length === 0) {
          console.log(
            `No ${opts.severity === 'info' ? '' : `${opts.severity}+ `}events in the last ${formatDuration(sinceMs)}${id ? ` from ${formatLoggerId(id)}` : ''}.`,
          );
          return;
        }
        const rows = events.map((e) => [
          when(e.receivedAt, now),
          e.logger,
          e.severity,
          printable(e.source ?? '-'),
          printable(e.message),
        ]);
        console.log(table(['RECEIVED', 'LOGGER', 'SEVERITY', 'SOURCE', 'MESSAGE'], rows));
      });
    },
  );
}

/** `Fleet on …: 100000 Loggers: 99993 watched (10 overdue, 3 DOWN), 7 paused` */
export function countsLine(counts: FleetCounts, where: string): string {
  return `Fleet on ${where}: ${counted(counts.total, 'Logger')}: ${counts.watched} watched (${counts.overdue} overdue, ${counts.down} DOWN), ${counts.paused} paused`;
}

function statusJson(customers: readonly CustomerStatus[]) {
  return customers.map((c) => ({
    customer: c.customer,
    rollup: c.rollup,
    sides: c.sides.map((s) => ({
      side: s.side,
      logger: `${c.customer}/${s.side}`,
      state: s.state,
      lastSeenAt: iso(s.lastSeenAt),
      silentForSeconds: Math.round(s.silentForMs / 1000),
      downSince: iso(s.downSince),
      ack: s.ack ? { ...s.ack, at: iso(s.ack.at) } : null,
      owner: s.owner ?? null,
      maintenanceUntil: iso(s.maintenanceUntil),
      schedule: s.cron
        ? cronJson(s.cron.schedule, s.cron.nextDueAt + s.cron.schedule.graceMs)
        : { kind: 'interval' },
      runningSince: iso(s.runningSince),
    })),
  }));
}

/** An active mass silence, shown before anything else: how many, and when the hold ends. */
export function massSilenceLine(silence: MassSilence, now: number): string | undefined {
  if (!silence.active) return undefined;
  const hold =
    (silence.holdUntil ?? now) > now
      ? `customer pages held until ${when(silence.holdUntil ?? now, now)}`
      : 'hold over (clears at the next sweep)';
  return `MASS SILENCE: ${silence.count} Loggers of ${counted(silence.customers.length, 'customer')} went silent together since ${when(silence.since ?? now, now)}; ${hold}. ${silence.cause ?? ''} (release: listener alarm release-mass-silence; docs/mass-silence.md)`;
}

/** The channels in trouble, read for the status view's top (none for a bare --table: no Listener to name). */
async function channelLines(target: Target, now: number): Promise<string[]> {
  const listener = target.publishing?.listenerName;
  if (!listener) return [];
  const record = await target.records.getChannelHealth(listener);
  return channelStatusLines(record, now, target.sweepEveryMs ?? 60_000);
}

/**
 * `! channel pd failing since … (3 sweeps): the receiver answered 503`, one line per channel failing for more
 * than two sweep periods or refusing notices for good (shared/domain/notices/channel-health.ts).
 */
export function channelStatusLines(record: ChannelHealthRecord, now: number, sweepEveryMs: number): string[] {
  return channelTroubles(record, now, sweepEveryMs).flatMap((t) => {
    const lines: string[] = [];
    if (t.failing) {
      const { since, sweeps, reason } = t.failing;
      lines.push(`! channel ${t.channel} failing since ${when(since, now)} (${sweeps} sweeps): ${reason}`);
    }
    if (t.rejection) {
      const { at, status, excerpt } = t.rejection;
      const answer = `${status}${excerpt ? ` ${excerpt.slice(0, 80)}` : ''}`;
      lines.push(
        `! channel ${t.channel} refused a notice for good at ${when(at, now)}: ${answer} — fix its URL/key (docs/channels.md)`,
      );
    }
    // The receiver's answer is untrusted text: neutralised for the terminal.
    return lines.map((line) => printable(line));
  });
}

/** The counts line, then the customers needing a look (or every customer with `all`). */
export function renderFleet(
  counts: FleetCounts,
  customers: readonly CustomerStatus[],
  now: number,
  where: string,
  colour: boolean,
  all = false,
): string {
  if (counts.total === 0) return renderStatus([], now, where, colour);
  const stamp = new Date(now).toISOString().replace(/\.\d+Z$/, 'Z');
  return [
    countsLine(counts, where),
    customers.length === 0
      ? `0 customers on ${where} at ${stamp} need a look: all OK`
      : renderStatus(customers, now, where, colour),
    ...(all ? [] : ['Customers not listed are OK or new: listener status --all lists every one.']),
  ].join('\n');
}

/** The AlarmTracker-like screen: one line per side, the customer's rollup on its first line. */
export function renderStatus(
  customers: readonly CustomerStatus[],
  now: number,
  where: string,
  colour: boolean,
): string {
  if (customers.length === 0) {
    return `No Loggers registered on ${where}. Add one: listener logger add <customer> <A|B>`;
  }
  const c = palette(colour);
  const paintRollup = (r: Rollup) =>
    r === 'Down' || r === 'Partial Impaired' ? c.red : r === 'Late' ? c.yellow : r === 'OK' ? c.green : c.dim;
  const rows: string[][] = [];
  const paints: ((text: string) => string)[] = [];
  for (const customer of customers) {
    customer.sides.forEach((side, i) => {
      // Whoever acknowledged owns it; until someone has, a late or silent side names whom to call.
      const needsCall = side.state === 'DOWN' || side.state === 'LATE';
      const owner = side.ack
        ? `${side.ack.by}${side.ack.ticket ? ` (${side.ack.ticket})` : ''}${side.ack.note ? `: ${side.ack.note}` : ''}`
        : needsCall && side.owner
          ? `call ${side.owner}`
          : '';
      const maintenance = side.maintenanceUntil
        ? `maintenance until ${when(side.maintenanceUntil, now)}`
        : '';
      // A cron side says its schedule and the run it is due for (an interval side's rhythm is the fleet's norm).
      const schedule = side.cron
        ? `${describeCron(side.cron.schedule)}, next due ${when(side.cron.nextDueAt, now)}`
        : '';
      const running = side.runningSince === undefined ? '' : `running since ${when(side.runningSince, now)}`;
      rows.push([
        i === 0 ? customer.customer : '',
        i === 0 ? customer.rollup : '',
        side.side,
        side.state,
        side.lastSeenAt === undefined
          ? `never (${formatDuration(side.silentForMs)})`
          : formatDuration(side.silentForMs),
        [owner, maintenance, running, schedule].filter(Boolean).join('; ') || '-',
      ]);
      paints.push(
        side.state === 'DOWN'
          ? c.red
          : side.state === 'LATE'
            ? c.yellow
            : i === 0
              ? paintRollup(customer.rollup)
              : (t) => t,
      );
    });
  }
  const lines = table(['CUSTOMER', 'STATUS', 'SIDE', 'STATE', 'SILENT FOR', 'OWNER / NOTE'], rows).split(
    '\n',
  );
  const body = lines.map((line, i) => (i === 0 ? c.bold(line) : (paints[i - 1] ?? ((t: string) => t))(line)));
  const count = (r: Rollup) => customers.filter((x) => x.rollup === r).length;
  const summary = (['Down', 'Partial Impaired', 'Late', 'Maintenance'] as const)
    .filter((r) => count(r) > 0)
    .map((r) => `${count(r)} ${r}`);
  const header = `${counted(customers.length, 'customer')} on ${where} at ${new Date(now).toISOString().replace(/\.\d+Z$/, 'Z')}: ${summary.length > 0 ? summary.join(', ') : 'all OK'}`;
  return [header, ...body].join('\n');
}
