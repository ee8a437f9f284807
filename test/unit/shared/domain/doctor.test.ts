/**
 * `listener doctor`'s rules, each with a case that passes (no finding) and one that fails, with the
 * reference note's numbers.
 */
import { describe, expect, it } from 'vitest';
import {
  checkBackupOnly,
  checkBridges,
  checkCustomerListeners,
  checkDuplex,
  checkFleetCounter,
  checkIntervalMargin,
  checkObservedIntervals,
  checkOutboxes,
  checkPhoneHomeConfig,
  checkSweeper,
  diagnoseFleet,
  failsCheck,
  isOverInterval,
  listenerPairOf,
  pairRoles,
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
  it('is one rule for doctor and logger show: over the interval only past its slack', () => {
    const logger = aLogger({ arrivals: [T0, T0 + 721 * MINUTE] });
    expect(isOverInterval(logger, 721 * MINUTE)).toBe(false);
    expect(checkObservedIntervals(logger)).toEqual([]);
    expect(isOverInterval(logger, 723 * MINUTE)).toBe(true);
  });

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

  it('does not call the site fine because of a twin that never phoned home (NEW proves nothing)', () => {
    const [finding] = checkDuplex(down(), aLogger({ side: 'B' }), now);
    expect(finding?.message).not.toContain('the site is fine');
    expect(finding?.message).toContain('its twin geocust1/B has never phoned home, so it proves nothing');
    expect(finding?.remedy.join(' ')).toContain('the site itself');
  });

  it('names the maintenance window a LATE Logger is silent in', () => {
    const late = up(now - 730 * MINUTE, {
      maintenance: [{ id: 'mw-1', from: now - HOUR, to: Date.UTC(2026, 10, 25, 7, 30), reason: 'PBX swap' }],
    });
    const [finding] = checkDuplex(late, up(now - HOUR, { side: 'B' }), now);
    expect(finding?.message).toContain(
      'inside maintenance window mw-1 (PBX swap) until 2026-11-25 07:30Z, so no page goes out before then',
    );
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
      message: expect.stringContaining('1 notification pending'),
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
    expect(finding?.message).toContain('the fleet counter says 7 Loggers but 5 are registered');
    expect(finding?.remedy.join(' ')).toContain('listener fleet recount');
    expect(failsCheck(finding?.severity ?? 'info')).toBe(true);
  });

  it('informs (without failing) that a table predating the counter counts the index, and how to add it', () => {
    const [finding] = checkFleetCounter(undefined, 4);
    expect(finding).toMatchObject({ rule: 'fleet-counter', severity: 'info' });
    expect(finding?.remedy.join(' ')).toContain('listener fleet recount');
  });
});

