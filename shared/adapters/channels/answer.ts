/**
 * What a receiver's HTTP answer means for a notice (pure): 2xx delivered; 408, 429 and 5xx retried later
 * (429 and 503 after their `Retry-After`); any other answer (a revoked key, a deleted webhook, a payload
 * refused) is a permanent failure: reported once, never retried (it would fail the same way forever) and
 * never holding back the notices after it.
 */
export type Answer = 'delivered' | 'retry' | 'rejected';

export function classify(status: number): Answer {
  if (status >= 200 && status < 300) return 'delivered';
  if (status === 408 || status === 429 || status >= 500) return 'retry';
  return 'rejected';
}

/** The longest wait a `Retry-After` may impose (a receiver asking for a day still gets a retry within the hour). */
export const RETRY_AFTER_MAX_MS = 3_600_000;

/** A `Retry-After` value (seconds, or an HTTP date) as milliseconds from `now`; undefined if absent or unreadable. */
export function retryAfterMs(value: string | null, now: number): number | undefined {
  if (!value) return undefined;
  const seconds = /^\d+$/.test(value.trim()) ? Number(value.trim()) * 1000 : Date.parse(value) - now;
  if (!Number.isFinite(seconds)) return undefined;
  return Math.min(Math.max(0, seconds), RETRY_AFTER_MAX_MS);
}
