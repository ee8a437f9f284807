/** Which payload builder a configured channel uses, and the notifications it routes there. */
import { isAboutListener, type Notification } from '../../domain/notification.js';
import { alertmanagerRequest } from './alertmanager.js';
import { type ChannelConfig, routes } from './channel-config.js';
import type { HttpRequest } from './http-request.js';
import { opsgenieRequest } from './opsgenie.js';
import { pagerDutyRequest } from './pagerduty.js';
import { slackRequest } from './slack.js';
import { teamsRequest } from './teams.js';
import { webhookRequest } from './webhook.js';

/** The request that tells `config`'s receiver about `n`; undefined when the channel does not take it. */
export function requestFor(config: ChannelConfig, n: Notification, now: number): HttpRequest | undefined {
  if (isAboutListener(n) || !routes(config, n)) return undefined;
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
