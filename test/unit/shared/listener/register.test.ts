import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../../shared/domain/errors.js';
import type { Logger } from '../../../../shared/domain/logger.js';
import { hashToken, loggerIdOfToken } from '../../../../shared/domain/token.js';
import {
  checkSettings,
  defaultInterval,
  registerLogger,
  sweepLagWarning,
} from '../../../../shared/listener/register.js';
import type { LoggerStore } from '../../../../shared/ports/logger-store.js';
import { HOUR, MINUTE, T0 } from '../../fixtures.js';

describe('defaultInterval', () => {
  it('is the CSFS default of 720 minutes for the default 780-minute timeout', () => {
    expect(defaultInterval(780 * MINUTE)).toBe(720 * MINUTE);
  });

  it('is 12h for a 13h timeout', () => {
    expect(defaultInterval(13 * HOUR)).toBe(12 * HOUR);
  });

  it('never exceeds 720 minutes for long timeouts', () => {
    expect(defaultInterval(2 * 24 * HOUR)).toBe(720 * MINUTE);
  });

  it('keeps the 60-minute margin for timeouts between 2h and 13h', () => {
    expect(defaultInterval(2 * HOUR)).toBe(HOUR);
    expect(defaultInterval(5 * HOUR)).toBe(4 * HOUR);
  });

  it('is whole seconds for a short timeout, as the help says (1m50s for 2m, 2m46s for 3m)', () => {
    expect(defaultInterval(2 * MINUTE)).toBe(110_000);
    expect(defaultInterval(3 * MINUTE)).toBe(166_000);
    expect(defaultInterval(60 * MINUTE)).toBe(3_323_000);
  });

  it('stays under a seconds-scale timeout', () => {
    const interval = defaultInterval(3_000);
    expect(interval).toBeLessThan(3_000);
    expect(interval).toBeGreaterThan(0);
  });

  it('is always shorter than the timeout, so a default registration never fails its own check', () => {
    for (const timeout of [
      2_000,
      3_000,
      45_000,
      MINUTE,
      30 * MINUTE,
      119 * MINUTE,
      2 * HOUR,
      780 * MINUTE,
      7 * 24 * HOUR,
    ]) {
      const interval = defaultInterval(timeout);
      expect(interval).toBeLessThan(timeout);
      expect(() =>
        checkSettings({ eventTimeoutMs: timeout, heartbeatIntervalMs: interval, transport: 'https' }),
      ).not.toThrow();
    }
  });
});

describe('checkSettings', () => {
  const settings = (intervalMin: number, timeoutMin: number) => ({
    eventTimeoutMs: timeoutMin * MINUTE,
    heartbeatIntervalMs: intervalMin * MINUTE,
    transport: 'modem' as const,
  });

  it('rejects an interval equal to the timeout, naming both', () => {
    expect(() => checkSettings(settings(780, 780))).toThrow(ValidationError);
    expect(() => checkSettings(settings(780, 780))).toThrow(
      /heartbeat interval \(13h\).*event timeout \(13h\)/,
    );
  });

  it('rejects an interval longer than the timeout, naming both', () => {
    expect(() => checkSettings(settings(900, 780))).toThrow(
      /heartbeat interval \(15h\).*event timeout \(13h\)/,
    );
  });

  it('warns about 760m against 780m: less than the reference note’s 60-minute margin', () => {
    const warnings = checkSettings(settings(760, 780));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('60 minutes');
    expect(warnings[0]).toContain('12h 40m');
    expect(warnings[0]).toContain('13h');
  });

  it('does not warn about the reference note’s 720m against 780m', () => {
    expect(checkSettings(settings(720, 780))).toEqual([]);
  });

  it('does not warn at exactly a 60-minute margin', () => {
    expect(checkSettings(settings(120, 180))).toEqual([]);
    expect(checkSettings(settings(121, 180))).toHaveLength(1);
  });

  it('does not warn for short demo timeouts where a 60-minute margin is impossible', () => {
    expect(checkSettings({ eventTimeoutMs: 3_000, heartbeatIntervalMs: 2_000, transport: 'https' })).toEqual(
      [],
    );
  });
});

describe('registerLogger', () => {
  function fakeStore() {
    const calls: { logger: Logger; tokenHash: string }[] = [];
    const store = {
      register: async (logger: Logger, tokenHash: string) => {
        calls.push({ logger, tokenHash });
      },
    } as unknown as LoggerStore;
    return { store, calls };
  }

  it('stores a NEW Logger with only the hash of the token it returns', async () => {
    const { store, calls } = fakeStore();
    const registration = await registerLogger(
      store,
      { customer: 'geocust1', side: 'A', eventTimeoutMs: 780 * MINUTE, transport: 'modem' },
      T0,
    );
    expect(calls).toHaveLength(1);
    expect(calls[0]?.tokenHash).toBe(hashToken(registration.token));
    expect(JSON.stringify(calls[0])).not.toContain(registration.token);
    expect(loggerIdOfToken(registration.token)).toEqual({ customer: 'geocust1', side: 'A' });
    expect(registration.logger).toMatchObject({
      state: 'NEW',
      heartbeatIntervalMs: 720 * MINUTE,
      deadline: T0 + 780 * MINUTE,
    });
    expect(registration.warnings).toEqual([]);
  });

  it('stores nothing when the settings are invalid', async () => {
    const { store, calls } = fakeStore();
    await expect(
      registerLogger(
        store,
        {
          customer: 'geocust1',
          side: 'A',
          eventTimeoutMs: 60 * MINUTE,
          heartbeatIntervalMs: 60 * MINUTE,
          transport: 'https',
        },
        T0,
      ),
    ).rejects.toThrow(ValidationError);
    expect(calls).toEqual([]);
  });
});

describe('sweepLagWarning', () => {
  it('warns when the timeout is within two sweeps: detection lags by up to a sweep period', () => {
    expect(sweepLagWarning(30_000, 55_000)).toEqual([
      expect.stringContaining('a silence is detected up to 55s after the deadline'),
    ]);
    expect(sweepLagWarning(2 * MINUTE, 60_000)).toEqual([]);
    expect(sweepLagWarning(30_000, undefined)).toEqual([]);
  });
});
