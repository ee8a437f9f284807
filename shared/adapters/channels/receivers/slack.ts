/**
 * A Slack incoming webhook: one Block Kit message per notice. Text from Loggers (an event's message) is
 * escaped as Slack's mrkdwn requires (`&`, `<`, `>`), so it can neither mention `@channel` nor forge a link.
 */
import { headline, type LoggerNotification, subject } from '../../../domain/notices/notification.js';
import type { OpsIncidentNotification } from '../../../domain/notices/outage.js';
import { printable } from '../../../printable.js';
import { chatFacts, clip, type HttpRequest, jsonRequest } from '../http-request.js';

/** Slack's limits: a header's text 150 characters, a section's 3,000. */
const HEADER_MAX = 150;
const SECTION_MAX = 3000;

export function slackRequest(
  channel: { readonly url: string },
  n: LoggerNotification | OpsIncidentNotification,
): HttpRequest {
  const text = headline(n);
  const facts = chatFacts(n).map(([title, value]) => `*${title}* ${value}`);
  return jsonRequest(channel.url, {
    text: escapeMrkdwn(clip(printable(text), SECTION_MAX)),
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: clip(printable(subject(n)), HEADER_MAX) } },
      { type: 'section', text: { type: 'mrkdwn', text: escapeMrkdwn(clip(printable(text), SECTION_MAX)) } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: escapeMrkdwn(facts.join('  ·  ')) }] },
    ],
  });
}

/** Slack's mrkdwn escaping: the only three characters it asks for. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
