/** The Logger page's interval chart: every bar counted in the caption, labels apart, an outage on the chart. */
import { describe, expect, it } from 'vitest';
import { intervalChart } from '../../../../shared/console/pages/chart.js';

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const render = (input: Parameters<typeof intervalChart>[0]) => String(intervalChart(input));
const heights = (svg: string) => [...svg.matchAll(/<rect [^>]*height="([\d.]+)"/g)].map((m) => Number(m[1]));

describe('intervalChart', () => {
  // A 2m timeout and its 1m50s interval: the two lines are a few pixels apart.
  const short = { heartbeatIntervalMs: 110 * SECOND, eventTimeoutMs: 2 * MINUTE };

  it('draws a visible bar for every interval the caption counts, however short', () => {
    const svg = render({ ...short, intervals: [2 * SECOND, 3 * SECOND, 100 * SECOND, 105 * SECOND] });
    expect(svg).toContain('<figcaption>4 intervals between phone-homes, longest 1m 45s;');
    expect(heights(svg)).toHaveLength(4);
    for (const h of heights(svg)) expect(h).toBeGreaterThanOrEqual(3);
  });

  it('puts the timeout and interval labels at opposite ends, so close lines do not overlap them', () => {
    const svg = render({ ...short, intervals: [100 * SECOND] });
    expect(svg).toMatch(/<text class="timeout-label" x="392" [^>]*text-anchor="end">timeout 2m</);
    expect(svg).toMatch(/<text class="interval-label" x="8" [^>]*text-anchor="start">interval 1m 50s</);
  });

  it('shows an outage in progress as a last bar, tallest, named in the caption', () => {
    const svg = render({ ...short, intervals: [100 * SECOND, 105 * SECOND], silentForMs: 30 * MINUTE });
    expect(svg).toContain('class="bar over current"');
    expect(svg).toContain(
      '2 intervals between phone-homes, longest 1m 45s, then silent for 30m so far (the last bar)',
    );
    const bars = heights(svg);
    expect(bars).toHaveLength(3);
    expect(bars[2]).toBe(Math.max(...bars));
    // On time: no silence bar.
    expect(heights(render({ ...short, intervals: [100 * SECOND], silentForMs: 30 * SECOND }))).toHaveLength(
      1,
    );
  });
});
