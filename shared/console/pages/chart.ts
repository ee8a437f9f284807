/**
 * The intervals between a Logger's last phone-homes as an inline SVG bar chart, against its heartbeat
 * interval and event timeout. Presentation attributes and classes only (the CSP forbids inline style).
 */
import { formatDuration } from '../../domain/duration.js';
import { type Html, html } from '../html.js';

const W = 600;
const H = 160;
const PAD = { left: 8, right: 8, top: 10, bottom: 18 };

export function intervalChart(input: {
  readonly intervals: readonly number[];
  readonly heartbeatIntervalMs: number;
  readonly eventTimeoutMs: number;
}): Html {
  const { intervals, heartbeatIntervalMs, eventTimeoutMs } = input;
  if (intervals.length === 0) {
    return html`<p class="muted">Not enough phone-homes yet to show intervals.</p>`;
  }
  const top = Math.max(eventTimeoutMs * 1.1, ...intervals);
  const plotH = H - PAD.top - PAD.bottom;
  const y = (ms: number) => PAD.top + plotH - (ms / top) * plotH;
  const slot = (W - PAD.left - PAD.right) / intervals.length;
  const barW = Math.max(2, slot * 0.7);
  const longest = Math.max(...intervals);
  const summary = `${intervals.length} intervals, longest ${formatDuration(longest)}; heartbeat interval ${formatDuration(heartbeatIntervalMs)}, timeout ${formatDuration(eventTimeoutMs)}`;
  const bars = intervals.map((ms, i) => {
    const cls = ms > eventTimeoutMs ? 'bar over' : ms > heartbeatIntervalMs ? 'bar late' : 'bar';
    const x = PAD.left + i * slot + (slot - barW) / 2;
    return html`<rect class="${cls}" x="${x.toFixed(1)}" y="${y(ms).toFixed(1)}" width="${barW.toFixed(1)}" height="${(PAD.top + plotH - y(ms)).toFixed(1)}"><title>${formatDuration(ms)}</title></rect>`;
  });
  const line = (ms: number, cls: string, label: string) =>
    html`<line class="${cls}" x1="${PAD.left}" x2="${W - PAD.right}" y1="${y(ms).toFixed(1)}" y2="${y(ms).toFixed(1)}"></line><text class="${cls}-label" x="${W - PAD.right}" y="${(y(ms) - 3).toFixed(1)}" text-anchor="end">${label}</text>`;
  return html`<figure class="chart">
<svg viewBox="0 0 ${W} ${H}" role="img" aria-labelledby="chart-title" focusable="false">
<title id="chart-title">${summary}</title>
${bars}
${line(eventTimeoutMs, 'timeout', `timeout ${formatDuration(eventTimeoutMs)}`)}
${line(heartbeatIntervalMs, 'interval', `interval ${formatDuration(heartbeatIntervalMs)}`)}
</svg>
<figcaption>${summary}.</figcaption>
</figure>`;
}
