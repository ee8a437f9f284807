/**
 * Each receiver's wire format, checked against the fields its vendor documents as required. The webhook's
 * signature is verified with the Standard Webhooks reference library (`standardwebhooks`), not our signer.
 */
import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { HttpRequest } from '../../../../../shared/adapters/channels/http-request.js';
import { alertmanagerRequest } from '../../../../../shared/adapters/channels/receivers/alertmanager.js';
import {
  opsgenieAcknowledge,
  opsgenieRequest,
} from '../../../../../shared/adapters/channels/receivers/opsgenie.js';
import {
  PAGERDUTY_URL,
  pagerDutyAcknowledge,
  pagerDutyRequest,
} from '../../../../../shared/adapters/channels/receivers/pagerduty.js';
import { slackRequest } from '../../../../../shared/adapters/channels/receivers/slack.js';
import { teamsRequest } from '../../../../../shared/adapters/channels/receivers/teams.js';
import { webhookRequest } from '../../../../../shared/adapters/channels/receivers/webhook.js';
import { eventNotification } from '../../../../../shared/domain/notices/notification.js';
import { anOutage } from '../../../../support/outage.js';
import { LISTENER, T0, upLogger } from '../../../fixtures.js';

const outage = anOutage(upLogger(T0), LISTENER);
// biome-ignore lint/suspicious/noExplicitAny: parsed JSON, read by the assertions
type Json = any;
const body = (r: HttpRequest) => JSON.parse(r.body) as Json;

describe('PagerDuty Events API v2', () => {
  const channel = { routingKey: 'R0UT1NGKEY' };

  it('triggers the page with routing_key, event_action, dedup_key and the required payload fields', () => {
    const request = pagerDutyRequest(channel, outage.page);
    expect(request.url).toBe(PAGERDUTY_URL);
    const event = body(request);
    expect(event).toMatchObject({
      routing_key: 'R0UT1NGKEY',
      event_action: 'trigger',
      dedup_key: outage.page.id,
    });
    expect(event.payload).toMatchObject({ source: 'geocust1/A', severity: 'error' });
    expect(event.payload.summary).toMatch(/^Side A Logger of geocust1 has not phoned home/);
    expect(event.payload.summary.length).toBeLessThanOrEqual(1024);
    expect(event.payload.custom_details).toMatchObject({
      customer: 'geocust1',
      side: 'A',
      listener: LISTENER,
    });
    expect(event.payload.custom_details.deadline).toBe(new Date(outage.page.notice.deadline).toISOString());
    expect(event.payload.custom_details.silentFor).toBeDefined();
  });

  it('resolves the all-clear with the same dedup_key (and no payload, which resolve does not take)', () => {
    const event = body(pagerDutyRequest(channel, outage.allClear));
    expect(event).toEqual({ routing_key: 'R0UT1NGKEY', event_action: 'resolve', dedup_key: outage.page.id });
  });

  it('re-triggers the same incident for a reminder and a blind customer (critical)', () => {
    expect(body(pagerDutyRequest(channel, outage.reminder)).dedup_key).toBe(outage.page.id);
    const blind = body(pagerDutyRequest(channel, outage.blind));
    expect(blind).toMatchObject({ dedup_key: outage.page.id, payload: { severity: 'critical' } });
  });

  it('acknowledges by the outage id', () => {
    expect(body(pagerDutyAcknowledge(channel, outage.page.id))).toEqual({
      routing_key: 'R0UT1NGKEY',
      event_action: 'acknowledge',
      dedup_key: outage.page.id,
    });
  });
});

describe('Opsgenie Alert API', () => {
  const channel = { apiKey: 'k3y', region: 'eu' as const };

  it('creates the alert with message (≤ 130) and alias = the outage id, with the GenieKey header', () => {
    const request = opsgenieRequest(channel, outage.page);
    expect(request.url).toBe('https://api.eu.opsgenie.com/v2/alerts');
    expect(request.headers.authorization).toBe('GenieKey k3y');
    const alert = body(request);
    expect(alert).toMatchObject({ alias: outage.page.id, priority: 'P2', entity: 'geocust1/A' });
    expect(alert.message.length).toBeLessThanOrEqual(130);
  });

  it('closes the alert by alias on the all-clear, and acknowledges by alias', () => {
    const alias = encodeURIComponent(outage.page.id);
    expect(opsgenieRequest(channel, outage.allClear).url).toBe(
      `https://api.eu.opsgenie.com/v2/alerts/${alias}/close?identifierType=alias`,
    );
    expect(opsgenieAcknowledge({ apiKey: 'k3y' }, outage.page.id, 'alice').url).toBe(
      `https://api.opsgenie.com/v2/alerts/${alias}/acknowledge?identifierType=alias`,
    );
  });
});

