/**
 * A notification channel that POSTs to a receiver over HTTP (PagerDuty, Opsgenie, Slack, Teams, a signed
 * webhook, Alertmanager), one notice at a time in the order given (shared/listener/notices/delivery.ts keeps outbox
 * order per channel), each request bounded by a timeout.
 *
 * - 2xx: delivered.
 * - 408, 429, 5xx, no answer in time, no connection: thrown, so the notice stays pending on this channel
 *   alone and the next sweep retries it (the claim's expiry is the backoff). A 429 or 503 with `Retry-After`
 *   makes the channel send nothing before then (throwing at once, without a request).
 * - A publication's `deadline` (the end of its claims, or a heartbeat's budget) bounds every wait: a request
 *   waits at most until then, and none starts with less than {@link MIN_WAIT_MS} left (the notice stays
 *   pending, as after a timeout). So no request is still in flight when another writer may hold its notice.
 * - Any other answer is permanent (a revoked key, a deleted webhook): reported loudly once through
 *   `onRejected` (the log and a counter, and in local mode a line in `channel-rejections.jsonl`), and the
 *   notice counts as done for this channel — recorded in its `sent` like a delivery — so it is not retried
 *   forever and the notices after it (its all-clear) still go out.
 */
import type { Notification } from '../../domain/notices/notification.js';
import { type NotificationChannel, PartialDelivery, type PublishOptions } from '../../ports/channels.js';
import { printable } from '../../printable.js';
import { classify, retryAfterMs } from './answer.js';
import type { HttpRequest } from './http-request.js';

export const DEFAULT_TIMEOUT_MS = 5_000;
/** Below this, a request is not worth starting before the deadline: it would only time out (ambiguously). */
export const MIN_WAIT_MS = 250;
const EXCERPT_MAX = 200;

/** A receiver's answer: its status and the start of its body (printable). */
export interface ReceiverAnswer {
  readonly status: number;
  readonly excerpt: string;
}

/** A notice a receiver refused for good. */
export interface Rejection extends ReceiverAnswer {
  readonly channel: string;
  readonly notification: string;
}

export interface HttpChannelOptions {
  readonly timeoutMs?: number;
  readonly now?: () => number;
  readonly fetch?: typeof fetch;
  readonly onRejected?: (rejection: Rejection) => void;
  /** A signal that aborts after `ms` (tests read the waits; default `AbortSignal.timeout`). */
  readonly abortAfter?: (ms: number) => AbortSignal;
}

/** Thrown when the receiver must be asked again later; its message never carries the URL (often a secret). */
export class RetryLater extends Error {
  override readonly name = 'RetryLater';
}

export class HttpChannel implements NotificationChannel {
  private notBefore = 0;
  private readonly timeoutMs: number;
  private readonly now: () => number;
  private readonly fetch: typeof fetch;

  constructor(
    readonly name: string,
    /** The request for a notification; undefined when this channel does not take it (nothing to send). */
    private readonly build: (n: Notification, now: number) => HttpRequest | undefined,
    private readonly options: HttpChannelOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.now = options.now ?? Date.now;
    this.fetch = options.fetch ?? fetch;
  }

  async publish(notifications: readonly Notification[], options: PublishOptions = {}): Promise<void> {
    const done: string[] = [];
    for (const n of notifications) {
      try {
        await this.deliver(n, options.deadline);
      } catch (error) {
        if (done.length === 0) throw error;
        throw new PartialDelivery(done, (error as Error).message, { cause: error });
      }
      done.push(n.id);
    }
  }

  /** Sends one request and returns the receiver's answer whatever it is (`listener channel test`). */
  async send(request: HttpRequest, waitMs = this.timeoutMs): Promise<ReceiverAnswer> {
    let response: Response;
    try {
      response = await this.fetch(request.url, {
        method: 'POST',
        headers: request.headers,
        body: request.body,
        redirect: 'manual',
        signal: (this.options.abortAfter ?? AbortSignal.timeout)(waitMs),
      });
    } catch (error) {
      const timedOut = error instanceof Error && error.name === 'TimeoutError';
      throw new RetryLater(
        timedOut
          ? `channel ${this.name}: no answer within ${waitMs} ms`
          : `channel ${this.name}: could not connect (${causeCode(error)})`,
      );
    }
    const text = await response.text().catch(() => '');
    this.backOff(response);
    return { status: response.status, excerpt: printable(text.slice(0, EXCERPT_MAX)) };
  }

  private async deliver(n: Notification, deadline: number | undefined): Promise<void> {
    const now = this.now();
    const request = this.build(n, now);
    if (!request) return;
    if (now < this.notBefore) {
      throw new RetryLater(
        `channel ${this.name}: the receiver asked to wait until ${new Date(this.notBefore).toISOString()}`,
      );
    }
    const waitMs = deadline === undefined ? this.timeoutMs : Math.min(this.timeoutMs, deadline - now);
    if (waitMs < MIN_WAIT_MS) {
      throw new RetryLater(
        `channel ${this.name}: no time left to wait for an answer; the next sweep sends it`,
      );
    }
    const answer = await this.send(request, waitMs);
    const meaning = classify(answer.status);
    if (meaning === 'delivered') return;
    if (meaning === 'retry')
      throw new RetryLater(`channel ${this.name}: the receiver answered ${answer.status}`);
    this.options.onRejected?.({ channel: this.name, notification: n.id, ...answer });
  }

  private backOff(response: Response): void {
    if (response.status !== 429 && response.status !== 503) return;
    const wait = retryAfterMs(response.headers.get('retry-after'), this.now());
    if (wait !== undefined) this.notBefore = this.now() + wait;
  }
}

/** `ECONNREFUSED`, `ENOTFOUND`…: what fetch's error says without naming the host or URL. */
function causeCode(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown } } | undefined)?.cause;
  return typeof cause?.code === 'string' ? cause.code : 'network error';
}
