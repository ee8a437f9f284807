/** The Logger page's history (shared/console/pages/history.ts): outages on a timeline, pings in a table, escaped. */
import { describe, expect, it } from 'vitest';
import { loggerBody } from '../../../../shared/console/pages/logger.js';
import { type LoggerHistoryView, pingEntry } from '../../../../shared/domain/pings/history.js';
import { aLogger, HOUR, T0 } from '../../fixtures.js';

const MINUTE = 60_000;
const history: LoggerHistoryView = {
  pings: [
    pingEntry(
      2,
      T0 - 2 * MINUTE,
      { kind: 'fail', exitStatus: 3 },
      {
        method: 'POST',
        sourceIp: '198.51.100.2',
        userAgent: '<script>alert(1)</script>',
        body: Buffer.from('<img src=x onerror=alert(2)>\nsecond line'),
      },
    ),
    pingEntry(1, T0 - 3 * MINUTE, { kind: 'start' }, { method: 'GET', sourceIp: '203.0.113.7' }),
  ],
  outages: [
    {
      start: T0 - 2 * HOUR,
      end: T0 - HOUR,
      lengthMs: HOUR,
      cause: { kind: 'failure', exitStatus: 3 },
      acknowledgedBy: 'bob <b>',
    },
  ],
};

const render = (h?: LoggerHistoryView) =>
  loggerBody(
    {
      logger: aLogger({ state: 'UP', lastSeenAt: T0 - MINUTE }),
      events: [],
      audit: [],
      findings: [],
      now: T0,
      ...(h ? { history: h } : {}),
    },
    { user: 'alice', csrf: 'c' },
  ).toString();

describe("the Logger page's history", () => {
  it('shows the outages on a timeline: when, how long, why, who acknowledged', () => {
    const page = render(history);
    expect(page).toContain('<h2 id="outages-h">Outages (last 90 days)</h2>');
    const text = page.replace(/<[^>]+>/g, '');
    expect(text).toContain(
      '2h ago → 1h ago: 1h reported a failure (exit status 3) · acknowledged by bob &lt;b&gt;',
    );
  });

  it('shows the pings in a table, everything a job sent escaped, a body by its first line only', () => {
    const page = render(history);
    expect(page).toContain('<h2 id="pings-h">Last pings</h2>');
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page).toContain('&lt;img src=x onerror=alert(2)&gt;');
    expect(page).not.toContain('<script>alert');
    expect(page).not.toContain('<img');
    expect(page).not.toContain('second line');
    expect(page.replace(/<[^>]+>/g, ' ')).toMatch(/fail\s+3\s+-\s+POST\s+198\.51\.100\.2/);
  });

  it('says there was no outage, and shows no ping table for a Logger nobody pinged', () => {
    const page = render({ pings: [], outages: [] });
    expect(page).toContain('No outage in the last 90 days.');
    expect(page).not.toContain('pings-h');
    expect(render()).not.toContain('outages-h');
  });
});
