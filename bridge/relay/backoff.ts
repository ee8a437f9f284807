/**
 * Exponential backoff with jitter, pure: the caller injects the random source.
 *
 * Attempt n (1-based) waits between half and all of `min(max, base · 2^(n-1))` ("equal jitter"): never
 * hammering a recovering cloud in lock-step, never retrying immediately.
 */
export interface BackoffPolicy {
  readonly baseMs: number;
  readonly maxMs: number;
}

export function backoffDelay(attempt: number, policy: BackoffPolicy, random: () => number): number {
  const exponent = Math.min(Math.max(attempt, 1) - 1, 30);
  const cap = Math.min(policy.maxMs, policy.baseMs * 2 ** exponent);
  const r = Math.min(Math.max(random(), 0), 1);
  return Math.round(cap / 2 + (cap / 2) * r);
}

/** A `Retry-After` header (seconds or HTTP-date) in milliseconds from `now`; `undefined` if absent or unreadable. */
export function parseRetryAfter(header: string | null | undefined, now: number): number | undefined {
  if (!header) return undefined;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
