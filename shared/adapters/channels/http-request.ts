/**
 * An HTTP request a channel sends, as its payload builder (pagerduty.ts, slack.ts, …) made it: pure data,
 * so each vendor's wire format is tested without a network.
 */
import { formatDuration } from '../../domain/duration.js';
import { formatLoggerId } from '../../domain/logger.js';
import {
  eventDetail,
  isAboutListener,
  isTwinWatch,
  type LoggerNotification,
  type StateNotification,
} from '../../domain/notices/notification.js';
import type { OpsIncidentNotification } from '../../domain/notices/outage.js';

export interface HttpRequest {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  /** JSON text. */
  readonly body: string;
}

export function jsonRequest(url: string, body: unknown, headers: Record<string, string> = {}): HttpRequest {
  return { url, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) };
}

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** The facts every outage tool shows next to the summary (PagerDuty's custom_details, Opsgenie's details). */
export function outageFacts(n: StateNotification): Record<string, string> {
  const { notice } = n;
  return {
    logger: formatLoggerId(n.logger),
    customer: n.logger.customer,
    side: n.logger.side,
    listener: n.listener,
    kind: n.kind,
    deadline: iso(notice.deadline),
    lastSeenAt: notice.lastSeenAt === undefined ? 'never' : iso(notice.lastSeenAt),
    ...(notice.silentForMs === undefined ? {} : { silentFor: formatDuration(notice.silentForMs) }),
    ...(n.kind === 'LOGGER_RECOVERED'
      ? {}
      : { silentFor: formatDuration(notice.at - notice.deadline + n.logger.eventTimeoutMs) }),
    notification: n.id,
  };
}

/** The facts of an ops notice (mass silence, twin Listener), as text: its EventBridge detail. */
export function opsFacts(n: OpsIncidentNotification): Record<string, string> {
  const facts = Object.entries(eventDetail(n)).filter(([key, value]) => key !== 'message' && value != null);
  return Object.fromEntries(
    facts.map(([key, value]) => [key, Array.isArray(value) ? value.join(', ') : String(value)]),
  );
}

/** What a chat message (Slack, Teams) shows under the headline: who, where, how bad, how long silent. */
export function chatFacts(n: LoggerNotification | OpsIncidentNotification): [string, string][] {
  if (isAboutListener(n)) {
    const facts: [string, string][] = [
      ['Listener', n.listener],
      ['Severity', n.severity],
    ];
    if (isTwinWatch(n)) facts.push(['Twin', n.notice.twin]);
    return facts;
  }
  const facts: [string, string][] = [
    ['Logger', formatLoggerId(n.logger)],
    ['Listener', n.listener],
    ['Severity', n.severity],
  ];
  if (n.kind === 'LOGGER_RECOVERED') facts.push(['Silent for', formatDuration(n.notice.silentForMs ?? 0)]);
  return facts;
}

/** At most `max` characters, an ellipsis marking the cut. */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
