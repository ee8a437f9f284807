/**
 * HTTP client of the relay contract (`shared/relay/protocol.ts`): sends one batch and classifies the answer.
 * It never throws for HTTP or network trouble; it never logs (the caller decides), and never exposes the token.
 */
import {
  RELAY_PATH,
  type RelayErrorBody,
  type RelayRecord,
  type RelayResult,
  relayErrorBodySchema,
  relayResponseSchema,
} from '../../shared/relay/protocol.js';
import { parseRetryAfter } from './backoff.js';

export type RelayOutcome =
  /** 200: one result per record, in order. */
  | { readonly kind: 'results'; readonly results: readonly RelayResult[] }
  /** 400/413/415: the whole batch was refused. */
  | { readonly kind: 'malformed'; readonly status: number; readonly error?: RelayErrorBody['error'] }
  /** 401/403: the bridge token is not accepted. */
  | { readonly kind: 'unauthorized'; readonly status: number }
  /**
   * 429/5xx/network/timeout/unexpected answer: try again later. `down`: the Listener did not answer usefully
   * (no answer, a timeout, a 5xx, an unreadable answer) — what makes a pair's bridge fail over; a 429 is
   * an answer from a Listener that is up.
   */
  | {
      readonly kind: 'retry';
      readonly reason: string;
      readonly retryAfterMs?: number;
      readonly down: boolean;
    };

export interface RelayClientOptions {
  readonly apiUrl: string;
  readonly token: string;
  readonly bridge?: string;
  readonly timeoutMs: number;
  readonly fetch?: typeof fetch;
  readonly now?: () => number;
}

export type RelaySender = (records: readonly RelayRecord[]) => Promise<RelayOutcome>;

export function relayUrl(apiUrl: string, path: string): string {
  return `${apiUrl.replace(/\/+$/, '')}${path}`;
}

export function createRelayClient(options: RelayClientOptions): RelaySender {
  const doFetch = options.fetch ?? fetch;
  const now = options.now ?? Date.now;
  const url = relayUrl(options.apiUrl, RELAY_PATH);
  return async (records) => {
    const body = JSON.stringify({ ...(options.bridge ? { bridge: options.bridge } : {}), records });
    let response: Response;
    let text: string;
    try {
      response = await doFetch(url, {
        method: 'POST',
        headers: { authorization: `Bearer ${options.token}`, 'content-type': 'application/json' },
        body,
        signal: AbortSignal.timeout(options.timeoutMs),
      });
      text = await response.text();
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code;
      return { kind: 'retry', reason: `relay unreachable: ${cause ?? (error as Error).name}`, down: true };
    }
    const json = (): unknown => {
      try {
        return JSON.parse(text);
      } catch {
        return undefined;
      }
    };
    const status = response.status;
    if (status === 200) {
      const parsed = relayResponseSchema.safeParse(json());
      if (!parsed.success)
        return { kind: 'retry', reason: 'relay answered 200 with an unreadable body', down: true };
      const results = parsed.data.results;
      const inOrder = results.length === records.length && results.every((r, i) => r.id === records[i]?.id);
      if (!inOrder)
        return { kind: 'retry', reason: 'relay answered results that do not match the batch', down: true };
      return { kind: 'results', results };
    }
    if (status === 400 || status === 413 || status === 415) {
      const parsed = relayErrorBodySchema.safeParse(json());
      return { kind: 'malformed', status, ...(parsed.success ? { error: parsed.data.error } : {}) };
    }
    if (status === 401 || status === 403) return { kind: 'unauthorized', status };
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), now());
    return {
      kind: 'retry',
      reason: `relay answered ${status}`,
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
      // Another 4xx (404, 405 …) means the URL is not a Listener's relay: as good as none there.
      down: status !== 429,
    };
  };
}

/** Asks a Listener whether it answers (`GET /v1/health`, no token): `undefined` if it does, else why not. */
export async function probeListener(options: {
  readonly apiUrl: string;
  readonly timeoutMs: number;
  readonly fetch?: typeof fetch;
}): Promise<string | undefined> {
  try {
    const response = await (options.fetch ?? fetch)(relayUrl(options.apiUrl, HEALTH_PATH), {
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    await response.arrayBuffer();
    return response.status === 200 ? undefined : `health answered ${response.status}`;
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    return `unreachable: ${cause ?? (error as Error).name}`;
  }
}

const HEALTH_PATH = '/v1/health';
