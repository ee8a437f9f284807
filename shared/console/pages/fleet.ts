/** The fleet page: counts, any mass silence, filters, and every customer with both sides, worst first. */
import { formatDuration } from '../../domain/duration.js';
import { CONSOLE_STATES, type CustomerView, type FleetView, type SideView } from '../fleet-view.js';
import { type Html, html } from '../html.js';
import { CONSOLE_PATH, loggerPath } from '../routes.js';
import { ago, badge } from './layout.js';

export function fleetBody(view: FleetView, refreshSeconds = 30): Html {
  const { counts, filter } = view;
  return html`<h1>Fleet</h1>
${view.massSilence ? massSilenceBanner(view) : ''}
<div id="fleet-live" data-refresh="${refreshSeconds}">
<ul class="counts" aria-label="Loggers by state">
${CONSOLE_STATES.map(
  (s) =>
    html`<li><a class="count s-${s.toLowerCase()}" href="${CONSOLE_PATH}?state=${s}"><span class="n">${counts[s]}</span> ${s}</a></li>`,
)}
</ul>
</div>
<form class="filters" method="get" action="${CONSOLE_PATH}" role="search" aria-label="Filter the fleet">
<label for="f-customer">Customer</label>
<input id="f-customer" name="customer" type="search" value="${filter.customer ?? ''}" autocomplete="off" data-filter="customer">
<label for="f-state">State</label>
<select id="f-state" name="state" data-filter="state">
<option value="">any</option>
${CONSOLE_STATES.map((s) => html`<option value="${s}"${filter.state === s ? html` selected` : ''}>${s}</option>`)}
</select>
<button type="submit">Filter</button>
${filter.customer || filter.state ? html`<a href="${CONSOLE_PATH}">Clear</a>` : ''}
</form>
<p class="muted" id="fleet-summary" aria-live="polite">${view.customers.length} of ${view.totalCustomers} customers · updated ${new Date(view.now).toISOString().slice(11, 19)}Z</p>
<table class="fleet" id="fleet-table">
<caption class="sr-only">Customers and their Loggers, DOWN first</caption>
<thead><tr><th scope="col">Customer</th><th scope="col">Side A</th><th scope="col">Side B</th></tr></thead>
<tbody id="fleet-rows">
${view.customers.map((c) => customerRow(c, view.now))}
</tbody>
</table>
${view.customers.length === 0 ? html`<p>No customer matches.</p>` : ''}`;
}

function massSilenceBanner(view: FleetView): Html {
  const m = view.massSilence;
  if (!m) return html``;
  return html`<section class="mass" aria-labelledby="mass-h"><h2 id="mass-h">Mass silence</h2>
<p>${m.loggers} Loggers went silent together ${ago(m.since, view.now)}${m.reason ? html`: ${m.reason}` : ''}. Pages for them are held back; look at what they share first.</p></section>`;
}

function customerRow(c: CustomerView, now: number): Html {
  const a = c.sides.find((s) => s.side === 'A');
  const b = c.sides.find((s) => s.side === 'B');
  return html`<tr data-customer="${c.customer}" data-states="${c.sides.map((s) => s.state).join(' ')}" class="r-${c.state.toLowerCase()}">
<th scope="row">${c.customer}</th>
<td>${a ? sideCell(a, now) : html`<span class="muted">not registered</span>`}</td>
<td>${b ? sideCell(b, now) : html`<span class="muted">not registered</span>`}</td>
</tr>`;
}

function sideCell(s: SideView, now: number): Html {
  return html`<a class="side" href="${loggerPath({ customer: s.id.split('/')[0] ?? '', side: s.side })}" aria-label="${s.id}: ${s.state}">${badge(s.state, s.overdue)}</a>
<span class="facts">${facts(s, now)}</span>`;
}

function facts(s: SideView, now: number): Html {
  const parts: Html[] = [];
  if (s.state === 'DOWN') {
    parts.push(html`silent ${formatDuration(s.silentForMs)}`);
    parts.push(s.ack ? html`owned by ${s.ack.by}` : html`<strong>unowned</strong>`);
  } else if (s.state === 'LATE') {
    parts.push(html`silent ${formatDuration(s.silentForMs)}`);
    parts.push(s.overdue ? html`alarm at next sweep` : html`deadline ${ago(s.deadline, now)}`);
  } else if (s.state === 'NEW') {
    parts.push(html`never heard; deadline ${ago(s.deadline, now)}`);
  } else if (s.state === 'UP') {
    parts.push(html`seen ${ago(s.lastSeenAt, now)}`);
  }
  if (s.maintenanceUntil) parts.push(html`maintenance until ${ago(s.maintenanceUntil, now)}`);
  return html`${parts.map((p, i) => html`${i > 0 ? ' · ' : ''}${p}`)}`;
}
