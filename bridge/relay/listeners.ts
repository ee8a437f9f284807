/**
 * The bridge's Listeners: one, or a pair's primary and backup. Batches go to the active one
 * (relay/failover.ts decides which); when the primary is counted down, the batch that tipped it over is
 * sent to the backup at once, so nothing waits a backoff for a Listener that is gone. A record stays
 * spooled until a Listener ACKs it, and both Listeners of a pair share the table where relayed record ids
 * are kept, so a batch that reached the primary before it fell silent is answered `duplicate` by the
 * backup: nothing is lost, nothing is applied twice.
 */
import type { RelayRecord } from '../../shared/relay/protocol.js';
import type { Log } from '../log.js';
import type { RelayOutcome, RelaySender } from './client.js';
import type { FailoverPolicy, ListenerRole } from './failover.js';

export interface ListenerEndpoints {
  readonly primary: { readonly apiUrl: string; readonly send: RelaySender };
  readonly backup?: { readonly apiUrl: string; readonly send: RelaySender };
}

export interface RelayListeners {
  /** Sends one batch to the active Listener (the drain's sender). */
  readonly send: RelaySender;
  /** The active Listener's base URL (the self-heartbeat follows it). */
  activeUrl(): string;
  /** While on the backup and a probe is due: asks the primary, and fails back if it answers. */
  probeIfDue(): Promise<void>;
}

export function createRelayListeners(
  endpoints: ListenerEndpoints,
  policy: FailoverPolicy,
  probe: (apiUrl: string) => Promise<string | undefined>,
  log: Log,
): RelayListeners {
  const endpoint = (role: ListenerRole) =>
    role === 'backup' && endpoints.backup ? endpoints.backup : endpoints.primary;
  const attempt = async (role: ListenerRole, records: readonly RelayRecord[]): Promise<RelayOutcome> => {
    const outcome = await endpoint(role).send(records);
    const change = outcome.kind === 'retry' ? policy.failed(role, outcome.down) : policy.answered(role);
    if (change === 'failed-over') {
      const why = outcome.kind === 'retry' ? outcome.reason : '';
      log(
        'warn',
        'relay',
        `primary Listener ${endpoints.primary.apiUrl} down (${policy.snapshot().primaryFailures} failed attempts, last: ${why}): relaying to the backup ${endpoint('backup').apiUrl}; probing the primary every ${Math.round(policy.settings.probeEveryMs / 1000)}s`,
      );
      return attempt('backup', records);
    }
    return outcome;
  };
  let probing: Promise<void> | undefined;
  return {
    send: (records) => attempt(policy.active, records),
    activeUrl: () => endpoint(policy.active).apiUrl,
    probeIfDue() {
      if (probing || !policy.probeDue()) return probing ?? Promise.resolve();
      probing = (async () => {
        try {
          const error = await probe(endpoints.primary.apiUrl);
          if (policy.probed(error) === 'failed-back') {
            log(
              'info',
              'relay',
              `primary Listener ${endpoints.primary.apiUrl} answers again: relaying to it`,
            );
          }
        } finally {
          probing = undefined;
        }
      })();
      return probing;
    },
  };
}
