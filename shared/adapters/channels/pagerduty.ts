/**
 * PagerDuty Events API v2 (`POST /v2/enqueue`): an outage is one alert, keyed by `dedup_key` = the outage's
 * id (shared/domain/outage.ts), so a retried trigger is merged into the open alert and the all-clear's
 * `resolve` closes exactly that alert.
 */
import { formatLoggerId } from '../../domain/logger.js';
import { headline, type StateNotification } from '../../domain/notification.js';
import { incidentAction, outageId } from '../../domain/outage.js';
import { clip, type HttpRequest, iso, jsonRequest, outageFacts } from './http-request.js';

export const PAGERDUTY_URL = 'https://events.pagerduty.com/v2/enqueue';
/** PagerDuty truncates longer summaries; cut here so the cut is ours. */
const SUMMARY_MAX = 1024;

export interface PagerDutyChannel {
  readonly routingKey: string;
  readonly url?: string | undefined;
}

export function pagerDutyRequest(channel: PagerDutyChannel, n: StateNotification): HttpRequest {
  const action = incidentAction(n);
  const event = { routing_key: channel.routingKey, event_action: action, dedup_key: outageId(n) };
  if (action === 'resolve') return jsonRequest(channel.url ?? PAGERDUTY_URL, event);
  return jsonRequest(channel.url ?? PAGERDUTY_URL, {
    ...event,
    client: `Phone Home Listener ${n.listener}`,
    payload: {
      summary: clip(headline(n), SUMMARY_MAX),
      source: formatLoggerId(n.logger),
      severity: n.severity,
      timestamp: iso(n.notice.at),
      component: 'logger',
      group: n.logger.customer,
      class: n.kind,
      custom_details: outageFacts(n),
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
