/**
 * `listener doctor`'s rules, each with a case that passes (no finding) and one that fails, with the
 * reference note's numbers.
 */
import { describe, expect, it } from 'vitest';
import {
  checkBridges,
  checkDuplex,
  checkFleetCounter,
  checkIntervalMargin,
  checkObservedIntervals,
  checkOutboxes,
  checkPhoneHomeConfig,
  checkSweeper,
  diagnoseFleet,
  failsCheck,
} from '../../../../shared/domain/doctor.js';
import type { Logger, PhoneHomeConfig } from '../../../../shared/domain/logger.js';
import { sweepLogger } from '../../../../shared/domain/transitions.js';
import { aLogger, HOUR, MINUTE, T0 } from '../../fixtures.js';

const PAIRS = [
  { phone: '9,19191234567', listener: 'GEOCSCLNRA' },
  { phone: '9,14081234567', listener: 'GEOCSCLNRB' },
];
const GOOD: PhoneHomeConfig = {
  primary: { phone: '9,19191234567', listener: 'GEOCSCLNRA' },
  backup: { phone: '9,14081234567', listener: 'GEOCSCLNRB' },
};

function up(lastSeenAt: number, overrides: Partial<Logger> = {}): Logger {
  return aLogger({ state: 'UP', lastSeenAt, deadline: lastSeenAt + 780 * MINUTE, ...overrides });
}

function down(overrides: Partial<Logger> = {}): Logger {
  const swept = sweepLogger(up(T0, overrides), T0 + 780 * MINUTE);
  if (!swept) throw new Error('fixture');
  return { ...swept.next, outbox: [] };
}

describe('interval margin (the note: at least one hour under the event timeout)', () => {
  it('passes 720 / 780', () => {
    expect(checkIntervalMargin(aLogger())).toEqual([]);
  });

  it('fails 760 / 780 with the registry remedy', () => {
    const [finding, ...rest] = checkIntervalMargin(aLogger({ heartbeatIntervalMs: 760 * MINUTE }));
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({ rule: 'interval-margin', severity: 'warning' });
    expect(finding?.message).toContain('heartbeat interval 760 min against the event timeout 780 min');
    expect(finding?.remedy.join(' ')).toContain('heartbeatIntervalMinutes');
  });

  it('holds the interval the Logger reported to the same rule', () => {
    expect(checkIntervalMargin(aLogger({ reportedIntervalMs: 800 * MINUTE }))[0]).toMatchObject({
      severity: 'error',
      message: expect.stringContaining('reported CSFS interval 800 min'),
    });
  });
});

describe('observed intervals (arrival history)', () => {
  it('passes intervals within the configured interval', () => {
    const arrivals = [0, 1, 2, 3].map((i) => T0 + i * 720 * MINUTE);
    expect(checkObservedIntervals(aLogger({ arrivals }))).toEqual([]);
  });

  it('fails intervals longer than the configured one, saying how many and the longest', () => {
    const arrivals = [T0, T0 + 720 * MINUTE, T0 + 1490 * MINUTE, T0 + 2210 * MINUTE];
    const [finding] = checkObservedIntervals(aLogger({ arrivals }));
    expect(finding).toMatchObject({ rule: 'observed-interval', severity: 'warning' });
    expect(finding?.message).toContain(
      '1 of the last 3 phone-home intervals were longer than the configured 720 min (longest 12h 50m, within an hour of the 780 min timeout)',
    );
    expect(finding?.remedy.join(' ')).toContain('Removed Remote Resource');
  });
});

