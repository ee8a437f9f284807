/**
 * Durations as people write them on the command line, in stage config and to the API: `45s`, `780m`, `13h`,
 * `2d`, and compounds largest unit first (`1h30m`, `2d12h`); `min` and `sec` are read as `m` and `s` (`90min`).
 * One parser for all of them. Seconds are allowed so that tests and demos need not wait hours.
 */

const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
type Unit = keyof typeof UNIT_MS;
const UNIT_NAMES: Readonly<Record<string, Unit>> = { s: 's', sec: 's', m: 'm', min: 'm', h: 'h', d: 'd' };
const ORDER: readonly Unit[] = ['d', 'h', 'm', 's'];
const PART = /(\d{1,9})([a-z]+)/gy;
/** Nothing the Listener times (timeouts, intervals, retention) sensibly exceeds a year. */
const MAX_MS = 366 * UNIT_MS.d;

/** The accepted forms, as every refusal states them. */
export const DURATION_FORMS =
  'a whole number and a unit, s (or sec), m (or min), h or d, with no space; units may be combined largest first: e.g. 45s, 90min, 780m, 1h30m, 13h, 2d; at most 366d';

/** Thrown when a duration string is not one of the {@link DURATION_FORMS}. */
export class InvalidDurationError extends Error {
  override readonly name = 'InvalidDurationError';
  constructor(readonly input: string) {
    super(`"${input}" is not a duration: write ${DURATION_FORMS}`);
  }
}

/** Parses a duration (`45s`, `90min`, `1h30m`, `2d`) into milliseconds. Zero and more than 366 days are rejected as mistakes. */
export function parseDuration(input: string): number {
  const text = input.trim();
  let ms = 0;
  let at = 0;
  let last = -1;
  PART.lastIndex = 0;
  for (let match = PART.exec(text); match; match = PART.exec(text)) {
    const unit = UNIT_NAMES[match[2] as string];
    // Each unit once, largest first: `30m1h` and `1h1h` are typing mistakes, not durations.
    if (unit === undefined || ORDER.indexOf(unit) <= last) throw new InvalidDurationError(input);
    last = ORDER.indexOf(unit);
    ms += Number(match[1]) * UNIT_MS[unit];
    at = PART.lastIndex;
  }
  if (at === 0 || at !== text.length || ms === 0 || ms > MAX_MS) throw new InvalidDurationError(input);
  return ms;
}

/** A duration as a flag or config value the parser reads back, whole seconds, largest units first: `55m23s`. */
export function durationText(ms: number): string {
  let rest = Math.max(1, Math.round(ms / 1_000));
  let text = '';
  for (const unit of ORDER) {
    const amount = Math.floor(rest / (UNIT_MS[unit] / 1_000));
    rest -= amount * (UNIT_MS[unit] / 1_000);
    if (amount > 0) text += `${amount}${unit}`;
  }
  return text;
}

/** Formats milliseconds compactly for people, largest units first: `13h`, `1d 2h 5m`, `45s`. */
export function formatDuration(ms: number): string {
  if (ms < 1_000) return `${Math.max(0, Math.round(ms))}ms`;
  const parts: string[] = [];
  let rest = Math.floor(ms / 1_000);
  for (const [unit, seconds] of [
    ['d', 86_400],
    ['h', 3_600],
    ['m', 60],
    ['s', 1],
  ] as const) {
    const amount = Math.floor(rest / seconds);
    rest -= amount * seconds;
    if (amount > 0) parts.push(`${amount}${unit}`);
  }
  return parts.slice(0, 3).join(' ');
}

/** Minutes, rounded down, as the alarm text and the reference note speak of timeouts. */
export function toMinutes(ms: number): number {
  return Math.floor(ms / 60_000);
}
