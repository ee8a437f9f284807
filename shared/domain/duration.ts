/**
 * Durations as people write them on the command line and in stage config: `45s`, `780m`, `13h`, `2d`.
 * Seconds are allowed so that tests and demos need not wait hours.
 */

const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const DURATION = /^(\d{1,9})([smhd])$/;
/** Nothing the Listener times (timeouts, intervals, retention) sensibly exceeds a year. */
const MAX_MS = 366 * UNIT_MS.d;

/** Thrown when a duration string is not of the form `<whole number><s|m|h|d>`. */
export class InvalidDurationError extends Error {
  override readonly name = 'InvalidDurationError';
  constructor(readonly input: string) {
    super(
      `"${input}" is not a duration: write a whole number followed by s, m, h or d (e.g. 45s, 780m, 13h, 2d), at most 366d`,
    );
  }
}

/** Parses `45s` / `780m` / `13h` / `2d` into milliseconds. Zero and more than 366 days are rejected as mistakes. */
export function parseDuration(input: string): number {
  const match = DURATION.exec(input.trim());
  if (!match) throw new InvalidDurationError(input);
  const amount = Number(match[1]);
  const ms = amount * UNIT_MS[match[2] as keyof typeof UNIT_MS];
  if (amount === 0 || ms > MAX_MS) throw new InvalidDurationError(input);
  return ms;
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
