import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../../shared/domain/errors.js';
import {
  deadlineAfter,
  displayState,
  formatLoggerId,
  type Logger,
  newLogger,
  parseLoggerId,
} from '../../../../shared/domain/logger.js';
import { aLogger, DEFAULT_SETTINGS, GEOCUST1_A, MINUTE, T0 } from '../../fixtures.js';

describe('parseLoggerId', () => {
  it('reads <customer>/<side>', () => {
    expect(parseLoggerId('geocust1/A')).toEqual({ customer: 'geocust1', side: 'A' });
    expect(parseLoggerId('geo-cust-2/B')).toEqual({ customer: 'geo-cust-2', side: 'B' });
  });

  it('accepts a lower-case side and normalises it to upper case', () => {
    expect(parseLoggerId('geocust1/a')).toEqual({ customer: 'geocust1', side: 'A' });
    expect(parseLoggerId('geocust1/b')).toEqual({ customer: 'geocust1', side: 'B' });
  });

  it.each([
    ['an upper-case customer', 'GeoCust1/A'],
    ['side C', 'geocust1/C'],
    ['a spelt-out side', 'geocust1/sideA'],
    ['extra segments', 'geocust1/A/x'],
    ['a trailing slash', 'geocust1/A/'],
    ['no side', 'geocust1'],
    ['an empty side', 'geocust1/'],
    ['an empty customer', '/A'],
    ['an empty string', ''],
    ['a customer starting with "-"', '-geocust1/A'],
    ['a customer with "_"', 'geo_cust1/A'],
    ['a 64-character customer', `${'a'.repeat(64)}/A`],
    ['whitespace', ' geocust1/A'],
  ])('rejects %s (%j) with a ValidationError', (_what, text) => {
    expect(() => parseLoggerId(text)).toThrow(ValidationError);
  });

  it('names the bad text and shows an example in its error', () => {
    expect(() => parseLoggerId('geocust1/C')).toThrow(/"geocust1\/C" is not a Logger id.*geocust1\/A/);
  });

  it('accepts a 63-character customer', () => {
    expect(parseLoggerId(`${'a'.repeat(63)}/B`).customer).toHaveLength(63);
  });

  it('round-trips with formatLoggerId for every valid id', () => {
    const customer = fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,62}$/);
    fc.assert(
      fc.property(customer, fc.constantFrom('A' as const, 'B' as const), (c, side) => {
        const id = { customer: c, side };
        expect(parseLoggerId(formatLoggerId(id))).toEqual(id);
      }),
    );
  });
});

describe('formatLoggerId', () => {
  it('writes <customer>/<side>', () => {
    expect(formatLoggerId({ customer: 'geocust1', side: 'B' })).toBe('geocust1/B');
  });
});

describe('displayState', () => {
  const up: Logger = aLogger({ state: 'UP', lastSeenAt: T0, deadline: T0 + 780 * MINUTE });

  it('shows an UP Logger within its heartbeat interval as UP', () => {
    expect(displayState(up, T0)).toBe('UP');
    expect(displayState(up, T0 + 720 * MINUTE)).toBe('UP');
  });

  it('shows an UP Logger past lastSeenAt + heartbeat interval as LATE', () => {
    expect(displayState(up, T0 + 720 * MINUTE + 1)).toBe('LATE');
    expect(displayState(up, T0 + 779 * MINUTE)).toBe('LATE');
  });

  it('measures LATE from the Logger’s own heartbeat interval', () => {
    const quick = { ...up, heartbeatIntervalMs: 2_000, eventTimeoutMs: 3_000 };
    expect(displayState(quick, T0 + 2_000)).toBe('UP');
    expect(displayState(quick, T0 + 2_001)).toBe('LATE');
  });

  it.each(['NEW', 'DOWN', 'PAUSED'] as const)('shows a %s Logger as stored however late it is', (state) => {
    const logger = aLogger({ state, lastSeenAt: T0 });
    expect(displayState(logger, T0 + 30 * 24 * 60 * MINUTE)).toBe(state);
  });

  it('shows a NEW Logger that has never phoned home as NEW, even past its deadline', () => {
    const logger = aLogger();
    expect(displayState(logger, logger.deadline + 1)).toBe('NEW');
  });
});

describe('newLogger', () => {
  it('starts NEW at revision 0, due at registeredAt + event timeout, with an empty outbox', () => {
    const logger = newLogger(GEOCUST1_A, DEFAULT_SETTINGS, T0);
    expect(logger).toEqual({
      customer: 'geocust1',
      side: 'A',
      eventTimeoutMs: 780 * MINUTE,
      heartbeatIntervalMs: 720 * MINUTE,
      transport: 'modem',
      state: 'NEW',
      registeredAt: T0,
      deadline: T0 + 780 * MINUTE,
      dueAt: T0 + 780 * MINUTE,
      revision: 0,
      outbox: [],
    });
  });

  it('has not been seen yet', () => {
    const logger = newLogger(GEOCUST1_A, DEFAULT_SETTINGS, T0);
    expect(logger.lastSeenAt).toBeUndefined();
    expect(logger.downSince).toBeUndefined();
  });
});

describe('deadlineAfter', () => {
  it('is the receipt time plus the event timeout', () => {
    expect(deadlineAfter({ eventTimeoutMs: 3_000, heartbeatIntervalMs: 2_000 }, T0)).toBe(T0 + 3_000);
  });
});
