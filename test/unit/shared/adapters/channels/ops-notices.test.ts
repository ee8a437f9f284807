/**
 * Ops notices on the HTTP channels (issue 22): a mass silence and a silent twin Listener open one incident
 * keyed by the raising notice's id, and their clears resolve it — only on channels whose `kinds` list them.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  type ChannelConfig,
  parseChannels,
  routes,
} from '../../../../../shared/adapters/channels/channel-config.js';
import { requestFor } from '../../../../../shared/adapters/channels/payload.js';
import type { MassSilenceNotice } from '../../../../../shared/domain/guards/mass-silence.js';
import { newWatch, watchTwin } from '../../../../../shared/domain/guards/twin-watch.js';
import { channelRejectedNotice } from '../../../../../shared/domain/notices/channel-health.js';
import {
  channelNotification,
  massSilenceNotification,
  type Notification,
  twinNotification,
} from '../../../../../shared/domain/notices/notification.js';
import { anOutage } from '../../../../support/outage.js';
import { LISTENER, T0, upLogger } from '../../../fixtures.js';

const MINUTE = 60_000;
const OPS = ['MASS_SILENCE', 'MASS_SILENCE_CLEARED', 'LISTENER_SILENT', 'LISTENER_RECOVERED'];
const PAGES = ['LOGGER_SILENT', 'CUSTOMER_BLIND', 'LOGGER_RECOVERED'];
const raised: MassSilenceNotice = {
  id: `MASS_SILENCE#${T0}`,
  kind: 'MASS_SILENCE',
  at: T0,
  count: 42,
  watched: 200,
  customers: ['geocust1', 'geocust2'],
  cause: 'most are modem Loggers: suspect the dial-in bridge',
  holdUntil: T0 + 15 * MINUTE,
};
const cleared: MassSilenceNotice = {
  ...raised,
  id: `MASS_SILENCE_CLEARED#${T0}`,
  kind: 'MASS_SILENCE_CLEARED',
  at: T0 + 20 * MINUTE,
  count: 3,
};
const massSilence = massSilenceNotification(raised, LISTENER);
const massCleared = massSilenceNotification(cleared, LISTENER);
const silentWatch = watchTwin(
  { ...newWatch('GEOCSCLNRA', 'GEOCSCLNRB'), watchingSince: T0 },
  { listenerName: 'GEOCSCLNRB', lastSweepAt: T0 },
  T0 + 3 * MINUTE,
  MINUTE,
);
const backWatch =
  silentWatch &&
  watchTwin(
    silentWatch,
    { listenerName: 'GEOCSCLNRB', lastSweepAt: T0 + 9 * MINUTE },
    T0 + 9 * MINUTE,
    MINUTE,
  );
const twinSilent = twinNotification(silentWatch?.outbox[0] as never);
const twinBack = twinNotification(backWatch?.outbox[1] as never);

function channel(config: Record<string, unknown>): ChannelConfig {
  const [parsed] = parseChannels({ channels: [{ name: 'x', ...config }] }).channels;
  if (!parsed) throw new Error('parsed nothing');
  return parsed;
}
const pd = channel({ type: 'pagerduty', routingKey: 'R0UT1NGKEY', kinds: [...PAGES, ...OPS] });
const og = channel({ type: 'opsgenie', apiKey: 'k', kinds: [...PAGES, ...OPS] });
const am = channel({ type: 'alertmanager', url: 'http://127.0.0.1:9093', kinds: OPS });
const chat = channel({ type: 'slack', url: 'https://hooks.slack.test/x', kinds: OPS });
// biome-ignore lint/suspicious/noExplicitAny: parsed JSON, read by the assertions
const sent = (c: ChannelConfig, n: Notification): any => {
  const request = requestFor(c, n, T0 + 30 * MINUTE);
  return request && { url: request.url, body: JSON.parse(request.body) };
};
afterEach(() => vi.restoreAllMocks());

describe('ops notices on the channels', () => {
  it('go only where kinds list them (by default a channel gets pages and all-clears), whatever its customers', () => {
    const pagesOnly = channel({ type: 'pagerduty', routingKey: 'R' });
    expect([massSilence, twinSilent].map((n) => routes(pagesOnly, n))).toEqual([false, false]);
    const filtered = channel({
      type: 'slack',
      url: 'https://hooks.slack.test/x',
      kinds: OPS,
      customers: ['geocust9'],
    });
    expect([massSilence, massCleared, twinSilent, twinBack].every((n) => routes(filtered, n))).toBe(true);
    const outage = anOutage(upLogger(T0), LISTENER);
    expect(routes(chat, outage.page)).toBe(false);
  });

  it('are refused without their clear: whoever is told of one must hear it is over', () => {
    expect(() => channel({ type: 'pagerduty', routingKey: 'R', kinds: [...PAGES, 'MASS_SILENCE'] })).toThrow(
      /kinds must include MASS_SILENCE and MASS_SILENCE_CLEARED together/,
    );
  });

  it('trigger a mass silence in PagerDuty keyed by its id and resolve it with the same key', () => {
    const trigger = sent(pd, massSilence).body;
    expect(trigger).toMatchObject({
      routing_key: 'R0UT1NGKEY',
      event_action: 'trigger',
      dedup_key: `MASS_SILENCE#${T0}`,
      payload: {
        source: `Listener ${LISTENER}`,
        severity: 'critical',
        component: 'listener',
        class: 'MASS_SILENCE',
      },
    });
    expect(trigger.payload.summary).toMatch(/^42 Loggers of 200 watched stopped phoning home/);
    expect(trigger.payload.custom_details).toMatchObject({ count: '42', customers: 'geocust1, geocust2' });
    expect(sent(pd, massCleared).body).toEqual({
      routing_key: 'R0UT1NGKEY',
      event_action: 'resolve',
      dedup_key: `MASS_SILENCE#${T0}`,
    });
  });

  it('open and close a silent twin Listener as one Opsgenie alert by alias', () => {
    const alias = `LISTENER_SILENT#GEOCSCLNRA#GEOCSCLNRB#${T0 + 3 * MINUTE}`;
    expect(sent(og, twinSilent).body).toMatchObject({ alias, entity: `Listener GEOCSCLNRA`, priority: 'P1' });
    expect(sent(og, twinBack).url).toBe(
      `https://api.opsgenie.com/v2/alerts/${encodeURIComponent(alias)}/close?identifierType=alias`,
    );
  });

  it('post one Alertmanager alert whose labels never change, endsAt set by the clear', () => {
    const [firing] = sent(am, twinSilent).body;
    const [resolved] = sent(am, twinBack).body;
    expect(firing.labels).toEqual({
      alertname: 'ListenerSilent',
      listener: 'GEOCSCLNRA',
      kind: 'LISTENER_SILENT',
      twin: 'GEOCSCLNRB',
    });
    expect(resolved.labels).toEqual(firing.labels);
    expect(resolved.startsAt).toBe(firing.startsAt);
    expect(resolved.endsAt).toBe(new Date(T0 + 9 * MINUTE).toISOString());
    expect(Date.parse(firing.endsAt)).toBeGreaterThan(T0 + 24 * 60 * MINUTE);
  });

  it('reach chat as a message naming the Listener', () => {
    const message = sent(chat, twinSilent).body;
    expect(message.text).toMatch(/^Listener GEOCSCLNRB has not swept within two periods/);
    expect(JSON.stringify(message.blocks)).toContain('*Twin* GEOCSCLNRB');
  });

  it('never include a channel’s own refusal (that goes to ops through the ops topic)', () => {
    const rejection = { at: T0, status: 400, excerpt: 'no', notification: 'n' };
    const n = channelNotification(channelRejectedNotice(LISTENER, 'chat', rejection), LISTENER);
    expect([pd, og, am, chat].map((c) => requestFor(c, n, T0))).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });
});