describe('Listener pair (issue 13: each side paired with its own Listener)', () => {
  const PAIR = { a: 'GEOCSCLNRA', b: 'GEOCSCLNRB' };
  const DAY = 24 * HOUR;
  /** The fake clock: two days after T0. */
  const now = T0 + 2 * DAY;
  /** Heard by `listener` from `first` to `last` (ms before now). */
  const heard = (listener: string, firstAgo: number, lastAgo: number) => ({
    [listener]: { first: now - firstAgo, last: now - lastAgo },
  });
  const logger = (side: 'A' | 'B', heardBy: Logger['heardBy'], overrides: Partial<Logger> = {}) =>
    up(now - HOUR, { side, transport: 'https', heardBy, ...overrides });

  describe('primary and backup', () => {
    it('follows the side letter: side A → Listener A, side B → Listener B', () => {
      expect(pairRoles(logger('A', {}), PAIR)).toEqual({
        primary: 'GEOCSCLNRA',
        backup: 'GEOCSCLNRB',
        basis: 'side',
      });
      expect(pairRoles(logger('B', {}), PAIR)).toMatchObject({ primary: 'GEOCSCLNRB', backup: 'GEOCSCLNRA' });
    });

    it('takes the name that sorts first as Listener A when a Listener knows only its own and its twin’s', () => {
      expect(listenerPairOf('GEOCSCLNRB', 'GEOCSCLNRA')).toEqual(PAIR);
      expect(listenerPairOf('GEOCSCLNRA', 'GEOCSCLNRB')).toEqual(PAIR);
    });

    it('follows the recorded CSCImportSystemName when it names one of the pair', () => {
      const configured = logger(
        'A',
        {},
        { phoneHome: { primary: { phone: '9,14081234567', listener: 'geocsclnrb' } } },
      );
      expect(pairRoles(configured, PAIR)).toEqual({
        primary: 'GEOCSCLNRB',
        backup: 'GEOCSCLNRA',
        basis: 'configured',
      });
    });
  });

  describe('both sides on one Listener', () => {
    it('passes a customer whose sides phone their own Listeners', () => {
      const a = logger('A', heard('GEOCSCLNRA', 10 * DAY, HOUR));
      const b = logger('B', heard('GEOCSCLNRB', 10 * DAY, HOUR));
      expect(checkCustomerListeners(a, b, PAIR, now)).toEqual([]);
    });

    it('fails both sides heard only by Listener A for a day, advising side B to point at Listener B', () => {
      const a = logger('A', heard('GEOCSCLNRA', 10 * DAY, HOUR));
      const b = logger('B', {
        ...heard('GEOCSCLNRA', 5 * DAY, 2 * HOUR),
        ...heard('GEOCSCLNRB', 9 * DAY, 3 * DAY),
      });
      const [finding, ...rest] = checkCustomerListeners(b, a, PAIR, now);
      expect(rest).toEqual([]);
      expect(finding).toMatchObject({ rule: 'pair-one-listener', severity: 'warning', subject: 'geocust1' });
      expect(finding?.message).toContain('both sides of geocust1 have phoned only Listener GEOCSCLNRA');
      expect(finding?.remedy[0]).toMatch(
        /^geocust1\/B \(HTTPS\): configure both URLs, GEOCSCLNRB's as the primary/,
      );
    });

    it('advises a modem side about the numbers and bridges', () => {
      const a = logger('A', heard('GEOCSCLNRB', 3 * DAY, HOUR), { transport: 'modem' });
      const b = logger('B', heard('GEOCSCLNRB', 3 * DAY, HOUR), { transport: 'modem' });
      const [finding] = checkCustomerListeners(a, b, PAIR, now);
      expect(finding?.remedy[0]).toContain(
        "geocust1/A (modem): its primary number (CSCPhoneNumber) must dial the number answered by Listener A's bridge",
      );
      expect(finding?.remedy.join(' ')).toContain('9,19191234567 with GEOCSCLNRA');
    });

    it('waits until one Listener has heard both sides for a whole day (a new pair, a new Logger)', () => {
      const a = logger('A', heard('GEOCSCLNRA', 10 * DAY, HOUR));
      const b = logger('B', heard('GEOCSCLNRA', 20 * HOUR, HOUR));
      expect(checkCustomerListeners(a, b, PAIR, now)).toEqual([]);
    });

    it('says nothing when a side has not phoned at all in the day (the duplex rule covers silence)', () => {
      const a = logger('A', heard('GEOCSCLNRA', 10 * DAY, HOUR));
      const b = logger('B', heard('GEOCSCLNRA', 10 * DAY, 2 * DAY));
      expect(checkCustomerListeners(a, b, PAIR, now)).toEqual([]);
    });
  });

  describe('only the backup Listener', () => {
    it('passes a Logger its primary heard within the day', () => {
      const a = logger('A', {
        ...heard('GEOCSCLNRA', 10 * DAY, 20 * HOUR),
        ...heard('GEOCSCLNRB', DAY, HOUR),
      });
      expect(checkBackupOnly(a, PAIR, now)).toEqual([]);
    });

    it('fails a Logger only its backup heard for over a day, with its transport’s advice', () => {
      const https = logger('A', {
        ...heard('GEOCSCLNRA', 10 * DAY, 26 * HOUR),
        ...heard('GEOCSCLNRB', 26 * HOUR, HOUR),
      });
      const [finding] = checkBackupOnly(https, PAIR, now);
      expect(finding).toMatchObject({ rule: 'pair-backup-only', severity: 'warning', subject: 'geocust1/A' });
      expect(finding?.message).toContain('has phoned only its backup Listener GEOCSCLNRB');
      expect(finding?.message).toContain(
        "its primary GEOCSCLNRA (side A's own Listener) last heard it 1d 2h ago",
      );
      expect(finding?.remedy.join(' ')).toContain('configure both URLs');
      const modem = { ...https, transport: 'modem' as const };
      expect(checkBackupOnly(modem, PAIR, now)[0]?.remedy[0]).toContain(
        "Check the primary number dials Listener A's bridge and that bridge relays to GEOCSCLNRA",
      );
    });

    it('counts a primary that never heard it only once the backup has heard it for a day', () => {
      const fresh = logger('B', heard('GEOCSCLNRA', 20 * HOUR, HOUR));
      expect(checkBackupOnly(fresh, PAIR, now)).toEqual([]);
      const old = logger('B', heard('GEOCSCLNRA', 30 * HOUR, HOUR));
      expect(checkBackupOnly(old, PAIR, now)[0]?.message).toContain(
        "its primary GEOCSCLNRB (side B's own Listener) has never heard it",
      );
    });

    it('uses the recorded primary: a side A Logger configured for Listener B is fine on B', () => {
      const a = logger('A', heard('GEOCSCLNRB', 10 * DAY, HOUR), {
        transport: 'modem',
        phoneHome: { primary: { phone: '9,14081234567', listener: 'GEOCSCLNRB' } },
      });
      expect(checkBackupOnly(a, PAIR, now)).toEqual([]);
    });
  });

  describe('in the fleet', () => {
    const report = { failed: 0 };
    const both = [
      logger('A', heard('GEOCSCLNRA', 10 * DAY, HOUR)),
      logger('B', heard('GEOCSCLNRA', 10 * DAY, HOUR)),
    ];
    const diagnose = (listenerPair?: typeof PAIR) =>
      diagnoseFleet({
        loggers: both,
        sweeper: { lastRunAt: now, report },
        sweepEveryMs: MINUTE,
        pairs: PAIRS,
        now,
        ...(listenerPair ? { listenerPair } : {}),
      });

    it('reports a customer on one Listener once, and side B on its backup', () => {
      expect(
        diagnose(PAIR)
          .map((f) => `${f.rule} ${f.subject}`)
          .sort(),
      ).toEqual(['pair-backup-only geocust1/B', 'pair-one-listener geocust1']);
    });

    it('has no pairing findings when this Listener is not one of a pair', () => {
      expect(diagnose()).toEqual([]);
    });
  });
});
