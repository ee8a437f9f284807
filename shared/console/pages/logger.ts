/**
 * One Logger: settings, state and since when, deadline, phone-home intervals, its outages and last pings,
 * recent events, the audit record (who acknowledged, paused, …), doctor findings, and the actions on it.
 */

import type { Finding } from '../../domain/doctor.js';
import { formatDuration } from '../../domain/duration.js';
import type { LoggerEvent } from '../../domain/event.js';
import { arrivalIntervals, formatLoggerId, type Logger, recentArrivals } from '../../domain/logger.js';
import { timeoutText } from '../../domain/notices/notification.js';
import type { LoggerHistoryView } from '../../domain/pings/history.js';
import { runningSince } from '../../domain/pings/runs.js';
import { describeCron, dueOccurrence } from '../../domain/pings/schedule.js';
import type { AuditEntry } from '../../ports/audit-log.js';
import { consoleState, sideView } from '../fleet-view.js';
import { type Html, html } from '../html.js';
import { CONSOLE_PATH, loggerPath } from '../routes.js';
import { intervalChart } from './chart.js';
import { outagesSection, pingsSection } from './history.js';
import { ago, badge, csrfField, type Viewer } from './layout.js';

export interface LoggerPageData {
  readonly logger: Logger;
  readonly twin?: Logger;
  readonly events: readonly LoggerEvent[];
  readonly audit: readonly AuditEntry[];
  readonly findings: readonly Finding[];
  /** Its pings and past outages (absent: not kept by this console's store). */
  readonly history?: LoggerHistoryView;
  readonly now: number;
}