describe('Phone Home configuration (modem Loggers)', () => {
  const modem = (phoneHome?: PhoneHomeConfig) =>
    aLogger({ transport: 'modem', ...(phoneHome ? { phoneHome } : {}) });

  it('passes each number paired with its own Listener, with a backup to the other Listener', () => {
    expect(checkPhoneHomeConfig(modem(GOOD), PAIRS)).toEqual([]);
  });

  it('does not apply to HTTPS Loggers', () => {
    expect(checkPhoneHomeConfig(aLogger({ transport: 'https' }), PAIRS)).toEqual([]);
  });

  it('fails a number paired with the wrong Listener', () => {
    const crossed = { ...GOOD, primary: { phone: '9,14081234567', listener: 'GEOCSCLNRA' } };
    const [finding] = checkPhoneHomeConfig(modem(crossed), PAIRS);
    expect(finding).toMatchObject({ rule: 'phone-home-config', severity: 'error' });
    expect(finding?.message).toBe(
      'the primary phone number 9,14081234567 is paired with Listener GEOCSCLNRA, but 9,14081234567 reaches GEOCSCLNRB: this Phone Home attempt fails',
    );
  });

  it('fails a number no Listener answers', () => {
    const unknown = { ...GOOD, backup: { phone: '9,15550000000', listener: 'GEOCSCLNRB' } };
    expect(checkPhoneHomeConfig(modem(unknown), PAIRS)[0]?.message).toContain(
      'is not a number of any known Listener',
    );
  });

  it('fails a missing backup', () => {
    const [finding] = checkPhoneHomeConfig(modem({ primary: GOOD.primary }), PAIRS);
    expect(finding).toMatchObject({ severity: 'warning', message: expect.stringContaining('no backup') });
  });

  it('fails primary and backup pointing to the same Listener', () => {
    const same = { primary: GOOD.primary, backup: GOOD.primary } as PhoneHomeConfig;
    const [finding] = checkPhoneHomeConfig(modem(same), PAIRS);
    expect(finding?.message).toContain('primary and backup both point to Listener GEOCSCLNRA');
  });

  it('notes (info, not failing) a modem Logger whose configuration was never recorded', () => {
    const [finding] = checkPhoneHomeConfig(modem(), PAIRS);
    expect(finding?.severity).toBe('info');
    expect(failsCheck('info')).toBe(false);
  });
});

describe('duplex: one side silent vs both', () => {
  const now = T0 + 800 * MINUTE;

  it('passes a Logger that phones home', () => {
    expect(checkDuplex(up(now - HOUR), up(now - HOUR, { side: 'B' }), now)).toEqual([]);
  });

  it('blames the Logger itself (modem, RAS, configuration) when its twin phones home', () => {
    const [finding] = checkDuplex(down(), up(now - HOUR, { side: 'B' }), now);
    expect(finding).toMatchObject({ rule: 'duplex', severity: 'error' });
    expect(finding?.message).toContain('while its twin geocust1/B is UP: the site is fine');
    expect(finding?.remedy.join(' ')).toMatch(/modem.*RAS/s);
  });

  it('gives an HTTPS Logger advice for its transport (process, network, token), never modem checks', () => {
    const [alone] = checkDuplex(down({ transport: 'https' }), up(now - HOUR, { side: 'B' }), now);
    const advice = alone?.remedy.join(' ') ?? '';
    expect(advice).toContain('HTTPS path to the Listener API');
    expect(advice).toContain('401 answers');
    expect(advice).not.toMatch(/modem|RAS|CSCPhoneNumber|dumplog/);
    const [noTwin] = checkDuplex(down({ transport: 'https' }), undefined, now);
    expect(noTwin?.remedy.join(' ')).not.toMatch(/modem|RAS|CSCPhoneNumber|dumplog/);
  });

  it('points at what both share when both are silent: the customer is blind', () => {
    const [finding] = checkDuplex(down(), down({ side: 'B' }), now);
    expect(finding).toMatchObject({
      severity: 'critical',
      message: expect.stringContaining('the customer is blind'),
    });
    expect(finding?.remedy.join(' ')).toContain('the site itself');
  });
});

