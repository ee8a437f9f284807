/**
 * PagerDuty Events API v2 (`POST /v2/enqueue`): an outage (a Logger's, a mass silence, a silent twin
 * Listener) is one alert, keyed by `dedup_key` = the outage's id (shared/domain/notices/outage.ts), so a retried trigger is merged into the open alert and the all-clear's
 * `resolve` closes exactly that alert.
 */
import { formatLoggerId } from '../../../domain/logger.js';
import { headline, isAboutListener } from '../../../domain/notices/notification.js';
import { type IncidentNotification, incidentOf } from '../../../domain/notices/outage.js';
import { clip, type HttpRequest, iso, jsonRequest, opsFacts, outageFacts } from '../http-request.js';

export const PAGERDUTY_URL = 'https://events.pagerduty.com/v2/enqueue';
/** PagerDuty truncates longer summaries; cut here so the cut is ours. */
const SUMMARY_MAX = 1024;

export interface PagerDutyChannel {
  readonly routingKey: string;
  readonly url?: string | undefined;
}

export function pagerDutyRequest(channel: PagerDutyChannel, n: IncidentNotification): HttpRequest {
  const { id, action } = incidentOf(n);
  const event = { routing_key: channel.routingKey, event_action: action, dedup_key: id };
  if (action === 'resolve') return jsonRequest(channel.url ?? PAGERDUTY_URL, event);
  const about = isAboutListener(n)
    ? { source: `Listener ${n.listener}`, component: 'listener', group: 'ops', custom_details: opsFacts(n) }
    : {
        source: formatLoggerId(n.logger),
        component: 'logger',
        group: n.logger.customer,
        custom_details: outageFacts(n),
      };
  return jsonRequest(channel.url ?? PAGERDUTY_URL, {
    ...event,
    client: `Phone Home Listener ${n.listener}`,
    payload: {
      summary: clip(headline(n), SUMMARY_MAX),
      severity: n.severity,
      timestamp: iso(n.notice.at),
      class: n.kind,
      ...about,
    },
  });
}

/** An acknowledgement in the Listener (`listener alarm ack`), for the outage `outage`. */
export function pagerDutyAcknowledge(channel: PagerDutyChannel, outage: string): HttpRequest {
  return jsonRequest(channel.url ?? PAGERDUTY_URL, {
    routing_key: channel.routingKey,
    event_action: 'acknowledge',
    dedup_key: outage,
  });
}
