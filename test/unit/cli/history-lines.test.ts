/** `listener logger show`'s history (cli/commands/history-lines.ts): the pings and outages tables, and --json. */
import { describe, expect, it } from 'vitest';
import { historyJson, historyText, PINGS_SHOWN } from '../../../cli/commands/history-lines.js';
import { type LoggerHistoryView, pingEntry } from '../../../shared/domain/pings/history.js';
import { MINUTE, T0 } from '../fixtures.js';

const NOW = T0 + 60 * MINUTE;
const view: LoggerHistoryView = {
  pings: [
    pingEntry(
      3,
      T0 + 2 * MINUTE,
      { kind: 'fail', exitStatus: 3 },
      {
        method: 'POST',
        sourceIp: '198.51.100.2',
        userAgent: 'evil\u001b[31mred\u0007 agent',
        body: Buffer.from('disk full'),
      },
    ),
    pingEntry(2, T0 + MINUTE, { kind: 'success' }, { method: 'GET', sourceIp: '203.0.113.7' }),
    pingEntry(1, T0, { kind: 'start' }, { method: 'HEAD' }),
  ],
  outages: [
    {
      start: T0 + 2 * MINUTE,
      end: T0 + 7 * MINUTE,
      lengthMs: 5 * MINUTE,
      cause: { kind: 'failure', exitStatus: 3 },
      acknowledgedBy: 'alice',
    },
    { start: T0 - 60 * MINUTE, end: T0 - 30 * MINUTE, lengthMs: 30 * MINUTE, cause: { kind: 'silence' } },
  ],
};

describe("logger show's history", () => {
  it('prints the last pings (time, kind, exit, duration, method, source, user agent) and the outages', () => {
    const text = historyText(view, NOW);
    expect(text).toContain('Last 3 pings:');
    expect(text).toMatch(/TIME\s+KIND\s+EXIT\s+DURATION\s+METHOD\s+SOURCE\s+USER AGENT/);
    expect(text).toMatch(/2026-11-24 17:02:00Z \(58m ago\)\s+fail\s+3\s+-\s+POST\s+198\.51\.100\.2/);
    expect(text).toMatch(/success\s+0\s+-\s+GET\s+203\.0\.113\.7\s+-/);
    expect(text).toMatch(/START\s+END\s+LENGTH\s+CAUSE\s+ACK/);
    expect(text).toMatch(/5m\s+failure \(exit status 3\)\s+alice/);
    expect(text).toMatch(/30m\s+silent\s+-/);
  });

  it('never lets a control character a job sent reach the terminal', () => {
    const text = historyText(view, NOW);
    const controls = [...text].filter(
      (c) => c !== '\n' && (c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f),
    );
    expect(controls).toEqual([]);
    expect(text).toContain('red');
  });

  it('shows the newest 20 on a terminal and says where the rest are; only outages for a Logger without a ping URL', () => {
    const many = Array.from({ length: 30 }, (_, i) =>
      pingEntry(30 - i, T0 - i * MINUTE, { kind: 'log' }, {}),
    );
    const text = historyText({ pings: many, outages: [] }, NOW);
    expect(text).toContain(`Last ${PINGS_SHOWN} pings (of 30 kept; all with --json):`);
    expect(text).toContain('Outages (last 90 days): none');
    const plain = historyText({ pings: undefined, outages: [] }, NOW);
    expect(plain).not.toContain('ping');
  });

  it('carries every ping, body included, and every outage in --json, times in ISO 8601', () => {
    const json = historyJson(view);
    expect(json.pings).toHaveLength(3);
    expect(json.pings[0]).toMatchObject({
      seq: 3,
      at: '2026-11-24T17:02:00.000Z',
      kind: 'fail',
      exitStatus: 3,
      body: 'disk full',
      bodyBytes: 9,
    });
    expect(json.outages[0]).toEqual({
      start: '2026-11-24T17:02:00.000Z',
      end: '2026-11-24T17:07:00.000Z',
      lengthMs: 5 * MINUTE,
      cause: { kind: 'failure', exitStatus: 3 },
      acknowledgedBy: 'alice',
    });
  });
});
