import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  durationText,
  formatDuration,
  InvalidDurationError,
  parseDuration,
  toMinutes,
} from '../../../../shared/domain/duration.js';

describe('parseDuration', () => {
  it.each([
    ['45s', 45_000],
    ['780m', 780 * 60_000],
    ['13h', 13 * 3_600_000],
    ['2d', 2 * 86_400_000],
    ['1s', 1_000],
    ['007m', 7 * 60_000],
    ['1h30m', 90 * 60_000],
    ['90min', 90 * 60_000],
    ['2d12h', 60 * 3_600_000],
    ['55m23s', 3_323_000],
    ['30sec', 30_000],
  ])('reads %s as %i ms', (input, ms) => {
    expect(parseDuration(input)).toBe(ms);
  });

  it('tolerates whitespace around a duration (as env files often carry)', () => {
    expect(parseDuration('  780m\n')).toBe(780 * 60_000);
  });

  it.each([
    ['zero', '0s'],
    ['zero with leading zeros', '000m'],
    ['a negative amount', '-5m'],
    ['a decimal amount', '1.5h'],
    ['a comma decimal', '1,5h'],
    ['weeks', '2w'],
    ['milliseconds', '500ms'],
    ['an upper-case unit', '13H'],
    ['a spelt-out unit', '13 hours'],
    ['a space before the unit', '13 h'],
    ['no unit', '780'],
    ['no amount', 'm'],
    ['units out of order', '30m1h'],
    ['a unit twice', '1h1h'],
    ['a space between parts', '1h 30m'],
    ['an unknown unit', '90mins'],
    ['an empty string', ''],
    ['whitespace only', '   '],
    ['a ten-digit amount', '1000000000s'],
    ['a huge amount', '99999999999999999999d'],
    ['exponent notation', '1e3s'],
  ])('rejects %s (%j)', (_what, input) => {
    expect(() => parseDuration(input)).toThrow(InvalidDurationError);
  });

  it('names the input and shows examples in its error', () => {
    let caught: unknown;
    try {
      parseDuration('13 hours');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InvalidDurationError);
    expect((caught as InvalidDurationError).input).toBe('13 hours');
    expect((caught as Error).message).toContain('"13 hours"');
    expect((caught as Error).message).toContain('780m');
    expect((caught as Error).message).toContain('1h30m');
    expect((caught as Error).message).toContain('90min');
  });
});

describe('formatDuration', () => {
  it.each([
    [45_000, '45s'],
    [780 * 60_000, '13h'],
    [720 * 60_000, '12h'],
    [90 * 60_000, '1h 30m'],
    [2 * 86_400_000, '2d'],
    [86_400_000 + 2 * 3_600_000 + 5 * 60_000, '1d 2h 5m'],
    [3_000, '3s'],
  ])('writes %i ms as %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it('keeps only the three largest units', () => {
    expect(formatDuration(86_400_000 + 3_600_000 + 60_000 + 1_000)).toBe('1d 1h 1m');
  });

  it('drops sub-second remainders above one second', () => {
    expect(formatDuration(45_999)).toBe('45s');
  });

  it('writes sub-second durations in ms, never negative', () => {
    expect(formatDuration(999)).toBe('999ms');
    expect(formatDuration(0)).toBe('0ms');
    expect(formatDuration(-5_000)).toBe('0ms');
  });

  it('round-trips whole single units that do not carry into a larger unit', () => {
    const single = fc.oneof(
      fc.tuple(fc.integer({ min: 1, max: 59 }), fc.constant('s')),
      fc.tuple(fc.integer({ min: 1, max: 59 }), fc.constant('m')),
      fc.tuple(fc.integer({ min: 1, max: 23 }), fc.constant('h')),
      fc.tuple(fc.integer({ min: 1, max: 366 }), fc.constant('d')),
    );
    fc.assert(
      fc.property(single, ([amount, unit]) => {
        const text = `${amount}${unit}`;
        expect(formatDuration(parseDuration(text))).toBe(text);
      }),
    );
  });

  it('rejects durations over a year, which no timeout or retention sensibly needs', () => {
    expect(parseDuration('366d')).toBe(366 * 86_400_000);
    expect(() => parseDuration('367d')).toThrow(InvalidDurationError);
    expect(() => parseDuration('999999999d')).toThrow(/at most 366d/);
  });

  it('normalises a single unit that carries into larger units without losing time', () => {
    const unitMs = { s: 1_000, m: 60_000, h: 3_600_000 } as const;
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8_000 }), fc.constantFrom('s', 'm', 'h'), (amount, unit) => {
        const ms = parseDuration(`${amount}${unit}`);
        const parts = formatDuration(ms).split(' ');
        // Each part is itself a valid duration; the parts sum to the original when no more than 3 are needed.
        const sum = parts.reduce((total, part) => total + parseDuration(part), 0);
        if (parts.length < 3) expect(sum).toBe(ms);
        expect(sum).toBeLessThanOrEqual(ms);
        expect(ms).toBe(amount * unitMs[unit]);
      }),
    );
  });
});

describe('toMinutes', () => {
  it('rounds down to whole minutes', () => {
    expect(toMinutes(780 * 60_000)).toBe(780);
    expect(toMinutes(119_999)).toBe(1);
    expect(toMinutes(3_000)).toBe(0);
  });
});

describe('durationText', () => {
  it('writes whole seconds the parser reads back, largest unit first', () => {
    expect(durationText(3_323_000)).toBe('55m23s');
    expect(durationText(780 * 60_000)).toBe('13h');
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 366 * 86_400 }), (seconds) => {
        expect(parseDuration(durationText(seconds * 1000))).toBe(seconds * 1000);
      }),
    );
  });
});
