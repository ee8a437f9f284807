/**
 * Alertmanager's `POST /api/v2/alerts`: an outage is one alert whose labels never change (`alertname`,
 * `customer`, `side`, `listener`, `kind`), so Alertmanager merges every retry, reminder and blind-customer
 * page into it; the all-clear posts it again with `endsAt`, which resolves it.
 *
 * Alertmanager's contract: a client re-sends a firing alert periodically, and an alert not heard of again by
 * its `endsAt` resolves by itself. A firing alert carries an `endsAt` {@link HOLD_PERIODS} re-send periods
 * ahead, and the sweep posts every standing alarm again each period (shared/listener/notices/standing-alarms.ts):
 * a long outage stays firing, and an alarm the Listener forgot (a removed Logger) ends within three periods
 * instead of standing for days. A missed re-send or two (a slow sweep) does not resolve it.
 */
import {
  headline,
  isAboutListener,
  isTwinWatch,
  type Notification,
  type StateNotification,
} from '../../../domain/notices/notification.js';
import {
  type IncidentNotification,
  incidentAction,
  incidentOf,
  type OpsIncidentNotification,
  outageId,
} from '../../../domain/notices/outage.js';
import type { ResendingChannel } from '../../../ports/channels.js';
import { HttpChannel, type HttpChannelOptions, RetryLater } from '../http-channel.js';
import { type HttpRequest, iso, jsonRequest } from '../http-request.js';

/** How often a standing alarm is posted again, unless the channel says (`resendEverySeconds`). */
export const DEFAULT_RESEND_EVERY_MS = 5 * 60_000;
/** A firing alert's `endsAt` is this many re-send periods ahead. */
export const HOLD_PERIODS = 3;
/**
 * A mass silence's or a silent twin's alert is not re-sent (the sweep re-posts Loggers' alarms only): it
 * holds this long, and its clearing notice resolves it.
 */
export const OPS_FIRING_HOLD_MS = 7 * 24 * 3_600_000;

export interface AlertmanagerChannel {
  readonly url: string;
  /**
   * The `listener` label. Both Listeners of a pair must post the same one (either may deliver an outage's
   * page or its all-clear): give both the pair's name. Default: the delivering Listener's name.
   */
  readonly listenerLabel?: string | undefined;
  /** How often a standing alarm is posted again (default {@link DEFAULT_RESEND_EVERY_MS}). */
  readonly resendEverySeconds?: number | undefined;
}

export function resendEveryMs(channel: AlertmanagerChannel): number {
  return channel.resendEverySeconds === undefined
    ? DEFAULT_RESEND_EVERY_MS
    : channel.resendEverySeconds * 1000;
}

/** The alert for `n` as it stands at `now`: firing until {@link HOLD_PERIODS} periods ahead, or resolved. */
export function alertmanagerRequest(
  channel: AlertmanagerChannel,
  n: IncidentNotification,
  now: number,
): HttpRequest {
  const alert = isAboutListener(n) ? opsAlert(channel, n) : alertOf(channel, n, now);
  return jsonRequest(alertsUrl(channel), [alert]);
}

function alertsUrl(channel: AlertmanagerChannel): string {
  return `${channel.url.replace(/\/$/, '')}/api/v2/alerts`;
}

function alertOf(channel: AlertmanagerChannel, n: StateNotification, now: number) {
  const outage = outageId(n);
  // The outage began at the deadline its alarm is named after (`…#LOGGER_SILENT#<deadline>`).
  const startsAt = Number(outage.split('#')[2]) || n.notice.at;
  const endsAt = incidentAction(n) === 'resolve' ? n.notice.at : now + HOLD_PERIODS * resendEveryMs(channel);
  const alert = {
    labels: {
      alertname: 'LoggerSilent',
      customer: n.logger.customer,
      side: n.logger.side,
      listener: channel.listenerLabel ?? n.listener,
      kind: 'LOGGER_SILENT',
    },
    annotations: {
      summary: headline(n),
      outage,
      severity: n.severity,
      ...(n.kind === 'CUSTOMER_BLIND' ? { blind: 'true' } : {}),
    },
    startsAt: iso(startsAt),
    endsAt: iso(endsAt),
  };
  return alert;
}

/** Alerts posted in one request when standing alarms are re-sent. */
const ALERTS_PER_POST = 100;

/** An Alertmanager channel: delivers the outbox's notices, and re-posts standing alarms when the sweep asks. */
export class AlertmanagerHttpChannel extends HttpChannel implements ResendingChannel {
  readonly resendEveryMs: number;

  constructor(
    name: string,
    private readonly channel: AlertmanagerChannel,
    /** Whether the channel takes a notification (its `kinds` and `customers`). */
    private readonly takes: (n: Notification) => boolean,
    options: HttpChannelOptions = {},
  ) {
    super(
      name,
      (n, now) => (takes(n) ? alertmanagerRequest(channel, n as StateNotification, now) : undefined),
      options,
    );
    this.resendEveryMs = resendEveryMs(channel);
  }

  async resend(notifications: readonly StateNotification[], now: number): Promise<void> {
    const alerts = notifications.filter(this.takes).map((n) => alertOf(this.channel, n, now));
    for (let i = 0; i < alerts.length; i += ALERTS_PER_POST) {
      const { status } = await this.send(
        jsonRequest(alertsUrl(this.channel), alerts.slice(i, i + ALERTS_PER_POST)),
      );
      if (status < 200 || status >= 300)
        throw new RetryLater(`channel ${this.name}: the receiver answered ${status}`);
    }
  }
}

/**
 * A mass silence (`alertname=MassSilence`) or a silent twin (`alertname=ListenerSilent`, `twin=<it>`): labels
 * fixed for the incident, `startsAt` the instant its id names, `endsAt` set by the clearing notice.
 */
function opsAlert(channel: AlertmanagerChannel, n: OpsIncidentNotification) {
  const { id, action } = incidentOf(n);
  const startsAt = Number(id.split('#').at(-1)) || n.notice.at;
  const endsAt = action === 'resolve' ? n.notice.at : n.notice.at + OPS_FIRING_HOLD_MS;
  const twin = isTwinWatch(n) ? { twin: n.notice.twin } : {};
  return {
    labels: {
      alertname: isTwinWatch(n) ? 'ListenerSilent' : 'MassSilence',
      listener: channel.listenerLabel ?? n.listener,
      kind: isTwinWatch(n) ? 'LISTENER_SILENT' : 'MASS_SILENCE',
      ...twin,
    },
    annotations: { summary: headline(n), outage: id, severity: n.severity },
    startsAt: iso(startsAt),
    endsAt: iso(endsAt),
  };
}
