/**
 * The intervals between a Logger's last phone-homes as an inline SVG bar chart, against its heartbeat
 * interval and event timeout, and — when it is late or down — the silence since its last phone-home as a
 * last, hatched bar, so an outage in progress is on the chart. Presentation attributes and classes only
 * (the CSP forbids inline style). Sized to be read on a phone (360 px) and a laptop alike.
 */
import { formatDuration } from '../../domain/duration.js';
import { type Html, html } from '../html.js';

const W = 400;
const H = 180;
const PAD = { left: 8, right: 8, top: 18, bottom: 16 };
/** Every interval is a visible bar, however short beside the longest: the caption counts them all. */
const MIN_BAR = 3;

export function intervalChart(input: {
  readonly intervals: readonly number[];
  readonly heartbeatIntervalMs: number;
  readonly eventTimeoutMs: number;
  /** Silent this long since the last phone-home, shown when past the heartbeat interval (late or down). */
  readonly silentForMs?: number;
}): Html {
  const { intervals, heartbeatIntervalMs, eventTimeoutMs } = input;
  const silence =
    input.silentForMs !== undefined && input.silentForMs > heartbeatIntervalMs
      ? input.silentForMs
      : undefined;
  if (intervals.length === 0 && silence === undefined) {
    return html`<p class="muted">Not enough phone-homes yet to show intervals.</p>`;
  }
  const values = silence === undefined ? intervals : [...intervals, silence];
  const top = Math.max(eventTimeoutMs * 1.15, ...values);
  const plotH = H - PAD.top - PAD.bottom;
  const base = PAD.top + plotH;
  const y = (ms: number) => base - (ms / top) * plotH;
  const slot = (W - PAD.left - PAD.right) / values.length;
  const barW = Math.min(40, Math.max(2, slot * 0.7));
  const bars = values.map((ms, i) => {
    const current = silence !== undefined && i === values.length - 1;
    const cls = `bar${ms > eventTimeoutMs ? ' over' : ms > heartbeatIntervalMs ? ' late' : ''}${current ? ' current' : ''}`;
    const height = Math.max(MIN_BAR, base - y(ms));
    const x = PAD.left + i * slot + (slot - barW) / 2;
    const tip = current ? `silent for ${formatDuration(ms)} now` : formatDuration(ms);
    return html`<rect class="${cls}" x="${x.toFixed(1)}" y="${(base - height).toFixed(1)}" width="${barW.toFixed(1)}" height="${height.toFixed(1)}"><title>${tip}</title></rect>`;
  });
  // The two labels sit at opposite ends (timeout above its line on the right, interval below its line on
  // the left), so they never cover each other however close the lines are.
  const line = (ms: number, cls: string) =>
    html`<line class="${cls}" x1="${PAD.left}" x2="${W - PAD.right}" y1="${y(ms).toFixed(1)}" y2="${y(ms).toFixed(1)}"></line>`;
  const parts = [
    ...(intervals.length === 0
      ? []
      : [
          `${intervals.length === 1 ? '1 interval' : `${intervals.length} intervals`} between phone-homes, longest ${formatDuration(Math.max(...intervals))}`,
        ]),
    ...(silence === undefined ? [] : [`silent for ${formatDuration(silence)} so far (the last bar)`]),
  ];
  const summary = `${parts.join(', then ')}; heartbeat interval ${formatDuration(heartbeatIntervalMs)}, timeout ${formatDuration(eventTimeoutMs)}`;
  return html`<figure class="chart">
<svg viewBox="0 0 ${W} ${H}" role="img" aria-labelledby="chart-title" focusable="false">
<title id="chart-title">${summary}</title>
${bars}
${line(eventTimeoutMs, 'timeout')}
${line(heartbeatIntervalMs, 'interval')}
<text class="timeout-label" x="${W - PAD.right}" y="${(y(eventTimeoutMs) - 4).toFixed(1)}" text-anchor="end">timeout ${formatDuration(eventTimeoutMs)}</text>
<text class="interval-label" x="${PAD.left}" y="${(y(heartbeatIntervalMs) + 13).toFixed(1)}" text-anchor="start">interval ${formatDuration(heartbeatIntervalMs)}</text>
</svg>
<figcaption>${summary}.</figcaption>
</figure>`;
}
