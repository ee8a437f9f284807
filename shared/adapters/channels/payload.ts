/** Which payload builder a configured channel uses, and the notifications it routes there. */
import {
  isChannelHealth,
  type Notification,
  type StateNotification,
} from '../../domain/notices/notification.js';
import { outageId } from '../../domain/notices/outage.js';
import { type ChannelConfig, routes } from './channel-config.js';
import type { HttpRequest } from './http-request.js';
import { alertmanagerRequest } from './receivers/alertmanager.js';
import { opsgenieAcknowledge, opsgenieRequest } from './receivers/opsgenie.js';
import { pagerDutyAcknowledge, pagerDutyRequest } from './receivers/pagerduty.js';
import { slackRequest } from './receivers/slack.js';
import { teamsRequest } from './receivers/teams.js';
import { webhookRequest } from './receivers/webhook.js';

/** The request that tells `config`'s receiver about `n`; undefined when the channel does not take it. */
export function requestFor(config: ChannelConfig, n: Notification, now: number): HttpRequest | undefined {
  if (isChannelHealth(n) || !routes(config, n)) return undefined;
  if (n.kind === 'LOGGER_ACKNOWLEDGED') return acknowledgeRequest(config, n);
  switch (config.type) {
    case 'slack':
      return slackRequest(config, n);
    case 'teams':
      return teamsRequest(config, n);
    case 'webhook':
      return webhookRequest(config, n, now);
  }
  if (n.kind === 'LOGGER_EVENT') return undefined; // refused by the schema for incident tools
  switch (config.type) {
    case 'pagerduty':
      return pagerDutyRequest(config, n);
    case 'opsgenie':
      return opsgenieRequest(config, n);
    case 'alertmanager':
      return alertmanagerRequest(config, n, now);
  }
}

/**
 * An acknowledgement in the Listener, for the incident tools: PagerDuty `acknowledge` and Opsgenie's
 * acknowledge, by the outage id. Chat, webhooks and Alertmanager take nothing (they keep no owner).
 */
function acknowledgeRequest(config: ChannelConfig, n: StateNotification): HttpRequest | undefined {
  if (config.type === 'pagerduty') return pagerDutyAcknowledge(config, outageId(n));
  if (config.type === 'opsgenie')
    return opsgenieAcknowledge(config, outageId(n), n.notice.ackBy ?? n.listener);
  return undefined;
}
