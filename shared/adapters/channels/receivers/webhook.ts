/**
 * A signed JSON webhook per the Standard Webhooks specification (standardwebhooks.com): `webhook-id` = the
 * notification id (a receiver drops a repeat by it), `webhook-timestamp` in seconds, and `webhook-signature`
 * `v1,<base64 HMAC-SHA256 of "id.timestamp.body">` keyed by the base64 secret after `whsec_`.
 */
import { createHmac } from 'node:crypto';
import { eventDetail, type LoggerNotification } from '../../../domain/notices/notification.js';
import { incidentOf, type OpsIncidentNotification } from '../../../domain/notices/outage.js';
import { type HttpRequest, iso } from '../http-request.js';

export interface WebhookChannel {
  readonly url: string;
  readonly secret: string;
}

export function webhookRequest(
  channel: WebhookChannel,
  n: LoggerNotification | OpsIncidentNotification,
  now: number,
): HttpRequest {
  const timestamp = Math.floor(now / 1000);
  const data = n.kind === 'LOGGER_EVENT' ? eventDetail(n) : { ...eventDetail(n), outage: incidentOf(n).id };
  const body = JSON.stringify({ type: n.kind, timestamp: iso(now), data });
  return {
    url: channel.url,
    headers: {
      'content-type': 'application/json',
      'webhook-id': n.id,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': sign(channel.secret, n.id, timestamp, body),
    },
    body,
  };
}

/** `v1,<signature>` over `id.timestamp.body`. */
export function sign(secret: string, id: string, timestamp: number, body: string): string {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const mac = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64');
  return `v1,${mac}`;
}
