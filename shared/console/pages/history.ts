/**
 * A Logger's history on its console page (shared/domain/pings/history.ts): its outages as a timeline, newest
 * first, and its last pings as a table. What a ping's request said (method, source, user agent, body) is
 * untrusted: `html` escapes every value; a body shows only its first line, cut.
 */
import { formatDuration } from '../../domain/duration.js';
import type { LoggerHistoryView, Outage, PingEntry } from '../../domain/pings/history.js';
import { type Html, html } from '../html.js';
import { ago } from './layout.js';

/** Pings in the table (the rest: `listener logger show --json`). */
const PINGS_SHOWN = 20;
/** Characters of a body's first line, and of a user agent, shown in the table. */
const TEXT_SHOWN = 60;

export function outagesSection({ outages }: LoggerHistoryView, now: number): Html {
  return html`<section aria-labelledby="outages-h"><h2 id="outages-h">Outages (last 90 days)</h2>
${outages.length === 0 ? html`<p class="muted">No outage in the last 90 days.</p>` : html`<ol class="timeline">${outages.map((o) => html`<li>${ago(o.start, now)} → ${ago(o.end, now)}: <strong>${formatDuration(o.lengthMs)}</strong> ${cause(o)}${o.acknowledgedBy ? html` · acknowledged by ${o.acknowledgedBy}` : ''}</li>`)}</ol>`}
</section>`;
}

export function pingsSection({ pings }: LoggerHistoryView, now: number): Html {
  if (pings.length === 0) return html``;
  const shown = pings.slice(0, PINGS_SHOWN);
  return html`<section aria-labelledby="pings-h"><h2 id="pings-h">Last pings</h2>
<table class="pings"><thead><tr><th scope="col">Time</th><th scope="col">Kind</th><th scope="col">Exit</th><th scope="col">Duration</th><th scope="col">Method</th><th scope="col">Source</th><th scope="col">User agent</th><th scope="col">Body</th></tr></thead>
<tbody>${shown.map((p) => pingRow(p, now))}</tbody></table>
${pings.length > shown.length ? html`<p class="muted">${pings.length - shown.length} older pings: <code>listener logger show --json</code>.</p>` : ''}
</section>`;
}

function pingRow(p: PingEntry, now: number): Html {
  return html`<tr><td>${ago(p.at, now)}</td><td>${p.kind}</td><td>${p.exitStatus === undefined ? '-' : String(p.exitStatus)}</td><td>${p.durationMs === undefined ? '-' : formatDuration(p.durationMs)}</td><td>${p.method ?? '-'}</td><td>${p.source ?? '-'}</td><td>${cut(p.userAgent)}</td><td>${cut(p.body?.split('\n', 1)[0])}</td></tr>`;
}

function cause(o: Outage): string {
  if (o.cause.kind === 'silence') return 'silent';
  return o.cause.exitStatus === undefined
    ? 'reported a failure'
    : `reported a failure (exit status ${o.cause.exitStatus})`;
}

function cut(text: string | undefined): string {
  if (!text) return '-';
  const chars = [...text];
  return chars.length > TEXT_SHOWN ? `${chars.slice(0, TEXT_SHOWN).join('')}…` : text;
}
