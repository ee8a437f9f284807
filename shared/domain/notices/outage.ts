/**
 * An outage as paging tools see it: one incident, opened by a Logger's `LOGGER_SILENT` alarm and resolved by
 * its `LOGGER_RECOVERED` all-clear. Its id is the alarm notice's own id (`geocust1/A#LOGGER_SILENT#<deadline>`),
 * the same from every retry, every sweeper and both Listeners of a pair (they share the table and so the
 * notice), which is what PagerDuty's `dedup_key`, Opsgenie's `alias` and Alertmanager's labels need. Pure.
 */
import { formatLoggerId } from '../logger.js';
import type { MassSilenceNotification, StateNotification, TwinNotification } from './notification.js';

/** What a notice does to its outage's incident in a paging tool. */
export type IncidentAction = 'trigger' | 'resolve';

/**
 * The outage a Logger's notice belongs to. A reminder and a blind-customer page belong to the Logger's own
 * outage (the same incident, re-triggered: the tools merge them), so the Logger's all-clear resolves them too.
 */
export function outageId(n: StateNotification): string {
  const { notice } = n;
  if (notice.outage) return notice.outage;
  if (notice.kind === 'LOGGER_SILENT') return notice.id.replace(/#R\d+$/, '');
  if (notice.kind === 'CUSTOMER_BLIND') return notice.id.replace('#CUSTOMER_BLIND#', '#LOGGER_SILENT#');
  // An all-clear recorded before notices named their outage: its alarm was named after the deadline the
  // Logger had while silent, its last phone-home (or registration) plus its timeout.
  const silentSince = notice.lastSeenAt ?? notice.at - (notice.silentForMs ?? 0);
  return `${formatLoggerId(n.logger)}#LOGGER_SILENT#${silentSince + n.logger.eventTimeoutMs}`;
}

/** `trigger` for an alarm, a reminder or a blind customer; `resolve` for the all-clear. */
export function incidentAction(n: StateNotification): IncidentAction {
  return n.kind === 'LOGGER_RECOVERED' ? 'resolve' : 'trigger';
}

/** Ops notices that open and close an incident: a mass silence, a silent twin Listener (and their clears). */
export type OpsIncidentNotification = MassSilenceNotification | TwinNotification;
/** Every notification a paging tool keeps as an incident. */
export type IncidentNotification = StateNotification | OpsIncidentNotification;

/**
 * The incident an ops notice belongs to: the raising notice's own id (`MASS_SILENCE#<since>`,
 * `LISTENER_SILENT#<watcher>#<twin>#<raised>`), which its clearing notice names after the same instant. A
 * mass silence is one record of the table both Listeners of a pair share, so both name it alike.
 */
export function opsOutageId(n: OpsIncidentNotification): string {
  if (n.kind === 'MASS_SILENCE_CLEARED') return n.id.replace(/^MASS_SILENCE_CLEARED#/, 'MASS_SILENCE#');
  if (n.kind === 'LISTENER_RECOVERED') return n.id.replace(/^LISTENER_RECOVERED#/, 'LISTENER_SILENT#');
  return n.id;
}

/** An incident's key and what the notification does to it, for a Logger's notice or an ops notice. */
export function incidentOf(n: IncidentNotification): {
  readonly id: string;
  readonly action: IncidentAction;
} {
  switch (n.kind) {
    case 'MASS_SILENCE':
    case 'LISTENER_SILENT':
      return { id: n.id, action: 'trigger' };
    case 'MASS_SILENCE_CLEARED':
    case 'LISTENER_RECOVERED':
      return { id: opsOutageId(n), action: 'resolve' };
    default:
      return { id: outageId(n), action: incidentAction(n) };
  }
}
