/**
 * The bridge's Listeners: one, or a pair's primary and backup. Batches go to the active one
 * (relay/failover.ts decides which); when the primary is counted down, the batch that tipped it over is
 * sent to the backup at once, so nothing waits a backoff for a Listener that is gone. While on the backup,
 * a loop probes the primary and fails back when it answers.
 *
 * A record stays spooled until a Listener ACKs it, and both Listeners of a pair share the table where
 * relayed record ids are kept, so a batch that reached the primary before it fell silent is answered
 * `duplicate` by the backup: nothing is lost, nothing is applied twice.
 */
import type { RelayRecord } from '../../shared/relay/protocol.js';
import type { Log } from '../log.js';
import { Timers } from '../timers.js';
import type { RelayOutcome, RelaySender } from './client.js';
import type { FailoverPolicy, FailoverSnapshot, ListenerRole } from './failover.js';

export interface ListenerEndpoint {
  readonly apiUrl: string;
  readonly send: RelaySender;
}

export interface ListenerEndpoints {
  readonly primary: ListenerEndpoint;
  readonly backup?: ListenerEndpoint;
}

/** What `listener bridge status` shows about the Listeners. */
export interface ListenersInfo extends FailoverSnapshot {
  readonly activeUrl: string;
  readonly primaryUrl: string;
  readonly backupUrl?: string;
}

export interface RelayListenersOptions {
  readonly endpoints: ListenerEndpoints;
  readonly policy: FailoverPolicy;
  /** Asks a Listener whether it answers: `undefined` if it does, else why not (relay/client.ts probeListener). */
  readonly probe: (apiUrl: string) => Promise<string | undefined>;
  readonly log: Log;
  /** A switch of Listener (for a status update). */
  readonly onSwitch?: () => void;
}

export class RelayListeners {
  private readonly timers = new Timers();
  private probing: Promise<void> | undefined;

  constructor(private readonly o: RelayListenersOptions) {}

  /** Sends one batch to the active Listener (the drain's sender). */
  readonly send: RelaySender = (records) => this.attempt(this.o.policy.active, records);

  /** The active Listener's base URL (the self-heartbeat follows it). */
  activeUrl(): string {
    return this.endpoint(this.o.policy.active).apiUrl;
  }

  get info(): ListenersInfo {
    const { primary, backup } = this.o.endpoints;
    return {
      ...this.o.policy.snapshot(),
      activeUrl: this.activeUrl(),
      primaryUrl: primary.apiUrl,
      ...(backup ? { backupUrl: backup.apiUrl } : {}),
    };
  }

  /** Probes the primary while on the backup: checks often, asks it every probe period. */
  start(): void {
    if (!this.o.endpoints.backup) return;
    const tick = Math.max(1_000, Math.min(this.o.policy.settings.probeEveryMs / 4, 15_000));
    const loop = (): void => {
      this.timers.later(tick, () => void this.probeIfDue().finally(loop));
    };
    loop();
  }

  async stop(): Promise<void> {
    this.timers.stop();
    await this.probing;
  }

  /** While on the backup and a probe is due: asks the primary, and fails back if it answers. */
  probeIfDue(): Promise<void> {
    if (this.probing || !this.o.policy.probeDue()) return this.probing ?? Promise.resolve();
    this.probing = (async () => {
      try {
        const { primary } = this.o.endpoints;
        if (this.o.policy.probed(await this.o.probe(primary.apiUrl)) === 'failed-back') {
          this.o.log('info', 'relay', `primary Listener ${primary.apiUrl} answers again: relaying to it`);
          this.o.onSwitch?.();
        }
      } finally {
        this.probing = undefined;
      }
    })();
    return this.probing;
  }

  private endpoint(role: ListenerRole): ListenerEndpoint {
    return role === 'backup' && this.o.endpoints.backup ? this.o.endpoints.backup : this.o.endpoints.primary;
  }

  private async attempt(role: ListenerRole, records: readonly RelayRecord[]): Promise<RelayOutcome> {
    const { policy, log } = this.o;
    const outcome = await this.endpoint(role).send(records);
    const change = outcome.kind === 'retry' ? policy.failed(role, outcome.down) : policy.answered(role);
    if (change === 'failed-back') this.o.onSwitch?.();
    if (change !== 'failed-over' || outcome.kind !== 'retry') return outcome;
    log(
      'warn',
      'relay',
      `primary Listener ${this.o.endpoints.primary.apiUrl} is down (${policy.snapshot().primaryFailures} failed attempts in a row, the last: ${outcome.reason}): relaying to the backup ${this.endpoint('backup').apiUrl}; asking the primary again every ${Math.round(policy.snapshot().probeWaitMs / 1000)}s`,
    );
    this.o.onSwitch?.();
    return this.attempt('backup', records);
  }
}