export function loggerBody(data: LoggerPageData, viewer: Viewer): Html {
  const { logger, twin, now } = data;
  const view = sideView(logger, now);
  const id = formatLoggerId(logger);
  const arrivals = recentArrivals(logger);
  return html`<p class="crumbs"><a href="${CONSOLE_PATH}">Fleet</a> › ${logger.customer}</p>
<h1>Logger ${id} ${badge(view.state, view.overdue)}</h1>
<section aria-labelledby="state-h"><h2 id="state-h">State</h2>
<dl class="facts-list">
<dt>State</dt><dd>${stateSentence(logger, now)}</dd>
${logger.owner ? html`<dt>Owner</dt><dd>${logger.owner}</dd>` : ''}
${logger.note ? html`<dt>Note</dt><dd>${logger.note}</dd>` : ''}
<dt>Last phone-home</dt><dd>${ago(logger.lastSeenAt, now)}</dd>
${runRows(logger, now)}
${heardByRow(logger, now)}
<dt>Deadline</dt><dd>${logger.state === 'PAUSED' ? 'none (paused)' : ago(logger.deadline, now)}${view.overdue ? html` <strong>overdue: the alarm is raised at the next sweep</strong>` : ''}</dd>
${logger.ack ? html`<dt>Owned by</dt><dd>${logger.ack.by} ${ago(logger.ack.at, now)}${logger.ack.ticket ? html` · ${logger.ack.ticket}` : ''}${logger.ack.note ? html` · ${logger.ack.note}` : ''}</dd>` : ''}
<dt>Other side</dt><dd>${twin ? html`<a href="${loggerPath(twin)}">${formatLoggerId(twin)}</a> ${badge(consoleState(twin, now))}` : html`<span class="muted">not registered</span>`}</dd>
</dl>
</section>
${actions(logger, viewer, now)}
<section aria-labelledby="settings-h"><h2 id="settings-h">Settings</h2>
<dl class="facts-list">
<dt>Transport</dt><dd>${logger.transport}</dd>
${
  logger.schedule
    ? html`<dt>Schedule</dt><dd>${describeCron(logger.schedule)}, next due ${ago(dueOccurrence(logger.schedule, logger.deadline), now)}</dd>`
    : html`<dt>Heartbeat interval</dt><dd>${timeoutText(logger.heartbeatIntervalMs)}${logger.reportedIntervalMs !== undefined ? html` (Logger reports ${timeoutText(logger.reportedIntervalMs)})` : ''}</dd>
<dt>Event timeout</dt><dd>${timeoutText(logger.eventTimeoutMs)}</dd>`
}
<dt>Registered</dt><dd>${ago(logger.registeredAt, now)}</dd>
${logger.agent ? html`<dt>Agent</dt><dd>${logger.agent}</dd>` : ''}
${logger.phoneHome?.primary ? html`<dt>Phone Home</dt><dd>${logger.phoneHome.primary.phone} → ${logger.phoneHome.primary.listener}${logger.phoneHome.backup ? html`; backup ${logger.phoneHome.backup.phone} → ${logger.phoneHome.backup.listener}` : ''}</dd>` : ''}
</dl>
</section>
<section aria-labelledby="arrivals-h"><h2 id="arrivals-h">Last phone-homes</h2>
${intervalChart({ intervals: arrivalIntervals(arrivals), heartbeatIntervalMs: logger.heartbeatIntervalMs, eventTimeoutMs: logger.eventTimeoutMs, silentForMs: now - (logger.lastSeenAt ?? logger.registeredAt) })}
${arrivals.length > 0 ? html`<details><summary>${arrivals.length} phone-home times</summary><ol class="arrivals">${[...arrivals].reverse().map((at) => html`<li>${ago(at, now)}</li>`)}</ol></details>` : ''}
</section>
${data.history ? html`${outagesSection(data.history, now)}${pingsSection(data.history, now)}` : ''}
<section aria-labelledby="audit-h"><h2 id="audit-h">Actions taken</h2>
${data.audit.length === 0 ? html`<p class="muted">Nobody has acted on this Logger yet.</p>` : html`<ul class="audit">${data.audit.map((e) => html`<li class="audit-line">${ago(e.at, now)}: <strong>${e.actor}</strong> ${actionText(e)} <span class="muted">(${e.via})</span></li>`)}</ul>`}
</section>
<section aria-labelledby="events-h"><h2 id="events-h">Recent events</h2>
${data.events.length === 0 ? html`<p class="muted">No events forwarded recently.</p>` : html`<ul class="events">${data.events.map((e) => html`<li>${ago(e.receivedAt, now)} ${badge(e.severity)} ${e.source ? html`${e.source}: ` : ''}${e.message}</li>`)}</ul>`}
</section>
<section aria-labelledby="doctor-h"><h2 id="doctor-h">Doctor</h2>
${data.findings.length === 0 ? html`<p>No findings.</p>` : html`<ul class="findings">${data.findings.map((f) => html`<li>${badge(f.severity)} ${f.message}${f.remedy.length > 0 ? html`<ul>${f.remedy.map((r) => html`<li>${r}</li>`)}</ul>` : ''}</li>`)}</ul>`}
</section>`;
}

/** Which Listener of a pair heard it, the latest first (absent before any phone-home was recorded so). */
function heardByRow(logger: Logger, now: number): Html | '' {
  const heard = Object.entries(logger.heardBy ?? {}).sort(([, a], [, b]) => b.last - a.last);
  if (heard.length === 0) return '';
  return html`<dt>Heard by</dt><dd>${heard.map(([name, h], i) => html`${i > 0 ? '; ' : ''}${name} ${ago(h.last, now)}`)}</dd>`;
}

function stateSentence(logger: Logger, now: number): Html {
  const state = consoleState(logger, now);
  switch (state) {
    case 'DOWN':
      return html`DOWN since ${ago(logger.downSince, now)}${logger.ack ? '' : html`, <strong>nobody owns the alarm</strong>`}`;
    case 'LATE':
      return html`LATE: silent for ${formatDuration(now - (logger.lastSeenAt ?? logger.registeredAt))}`;
    case 'NEW':
      return html`NEW: registered ${ago(logger.registeredAt, now)}, never heard from`;
    case 'PAUSED':
      return html`PAUSED: not watched, nothing is paged`;
    default:
      return html`UP: phoning home`;
  }
}

const ACTION_TEXT: Record<AuditEntry['action'], string> = {
  ack: 'acknowledged the alarm',
  unack: 'gave the alarm back',
  pause: 'paused watching',
  resume: 'resumed watching',
  'maintenance-add': 'added maintenance',
  'maintenance-remove': 'ended maintenance',
  'mass-silence-release': 'paged the alarm held by a mass silence',
  'bridge-bind': 'changed which bridges may relay for it',
  'mass-silence-drop': 'dropped the alarm held by a mass silence',
  settings: 'changed the settings',
};

