import { describe, expect, it } from 'vitest';
import { StoreOutageReport } from '../../../../shared/http/store-outage.js';
import type { Log } from '../../../../shared/listener/deps.js';

function recordingLog() {
  const lines: { message: string; extra?: Record<string, unknown> }[] = [];
  const record = (message: string, extra?: Record<string, unknown>) =>
    lines.push({ message, ...(extra ? { extra } : {}) });
  const log: Log = { info: record, warn: record, error: record };
  return { log, lines };
}

describe('a store outage is reported once, then counted', () => {
  it('logs the first 503 with its cause and nothing for the next thousands', () => {
    let now = 0;
    const report = new StoreOutageReport(() => now);
    const { log, lines } = recordingLog();
    for (let i = 0; i < 17_460; i++, now += 2) report.unavailable(log, 'ECONNREFUSED');
    expect(lines.filter((l) => l.message.startsWith('store unavailable'))).toEqual([
      {
        message: 'store unavailable; answering 503 (counted until it answers again)',
        extra: { error: 'ECONNREFUSED' },
      },
    ]);
  });

  it('logs a running count once a minute while it lasts, and the total when the store answers again', () => {
    let now = 0;
    const report = new StoreOutageReport(() => now);
    const { log, lines } = recordingLog();
    for (; now <= 150_000; now += 100) report.unavailable(log, 'timed out');
    report.served(log);
    report.served(log); // nothing more to say: the outage is over
    expect(lines.map((l) => [l.message, l.extra])).toEqual([
      ['store unavailable; answering 503 (counted until it answers again)', { error: 'timed out' }],
      ['store still unavailable; answering 503', { answered503: 601, forSeconds: 60 }],
      ['store still unavailable; answering 503', { answered503: 1201, forSeconds: 120 }],
      ['store available again', { answered503: 1501, forSeconds: 150 }],
    ]);
  });

  it('sums up an outage still in progress in one line, and nothing when there is none', () => {
    let now = 0;
    const report = new StoreOutageReport(() => now);
    const { log } = recordingLog();
    expect(report.summary()).toBeUndefined();
    report.unavailable(log, 'x');
    now = 12_400;
    report.unavailable(log, 'x');
    expect(report.summary()).toBe('store unavailable for the last 12 s: 2 requests answered 503');
    report.served(log);
    expect(report.summary()).toBeUndefined();
  });
});
