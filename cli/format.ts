/** Plain-text tables and times for CLI output. */
import { formatDuration } from '../shared/domain/duration.js';

/** A left-aligned text table with a header row. */
export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}

/** `2026-11-24 17:03:12Z (5m ago)` / `in 12h 59m`. */
export function when(ms: number | undefined, now: number): string {
  if (ms === undefined) return 'never';
  const stamp = new Date(ms)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, 'Z');
  const delta = now - ms;
  // Under a second: "(0ms ago)" reads like a glitch.
  if (Math.abs(delta) < 1_000) return `${stamp} (just now)`;
  return delta >= 0 ? `${stamp} (${formatDuration(delta)} ago)` : `${stamp} (in ${formatDuration(-delta)})`;
}

/** `text` indented by two spaces, line by line (a table under its heading). */
export function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
}