describe('the dial-in bridge', () => {
  const now = T0 + 10 * HOUR;
  const modem = aLogger({ transport: 'modem', state: 'UP', lastSeenAt: now - HOUR });
  const bridge = (lastSeenAt: number) =>
    aLogger({
      customer: 'bridge-dc1',
      transport: 'https',
      state: 'UP',
      lastSeenAt,
      heartbeatIntervalMs: 10 * MINUTE,
      eventTimeoutMs: 30 * MINUTE,
    });

  it('passes a bridge that phoned home within its interval', () => {
    expect(checkBridges([modem, bridge(now - 5 * MINUTE)], now)).toEqual([]);
  });

  it('fails a bridge that has not phoned home recently', () => {
    const [finding] = checkBridges([modem, bridge(now - 20 * MINUTE)], now);
    expect(finding).toMatchObject({ rule: 'bridge', subject: 'bridge-dc1/A', severity: 'warning' });
    expect(finding?.message).toContain('the dial-in bridge dc1 last phoned home 20m ago');
  });

  it('fails modem Loggers with no bridge at all', () => {
    expect(checkBridges([modem], now)[0]?.message).toContain('no dial-in bridge registered');
  });
});

describe('the Listener itself', () => {
  const now = T0;
  const report = { due: 0, raised: 0, skipped: 0, published: 0, failed: 0, durationMs: 5 };

  it('passes a sweeper that ran within the last minutes without failures', () => {
    expect(checkSweeper({ lastRunAt: now - MINUTE, report }, now, MINUTE)).toEqual([]);
  });

  it('fails a sweeper that stopped, or never ran', () => {
    expect(checkSweeper({ lastRunAt: now - 20 * MINUTE, report }, now, MINUTE)[0]).toMatchObject({
      severity: 'critical',
      message: expect.stringContaining('the sweeper last ran 20m ago'),
    });
    expect(checkSweeper(undefined, now, MINUTE)[0]?.message).toContain('never run');
  });

  it('passes notifications pending for seconds, and fails ones stuck for minutes', () => {
    const pending = (age: number) => [
      aLogger({ outbox: [{ id: 'n1', kind: 'LOGGER_SILENT', at: now - age, deadline: now - age }] }),
    ];
    expect(checkOutboxes(pending(30_000), now)).toEqual([]);
    expect(checkOutboxes(pending(20 * MINUTE), now)[0]).toMatchObject({
      rule: 'outbox',
      message: expect.stringContaining('1 notification(s) pending'),
    });
  });

  it('diagnoses a healthy fleet with no finding', () => {
    const loggers = [up(now - HOUR), up(now - HOUR, { side: 'B' })].map((l) => ({
      ...l,
      transport: 'https' as const,
    }));
    expect(
      diagnoseFleet({
        loggers,
        sweeper: { lastRunAt: now, report },
        sweepEveryMs: MINUTE,
        pairs: PAIRS,
        now,
      }),
    ).toEqual([]);
  });
});

describe('the fleet counter (kept without transactions, so it can drift)', () => {
  it('says nothing when the counter matches the Loggers registered, or when an empty table has none', () => {
    expect(checkFleetCounter(3, 3)).toEqual([]);
    expect(checkFleetCounter(undefined, 0)).toEqual([]);
  });

  it('warns when the counter disagrees, naming both figures and the recount', () => {
    const [finding] = checkFleetCounter(7, 5);
    expect(finding).toMatchObject({ rule: 'fleet-counter', severity: 'warning', subject: 'listener' });
    expect(finding?.message).toContain('the fleet counter says 7 Logger(s) but 5 are registered');
    expect(finding?.remedy.join(' ')).toContain('listener fleet recount');
    expect(failsCheck(finding?.severity ?? 'info')).toBe(true);
  });

  it('informs (without failing) that a table predating the counter counts the index, and how to add it', () => {
    const [finding] = checkFleetCounter(undefined, 4);
    expect(finding).toMatchObject({ rule: 'fleet-counter', severity: 'info' });
    expect(finding?.remedy.join(' ')).toContain('listener fleet recount');
  });
});