describe('Slack incoming webhook', () => {
  it('posts one Block Kit message with a fallback text; the all-clear says how long the Logger was silent', () => {
    const message = body(slackRequest({ url: 'http://slack.test/hook' }, outage.allClear));
    expect(message.text).toMatch(/phoned home to Listener GEOCSCLNRA again after 14h 1m of silence/);
    expect(message.blocks.map((b: { type: string }) => b.type)).toEqual(['header', 'section', 'context']);
    expect(message.blocks[0].text.text.length).toBeLessThanOrEqual(150);
    expect(message.blocks[2].elements[0].text).toMatch(/Silent for\* 14h 1m/);
  });

  it('escapes a Logger’s text so it cannot mention the channel or forge a link', () => {
    const event = {
      id: 'e1',
      severity: 'error' as const,
      message: '<!channel> <http://x|click> & more',
      occurredAt: '2026-11-24T17:00:00Z',
      source: 'x',
      receivedAt: T0,
    };
    const message = body(
      slackRequest({ url: 'http://slack.test/hook' }, eventNotification(upLogger(T0), event, LISTENER)),
    );
    expect(message.text).toContain('&lt;!channel&gt; &lt;http://x|click&gt; &amp; more');
    expect(message.text).not.toContain('<!channel>');
  });
});

describe('Teams Workflows webhook', () => {
  it('posts a message whose attachment is an Adaptive Card with the headline and facts', () => {
    const message = body(teamsRequest({ url: 'http://teams.test/wf' }, outage.page));
    expect(message.type).toBe('message');
    const [attachment] = message.attachments;
    expect(attachment.contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(attachment.content).toMatchObject({ type: 'AdaptiveCard', version: '1.4' });
    expect(attachment.content.body[1].text).toMatch(/has not phoned home/);
    expect(attachment.content.body[2].facts).toContainEqual({ title: 'Logger', value: 'geocust1/A' });
  });
});

describe('Standard Webhooks signed JSON', () => {
  afterEach(() => {
    vi.useRealTimers();
  });
  const secret = `whsec_${Buffer.from('a secret of 24 bytes!!!!').toString('base64')}`;

  it('is verified by the reference library: webhook-id = the notification id', () => {
    vi.useFakeTimers({ now: T0 + 5_000 });
    const request = webhookRequest({ url: 'http://hook.test/', secret }, outage.page, T0);
    expect(request.headers['webhook-id']).toBe(outage.page.id);
    expect(request.headers['webhook-timestamp']).toBe(String(T0 / 1000));
    const payload = new Webhook(secret).verify(request.body, { ...request.headers }) as Json;
    expect(payload).toMatchObject({
      type: 'LOGGER_SILENT',
      data: { outage: outage.page.id, logger: 'geocust1/A' },
    });
  });

  it('fails verification with another secret or a changed body', () => {
    vi.useFakeTimers({ now: T0 });
    const request = webhookRequest({ url: 'http://hook.test/', secret }, outage.allClear, T0);
    const other = `whsec_${Buffer.from('another secret, 24 bytes').toString('base64')}`;
    expect(() => new Webhook(other).verify(request.body, { ...request.headers })).toThrow();
    expect(() => new Webhook(secret).verify(`${request.body} `, { ...request.headers })).toThrow();
  });
});

describe('Alertmanager POST /api/v2/alerts', () => {
  const channel = { url: 'http://127.0.0.1:9093/' };

  it('posts one alert with the stable labels, firing until three re-send periods after it was posted', () => {
    const postedAt = outage.page.notice.at + 3_600_000; // a re-send an hour into the outage
    const request = alertmanagerRequest(channel, outage.page, postedAt);
    expect(request.url).toBe('http://127.0.0.1:9093/api/v2/alerts');
    const [alert] = body(request) as Json[];
    expect(alert?.labels).toEqual({
      alertname: 'LoggerSilent',
      customer: 'geocust1',
      side: 'A',
      listener: LISTENER,
      kind: 'LOGGER_SILENT',
    });
    expect(Date.parse(alert?.startsAt)).toBe(outage.page.notice.deadline);
    expect(Date.parse(alert?.endsAt)).toBe(postedAt + 3 * 5 * 60_000);
    const [often] = body(alertmanagerRequest({ ...channel, resendEverySeconds: 60 }, outage.page, postedAt));
    expect(Date.parse((often as Json)?.endsAt)).toBe(postedAt + 3 * 60_000);
  });

  it('resolves with the same labels, endsAt = the all-clear, startsAt unchanged', () => {
    const [fired] = body(alertmanagerRequest(channel, outage.page, T0)) as Json[];
    const later = outage.allClear.notice.at + 60_000; // posted again after the all-clear (a race's fix)
    const [resolved] = body(alertmanagerRequest(channel, outage.allClear, later)) as Json[];
    expect(resolved?.labels).toEqual(fired?.labels);
    expect(resolved?.startsAt).toBe(fired?.startsAt);
    expect(Date.parse(resolved?.endsAt)).toBe(outage.allClear.notice.at);
  });

  it('labels both Listeners of a pair alike when given the pair’s name', () => {
    const [alert] = body(
      alertmanagerRequest({ ...channel, listenerLabel: 'GEOCSCLN' }, outage.page, T0),
    ) as Json[];
    expect(alert?.labels.listener).toBe('GEOCSCLN');
  });
});