function actionText(e: AuditEntry): Html {
  return html`${ACTION_TEXT[e.action]}${e.detail ? html`: ${e.detail}` : ''}`;
}

function actions(logger: Logger, viewer: Viewer, now: number): Html {
  const base = loggerPath(logger);
  const forms: Html[] = [];
  if (logger.state === 'DOWN' && !logger.ack) {
    forms.push(html`<form method="post" action="${base}/ack" class="action">
${csrfField(viewer)}
<label for="ack-ticket">Ticket</label><input id="ack-ticket" name="ticket" maxlength="64" autocomplete="off">
<label for="ack-note">Note</label><input id="ack-note" name="note" maxlength="500" autocomplete="off">
<button type="submit" class="primary">Acknowledge</button>
</form>`);
  }
  if (logger.ack) {
    forms.push(
      html`<form method="post" action="${base}/unack" class="action">${csrfField(viewer)}<button type="submit">Give the alarm back</button></form>`,
    );
  }
  forms.push(
    logger.state === 'PAUSED'
      ? html`<form method="post" action="${base}/resume" class="action">${csrfField(viewer)}<button type="submit">Resume watching</button></form>`
      : html`<form method="post" action="${base}/pause" class="action">${csrfField(viewer)}<button type="submit">Pause watching</button></form>`,
  );
  forms.push(maintenanceForm(`${logger.customer}/${logger.side}`, viewer, 'lm'));
  const windows = (logger.maintenance ?? []).filter((w) => w.to > now);
  return html`<section aria-labelledby="actions-h"><h2 id="actions-h">Act</h2>
${forms}
${windows.length > 0 ? html`<ul class="windows">${windows.map((w) => html`<li>${w.id}: ${ago(w.from, now)} → ${ago(w.to, now)}${w.reason ? html` (${w.reason})` : ''} <form method="post" action="${CONSOLE_PATH}/maintenance/${w.id}/end" class="inline">${csrfField(viewer)}<button type="submit">End ${w.id}</button></form></li>`)}</ul>` : ''}
</section>`;
}

/** Hours a window can be opened for from the console (the CLI takes any time). */
export const WINDOW_HOURS = [1, 2, 4, 8, 24] as const;

/** Opens a maintenance window for a Logger (`geocust1/A`) or a whole customer (`geocust1`). */
export function maintenanceForm(target: string | undefined, viewer: Viewer, prefix: string): Html {
  return html`<form method="post" action="${CONSOLE_PATH}/maintenance" class="action">
${csrfField(viewer)}
${target ? html`<input type="hidden" name="target" value="${target}">` : html`<label for="${prefix}-target">Logger or customer</label><input id="${prefix}-target" name="target" required maxlength="70" placeholder="geocust1 or geocust1/A" autocomplete="off">`}
<label for="${prefix}-hours">Maintenance for</label>
<select id="${prefix}-hours" name="hours">${WINDOW_HOURS.map((h) => html`<option value="${h}">${h} h</option>`)}</select>
<label for="${prefix}-reason">Reason</label><input id="${prefix}-reason" name="reason" maxlength="200" autocomplete="off">
<button type="submit">Start maintenance</button>
</form>`;
}

/** A ping URL's job: running since when (its oldest open start), and how long its last run took. */
function runRows(logger: Logger, now: number): Html | string {
  const since = runningSince(logger);
  const running =
    since === undefined ? '' : html`<dt>Running since</dt><dd>${ago(since, now)}, not finished yet</dd>`;
  const last = logger.lastRun
    ? html`<dt>Last run</dt><dd>${formatDuration(logger.lastRun.durationMs)}, ${logger.lastRun.outcome === 'fail' ? 'failed' : 'finished'} ${ago(logger.lastRun.endedAt, now)}</dd>`
    : '';
  return since === undefined && !logger.lastRun ? '' : html`${running}${last}`;
}
