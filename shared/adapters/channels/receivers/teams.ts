/**
 * Microsoft Teams through a Workflows webhook ("Post to a channel when a webhook request is received"): a
 * message whose one attachment is an Adaptive Card with the headline and the facts.
 */
import { headline, type LoggerNotification, subject } from '../../../domain/notices/notification.js';
import type { OpsIncidentNotification } from '../../../domain/notices/outage.js';
import { printable } from '../../../printable.js';
import { chatFacts, type HttpRequest, jsonRequest } from '../http-request.js';

const COLOR = { critical: 'Attention', error: 'Attention', warning: 'Warning', info: 'Good' } as const;

export function teamsRequest(
  channel: { readonly url: string },
  n: LoggerNotification | OpsIncidentNotification,
): HttpRequest {
  const facts = chatFacts(n).map(([title, value]) => ({ title, value }));
  return jsonRequest(channel.url, {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          body: [
            {
              type: 'TextBlock',
              text: printable(subject(n)),
              weight: 'Bolder',
              size: 'Medium',
              color: COLOR[n.severity],
              wrap: true,
            },
            { type: 'TextBlock', text: printable(headline(n)), wrap: true },
            { type: 'FactSet', facts },
          ],
        },
      },
    ],
  });
}
