/**
 * What `listener logger show` says about a Logger's history (shared/domain/pings/history.ts): its last pings and
 * its past outages, as tables on a terminal and as `--json` members. What a ping's request said (method,
 * source, user agent, body) is untrusted: made printable on a terminal, carried as data in JSON.
 */
import { formatDuration } from '../../shared/domain/duration.js';
import type { LoggerHistoryView, Outage, PingEntry } from '../../shared/domain/pings/history.js';
import { counted } from '../../shared/domain/words.js';
import { printable } from '../../shared/printable.js';
import { iso } from '../args.js';
import { indent, table, when } from '../format.js';

/** Pings shown on a terminal (all of them, up to 100, in `--json`). */
export const PINGS_SHOWN = 20;
/** Characters of a user agent shown in the table. */
const USER_AGENT_SHOWN = 40;

/**
 * The text of `logger show`'s history: a table of the last pings (left out when `pings` is undefined: a
 * Logger with no ping URL), then one of the outages.
 */
export function historyText(
  {
    pings,
    outages,
  }: {
    readonly pings: LoggerHistoryView['pings'] | undefined;
    readonly outages: LoggerHistoryView['outages'];
  },
  now: number,
): string {
  const out: string[] = [];
  if (pings) out.push(...pingsText(pings, now), '');
  out.push(`Outages (last 90 days): ${outages.length === 0 ? 'none' : ''}`.trimEnd());
  if (outages.length > 0) {
    const rows = outages.map((o) => [
      when(o.start, now),
      when(o.end, now),
      formatDuration(o.lengthMs),
      cause(o),
      ack(o),
    ]);
    out.push(indent(table(['START', 'END', 'LENGTH', 'CAUSE', 'ACK'], rows)));
  }
  return out.join('\n');
}

function pingsText(pings: LoggerHistoryView['pings'], now: number): string[] {
  const out: string[] = [];
  const shown = pings.slice(0, PINGS_SHOWN);
  const more = pings.length > shown.length ? ` (of ${pings.length} kept; all with --json)` : '';
  out.push(`Last ${counted(shown.length, 'ping')}${more}:`);
  if (shown.length === 0) out.push('  none yet');
  else {
    const headers = ['TIME', 'KIND', 'EXIT', 'DURATION', 'METHOD', 'SOURCE', 'USER AGENT'];
    out.push(
      indent(
        table(
          headers,
          shown.map((p) => pingRow(p, now)),
        ),
      ),
    );
  }
  return out;
}

/** `logger show --json`'s `pings` and `outages` members (times in ISO 8601). */
export function historyJson({ pings, outages }: LoggerHistoryView) {
  return {
    pings: pings.map((p) => ({ ...p, at: iso(p.at) })),
    outages: outages.map((o) => ({ ...o, start: iso(o.start), end: iso(o.end) })),
  };
}

function pingRow(p: PingEntry, now: number): string[] {
  const agent = p.userAgent === undefined ? '-' : [...p.userAgent].slice(0, USER_AGENT_SHOWN).join('');
  return [
    when(p.at, now),
    p.kind,
    p.exitStatus === undefined ? '-' : String(p.exitStatus),
    p.durationMs === undefined ? '-' : formatDuration(p.durationMs),
    printable(p.method ?? '-'),
    printable(p.source ?? '-'),
    printable(agent),
  ];
}

function cause(o: Outage): string {
  if (o.cause.kind === 'silence') return 'silent';
  return o.cause.exitStatus === undefined ? 'failure' : `failure (exit status ${o.cause.exitStatus})`;
}

function ack(o: Outage): string {
  return o.acknowledgedBy === undefined ? '-' : printable(o.acknowledgedBy);
}
