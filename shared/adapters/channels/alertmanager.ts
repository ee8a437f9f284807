/**
 * Alertmanager's `POST /api/v2/alerts`: an outage is one alert whose labels never change (`alertname`,
 * `customer`, `side`, `listener`, `kind`), so Alertmanager merges every retry, reminder and blind-customer
 * page into it; the all-clear posts it again with `endsAt`, which resolves it.
 *
 * A firing alert carries an `endsAt` {@link FIRING_HOLD_MS} ahead: Alertmanager would otherwise resolve it by
 * itself after its `resolve_timeout` (5 minutes by default) although the Logger is still silent. Reminders
 * (`--renotify-every`) post it again and push that forward; re-sending while the alarm stands without
 * reminders is not done yet (docs/channels.md).
 */
import { headline, isAboutListener, isTwinWatch } from '../../domain/notification.js';
import {
  type IncidentNotification,
  incidentAction,
  incidentOf,
  type OpsIncidentNotification,
  outageId,
} from '../../domain/outage.js';
import { type HttpRequest, iso, jsonRequest } from './http-request.js';

export const FIRING_HOLD_MS = 7 * 24 * 3_600_000;

export interface AlertmanagerChannel {
  readonly url: string;
  /**
   * The `listener` label. Both Listeners of a pair must post the same one (either may deliver an outage's
   * page or its all-clear): give both the pair's name. Default: the delivering Listener's name.
   */
  readonly listenerLabel?: string | undefined;
}

export function alertmanagerRequest(channel: AlertmanagerChannel, n: IncidentNotification): HttpRequest {
  if (isAboutListener(n)) return alertsRequest(channel, opsAlert(channel, n));
  const outage = outageId(n);
  // The outage began at the deadline its alarm is named after (`…#LOGGER_SILENT#<deadline>`).
  const startsAt = Number(outage.split('#')[2]) || n.notice.at;
  const endsAt = incidentAction(n) === 'resolve' ? n.notice.at : n.notice.at + FIRING_HOLD_MS;
  const alert = {
    labels: {
      alertname: 'LoggerSilent',
      customer: n.logger.customer,
      side: n.logger.side,
      listener: channel.listenerLabel ?? n.listener,
      kind: 'LOGGER_SILENT',
    },
    annotations: {
      summary: headline(n),
      outage,
      severity: n.severity,
      ...(n.kind === 'CUSTOMER_BLIND' ? { blind: 'true' } : {}),
    },
    startsAt: iso(startsAt),
    endsAt: iso(endsAt),
  };
  return alertsRequest(channel, alert);
}

function alertsRequest(channel: AlertmanagerChannel, alert: unknown): HttpRequest {
  return jsonRequest(`${channel.url.replace(/\/$/, '')}/api/v2/alerts`, [alert]);
}

/**
 * A mass silence (`alertname=MassSilence`) or a silent twin (`alertname=ListenerSilent`, `twin=<it>`): labels
 * fixed for the incident, `startsAt` the instant its id names, `endsAt` set by the clearing notice.
 */
function opsAlert(channel: AlertmanagerChannel, n: OpsIncidentNotification) {
  const { id, action } = incidentOf(n);
  const startsAt = Number(id.split('#').at(-1)) || n.notice.at;
  const endsAt = action === 'resolve' ? n.notice.at : n.notice.at + FIRING_HOLD_MS;
  const twin = isTwinWatch(n) ? { twin: n.notice.twin } : {};
  return {
    labels: {
      alertname: isTwinWatch(n) ? 'ListenerSilent' : 'MassSilence',
      listener: channel.listenerLabel ?? n.listener,
      kind: isTwinWatch(n) ? 'LISTENER_SILENT' : 'MASS_SILENCE',
      ...twin,
    },
    annotations: { summary: headline(n), outage: id, severity: n.severity },
    startsAt: iso(startsAt),
    endsAt: iso(endsAt),
  };
}
