/** The alarms page: open alarms to acknowledge, maintenance windows to start and end, paused Loggers. */
import { formatDuration } from '../../domain/duration.js';
import { collectWindows, formatLoggerId, type Logger } from '../../domain/logger.js';
import { type Html, html } from '../html.js';
import { CONSOLE_PATH, loggerPath } from '../routes.js';
import { ago, csrfField, type Viewer } from './layout.js';
import { maintenanceForm } from './logger.js';

export function alarmsBody(loggers: readonly Logger[], viewer: Viewer, now: number): Html {
  const open = loggers
    .filter((l) => l.state === 'DOWN')
    .sort((a, b) => (a.downSince ?? 0) - (b.downSince ?? 0));
  const paused = loggers.filter((l) => l.state === 'PAUSED');
  const windows = collectWindows(loggers, now);
  return html`<h1>Alarms</h1>
<section aria-labelledby="open-h"><h2 id="open-h">Open alarms (${open.length})</h2>
${
  open.length === 0
    ? html`<p>No open alarms.</p>`
    : html`<table class="alarms"><thead><tr><th scope="col">Logger</th><th scope="col">Down for</th><th scope="col">Owner</th><th scope="col"><span class="sr-only">Action</span></th></tr></thead><tbody>
${open.map((l) => alarmRow(l, viewer, now))}
</tbody></table>`
}
</section>
<section aria-labelledby="mw-h"><h2 id="mw-h">Maintenance windows (${windows.length})</h2>
${
  windows.length === 0
    ? html`<p class="muted">No current or planned windows.</p>`
    : html`<ul class="windows">${windows.map(
        (w) =>
          html`<li><strong>${w.id}</strong> ${w.loggers.join(', ')}: ${w.from <= now ? 'on' : 'planned'}, ${ago(w.from, now)} → ${ago(w.to, now)}${w.reason ? html` (${w.reason})` : ''}
<form method="post" action="${CONSOLE_PATH}/maintenance/${w.id}/end" class="inline">${csrfField(viewer)}<button type="submit">End ${w.id}</button></form></li>`,
      )}</ul>`
}
<h3>Start a window</h3>
${maintenanceForm(undefined, viewer, 'am')}
</section>
<section aria-labelledby="paused-h"><h2 id="paused-h">Paused Loggers (${paused.length})</h2>
${
  paused.length === 0
    ? html`<p class="muted">None.</p>`
    : html`<ul class="paused">${paused.map(
        (l) =>
          html`<li><a href="${loggerPath(l)}">${formatLoggerId(l)}</a> <form method="post" action="${loggerPath(l)}/resume" class="inline">${csrfField(viewer)}<button type="submit">Resume ${formatLoggerId(l)}</button></form></li>`,
      )}</ul>`
}
<h3>Pause a Logger</h3>
<form method="post" action="${CONSOLE_PATH}/pause" class="action">${csrfField(viewer)}
<label for="pause-id">Logger</label><input id="pause-id" name="logger" required maxlength="70" placeholder="geocust1/A" autocomplete="off">
<button type="submit">Pause watching</button></form>
</section>`;
}

function alarmRow(l: Logger, viewer: Viewer, now: number): Html {
  const id = formatLoggerId(l);
  const action = l.ack
    ? html`<form method="post" action="${loggerPath(l)}/unack" class="inline">${csrfField(viewer)}<button type="submit">Give back ${id}</button></form>`
    : html`<form method="post" action="${loggerPath(l)}/ack" class="inline">${csrfField(viewer)}<button type="submit" class="primary">Acknowledge ${id}</button></form>`;
  return html`<tr><th scope="row"><a href="${loggerPath(l)}">${id}</a></th>
<td>${formatDuration(now - (l.downSince ?? now))}</td>
<td>${l.ack ? html`${l.ack.by} ${ago(l.ack.at, now)}` : html`<strong>unowned</strong>`}</td>
<td>${action}</td></tr>`;
}
