/**
 * Opsgenie (Jira Service Management) Alert API: an outage is one alert with `alias` = the outage's id
 * (shared/domain/notices/outage.ts): a retried create is deduplicated by Opsgenie, the all-clear closes it by alias.
 */
import { formatLoggerId } from '../../../domain/logger.js';
import { headline, isAboutListener } from '../../../domain/notices/notification.js';
import { type IncidentNotification, incidentOf } from '../../../domain/notices/outage.js';
import { clip, type HttpRequest, jsonRequest, opsFacts, outageFacts } from '../http-request.js';

export const OPSGENIE_URLS = { us: 'https://api.opsgenie.com', eu: 'https://api.eu.opsgenie.com' } as const;
/** Opsgenie's documented limits: message 130 characters, description 15,000. */
const MESSAGE_MAX = 130;
const DESCRIPTION_MAX = 15_000;
const PRIORITY = { critical: 'P1', error: 'P2', warning: 'P3', info: 'P5' } as const;

export interface OpsgenieChannel {
  readonly apiKey: string;
  readonly region?: 'us' | 'eu' | undefined;
  readonly url?: string | undefined;
}

function base(channel: OpsgenieChannel): string {
  return `${(channel.url ?? OPSGENIE_URLS[channel.region ?? 'us']).replace(/\/$/, '')}/v2/alerts`;
}

function auth(channel: OpsgenieChannel): Record<string, string> {
  return { authorization: `GenieKey ${channel.apiKey}` };
}

/** Create (alarm, reminder, blind customer) or close (all-clear) the outage's alert. */
export function opsgenieRequest(channel: OpsgenieChannel, n: IncidentNotification): HttpRequest {
  const { id: alias, action } = incidentOf(n);
  if (action === 'resolve') {
    return jsonRequest(
      `${base(channel)}/${encodeURIComponent(alias)}/close?identifierType=alias`,
      { source: n.listener, note: headline(n) },
      auth(channel),
    );
  }
  return jsonRequest(
    base(channel),
    {
      message: clip(headline(n), MESSAGE_MAX),
      alias,
      description: clip(headline(n), DESCRIPTION_MAX),
      priority: PRIORITY[n.severity],
      source: `Phone Home Listener ${n.listener}`,
      ...(isAboutListener(n)
        ? { entity: `Listener ${n.listener}`, tags: ['phone-home', n.kind, 'ops'], details: opsFacts(n) }
        : {
            entity: formatLoggerId(n.logger),
            tags: ['phone-home', n.kind, `customer:${n.logger.customer}`],
            details: outageFacts(n),
          }),
    },
    auth(channel),
  );
}

/** An acknowledgement in the Listener, for the outage `outage`. */
export function opsgenieAcknowledge(channel: OpsgenieChannel, outage: string, by: string): HttpRequest {
  return jsonRequest(
    `${base(channel)}/${encodeURIComponent(outage)}/acknowledge?identifierType=alias`,
    { user: by, source: 'Phone Home Listener' },
    auth(channel),
  );
}
