/**
 * The bridge phones home itself, as the Logger `bridge-<site>/A`: `POST <apiUrl>/v1/heartbeat` with its own
 * token, so a dead bridge raises the same alarm as any silent Logger. Self heartbeats are not spooled: a
 * late one would claim the bridge was alive when it was not.
 */
import type { Log } from '../log.js';
import { relayUrl } from '../relay/client.js';
import { Timers } from '../timers.js';

export interface SelfHeartbeatOptions {
  readonly apiUrl: string;
  readonly token: string;
  readonly intervalMinutes: number;
  readonly agent: string;
  readonly timeoutMs: number;
  readonly fetch?: typeof fetch;
}

export type SelfHeartbeatResult = { readonly ok: true } | { readonly ok: false; readonly reason: string };

export async function sendSelfHeartbeat(o: SelfHeartbeatOptions): Promise<SelfHeartbeatResult> {
  try {
    const response = await (o.fetch ?? fetch)(relayUrl(o.apiUrl, '/v1/heartbeat'), {
      method: 'POST',
      headers: { authorization: `Bearer ${o.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ agent: o.agent, intervalMinutes: o.intervalMinutes }),
      signal: AbortSignal.timeout(o.timeoutMs),
    });
    await response.arrayBuffer().catch(() => undefined);
    if (response.ok) return { ok: true };
    return {
      ok: false,
      reason:
        response.status === 401
          ? 'Listener refused the self-heartbeat token (401)'
          : `Listener answered ${response.status}`,
    };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    return { ok: false, reason: `Listener unreachable: ${cause ?? (error as Error).name}` };
  }
}

export interface SelfHeartbeatInfo {
  lastOkAt?: number;
  lastError?: string;
}

export interface SelfHeartbeatLoopOptions extends SelfHeartbeatOptions {
  /** The Listener to phone now (a pair's bridge follows its relay's active Listener); default `apiUrl`. */
  readonly activeUrl?: () => string;
  readonly everyMs: number;
  readonly site: string;
  readonly log: Log;
  readonly now: () => number;
}

/** The self-heartbeat's loop: one now, then one `everyMs` after each answer; a failure is logged, not retried sooner. */
export class SelfHeartbeat {
  readonly info: SelfHeartbeatInfo = {};
  private readonly timers = new Timers();

  constructor(private readonly o: SelfHeartbeatLoopOptions) {}

  start(): void {
    void this.beat();
  }

  async stop(): Promise<void> {
    this.timers.stop();
  }

  private async beat(): Promise<void> {
    const result = await sendSelfHeartbeat({ ...this.o, apiUrl: this.o.activeUrl?.() ?? this.o.apiUrl });
    if (result.ok) {
      this.info.lastOkAt = this.o.now();
      delete this.info.lastError;
    } else {
      this.info.lastError = result.reason;
      this.o.log('warn', 'self-heartbeat', `bridge-${this.o.site}/A heartbeat failed: ${result.reason}`);
    }
    this.timers.later(this.o.everyMs, () => void this.beat());
  }
}
