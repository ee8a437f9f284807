/**
 * What the Listener tells people and systems, and how it reads. Pure: rendering never looks at a clock.
 *
 * Over 400 lines on purpose: every notification (pages, all-clears, events, ops notices) and its wording
 * in SMS, email and on the bus stay in one file, so they read alike and change together.
 */

import { formatDuration, toMinutes } from '../duration.js';
import type { LoggerEvent, Severity } from '../event.js';
import { CUSTOMERS_NAMED, type MassSilenceNotice } from '../guards/mass-silence.js';
import type { TwinNotice } from '../guards/twin-watch.js';
import { formatLoggerId, type Logger, type StateNotice } from '../logger.js';
import { type CronSchedule, describeCron, dueOccurrence } from '../pings/schedule.js';
import { counted } from '../words.js';
import type { ChannelRejectedNotice } from './channel-health.js';

/** The facts about a Logger a notification carries. */
export interface LoggerFacts {
  readonly customer: string;
  readonly side: 'A' | 'B';
  readonly transport: 'https' | 'modem';
  readonly eventTimeoutMs: number;
  readonly heartbeatIntervalMs: number;
  /** A cron Logger's schedule: its page names the run it missed, not a timeout (shared/domain/pings/schedule.ts). */
  readonly schedule?: CronSchedule;
}

interface NotificationBase {
  /** Deterministic, so a retried publish can be recognised downstream. */
  readonly id: string;
  readonly listener: string;
  readonly logger: LoggerFacts;
  readonly severity: Severity;
}

/**
 * A state change: the Logger went silent (alarm, or a reminder), phoned home again (cleared), or went silent
 * while its twin was already DOWN (the customer is blind).
 */
export interface StateNotification extends NotificationBase {
  readonly kind: StateNotice['kind'];
  readonly notice: StateNotice;
}

/** An alarm event the Logger forwarded (ICM's own alarms, relayed to support). */
export interface EventNotification extends NotificationBase {
  readonly kind: 'LOGGER_EVENT';
  readonly event: LoggerEvent;
}

/** To ops, never to customers' reps: many Loggers went silent together (or that is over). */
export interface MassSilenceNotification {
  readonly id: string;
  readonly kind: MassSilenceNotice['kind'];
  readonly listener: string;
  readonly severity: Severity;
  readonly notice: MassSilenceNotice;
}

/** To ops, never to customers' reps: the twin Listener of a pair stopped sweeping (or sweeps again). */
export interface TwinNotification {
  readonly id: string;
  readonly kind: TwinNotice['kind'];
  /** The Listener that raised it (the watcher). */
  readonly listener: string;
  readonly severity: Severity;
  readonly notice: TwinNotice;
}

/** To ops, never to customers' reps: a notification channel refused a notice for good (its key or URL). */
export interface ChannelNotification {
  readonly id: string;
  readonly kind: ChannelRejectedNotice['kind'];
  readonly listener: string;
  readonly severity: Severity;
  readonly notice: ChannelRejectedNotice;
}

export type LoggerNotification = StateNotification | EventNotification;
/** Notifications about the Listener itself: they go to ops, carry no Logger. */
export type ListenerNotification = MassSilenceNotification | TwinNotification | ChannelNotification;
export type Notification = LoggerNotification | ListenerNotification;

/** The notification for a mass-silence notice. */
export function massSilenceNotification(
  notice: MassSilenceNotice,
  listener: string,
): MassSilenceNotification {
  const severity: Severity = notice.kind === 'MASS_SILENCE' ? 'critical' : 'info';
  return { id: notice.id, kind: notice.kind, listener, severity, notice };
}

export function isMassSilence(n: Notification): n is MassSilenceNotification {
  return n.kind === 'MASS_SILENCE' || n.kind === 'MASS_SILENCE_CLEARED';
}

/** The notification for a twin-watch notice. */
export function twinNotification(notice: TwinNotice): TwinNotification {
  const severity: Severity = notice.kind === 'LISTENER_SILENT' ? 'critical' : 'info';
  return { id: notice.id, kind: notice.kind, listener: notice.watcher, severity, notice };
}

export function isTwinWatch(n: Notification): n is TwinNotification {
  return n.kind === 'LISTENER_SILENT' || n.kind === 'LISTENER_RECOVERED';
}

/** The notification for a channel's refusal. */
export function channelNotification(notice: ChannelRejectedNotice, listener: string): ChannelNotification {
  return { id: notice.id, kind: notice.kind, listener, severity: 'error', notice };
}

export function isChannelHealth(n: Notification): n is ChannelNotification {
  return n.kind === 'CHANNEL_REJECTED';
}

/** About the Listener itself (mass silence, twin watch, a channel's refusal): to ops, no Logger named. */
export function isAboutListener(n: Notification): n is ListenerNotification {
  return isMassSilence(n) || isTwinWatch(n) || isChannelHealth(n);
}

/** `Channel chat of Listener GEOCSCLNRA refused a notice for good (400 invalid_token): …` */
function channelHeadline(n: ChannelNotification): string {
  const { channel, rejection } = n.notice;
  const answer = `${rejection.status}${rejection.excerpt ? ` ${rejection.excerpt.slice(0, 80)}` : ''}`;
  return `Channel ${channel} of Listener ${n.listener} refused a notice for good (${answer}): its key or URL is wrong, revoked or deleted, and what it refuses is not retried. Fix it, then run: listener channel test ${channel}.`;
}

/**
 * `Listener GEOCSCLNRB has not swept within two periods (last seen …); Listener GEOCSCLNRA is paging alone.`
 */
function twinHeadline(n: TwinNotification): string {
  const { notice } = n;
  if (notice.kind === 'LISTENER_SILENT') {
    const seen = notice.lastSweepAt === undefined ? 'never seen' : `last seen ${iso(notice.lastSweepAt)}`;
    return `Listener ${notice.twin} has not swept within two periods (${seen}); Listener ${notice.watcher} is paging alone.`;
  }
  const after =
    notice.silentForMs === undefined ? '' : ` after ${formatDuration(notice.silentForMs)} of silence`;
  return `Listener ${notice.twin} sweeps again${after}; Listeners ${notice.watcher} and ${notice.twin} watch the fleet together again.`;
}

/** `MASS SILENCE 42 Loggers (9 customers) … held until …` */
function massSilenceHeadline(n: MassSilenceNotification): string {
  const { notice } = n;
  const customers = `${notice.customers.slice(0, CUSTOMERS_NAMED).join(', ')}${notice.customers.length > CUSTOMERS_NAMED ? ', …' : ''}`;
  if (notice.kind === 'MASS_SILENCE') {
    const share =
      notice.expected !== undefined
        ? ` of the ${notice.expected} expected to phone home lately`
        : notice.watched
          ? ` of ${notice.watched} watched`
          : '';
    return `${notice.count} Loggers${share} stopped phoning home to Listener ${n.listener} together (${notice.customers.length} customers: ${customers}); ${notice.cause}. Customer pages are held until ${iso(notice.holdUntil)}.`;
  }
  // Cleared early (few still in it), those still silent page at the hold's end promised in MASS_SILENCE.
  const when =
    notice.holdUntil > notice.at
      ? `page their reps when the hold ends at ${iso(notice.holdUntil)} unless they phone home first (listener alarm release-mass-silence pages them now)`
      : 'page their reps now';
  return `The mass silence on Listener ${n.listener} is over: ${counted(notice.count, 'Logger')} still silent ${when}; the others came back and page nothing.`;
}

/** The EventBridge source and detail-types of the Listener's domain events. */
export const EVENT_SOURCE = 'phone-home.listener';
export const DETAIL_TYPES = {
  LOGGER_SILENT: 'Logger Silent',
  LOGGER_RECOVERED: 'Logger Recovered',
  LOGGER_ACKNOWLEDGED: 'Logger Acknowledged',
  LOGGER_EVENT: 'Logger Event',
  CUSTOMER_BLIND: 'Customer Blind',
  MASS_SILENCE: 'Mass Silence',
  MASS_SILENCE_CLEARED: 'Mass Silence Cleared',
  LISTENER_SILENT: 'Listener Silent',
  LISTENER_RECOVERED: 'Listener Recovered',
  CHANNEL_REJECTED: 'Channel Rejected',
} as const;

const SMS_MAX = 140;
const SUBJECT_MAX = 100;

function factsOf(logger: Logger): LoggerFacts {
  const { customer, side, transport, eventTimeoutMs, heartbeatIntervalMs, schedule } = logger;
  return {
    customer,
    side,
    transport,
    eventTimeoutMs,
    heartbeatIntervalMs,
    ...(schedule ? { schedule } : {}),
  };
}

/** The notification for a state notice from a Logger's outbox. */
export function stateNotification(logger: Logger, notice: StateNotice, listener: string): StateNotification {
  const severity: Severity =
    notice.kind === 'CUSTOMER_BLIND' ? 'critical' : notice.kind === 'LOGGER_SILENT' ? 'error' : 'info';
  return { id: notice.id, kind: notice.kind, listener, logger: factsOf(logger), severity, notice };
}

/** The notification for an event a Logger forwarded. */
export function eventNotification(logger: Logger, event: LoggerEvent, listener: string): EventNotification {
  const id = `${formatLoggerId(logger)}#LOGGER_EVENT#${event.id}`;
  return { id, kind: 'LOGGER_EVENT', listener, logger: factsOf(logger), severity: event.severity, event };
}

/**
 * Whether on-call people are paged (SNS): state changes, and forwarded events of severity error or critical.
 * An acknowledgement pages nobody (it goes to incident tools and the bus).
 */
export function pagesOnCall(notification: Notification): boolean {
  if (notification.kind === 'LOGGER_ACKNOWLEDGED') return false;
  if (isAboutListener(notification) || notification.kind !== 'LOGGER_EVENT') return true;
  return notification.severity === 'error' || notification.severity === 'critical';
}

/**
 * The sentence operators know from AlarmTracker:
 * `Side A Logger of geocust1 has not phoned home to Listener GEOCSCLNRA within configured timeout value (780 min).`
 */
export function headline(n: Notification): string {
  if (isMassSilence(n)) return massSilenceHeadline(n);
  if (isTwinWatch(n)) return twinHeadline(n);
  if (isChannelHealth(n)) return channelHeadline(n);
  const who = `Side ${n.logger.side} Logger of ${n.logger.customer}`;
  switch (n.kind) {
    case 'LOGGER_SILENT': {
      if (n.notice.failure && !n.notice.reminder) {
        return `${who} reported a failure to Listener ${n.listener}${exitText(n.notice.failure)}.`;
      }
      if (n.notice.didNotFinish && !n.notice.reminder) {
        const { startedAt, graceMs } = n.notice.didNotFinish;
        return `${who} started ${clockTime(startedAt)}, did not finish: no success reached Listener ${n.listener} within its grace (${timeoutText(graceMs)}).${twinSentence(n.notice)}`;
      }
      const still = n.notice.reminder ? 'still ' : '';
      if (n.logger.schedule)
        return `${who} ${still}${missedRunText(n.logger.schedule, n.notice.deadline, n.listener)}.${twinSentence(n.notice)}`;
      const reminder = n.notice.reminder
        ? ` Reminder ${n.notice.reminder}: silent for ${formatDuration(n.notice.at - n.notice.deadline + n.logger.eventTimeoutMs)}, nobody has acknowledged it.`
        : '';
      return `${who} ${still}has not phoned home to Listener ${n.listener} within configured timeout value (${timeoutText(n.logger.eventTimeoutMs)}).${reminder}${twinSentence(n.notice)}`;
    }
    case 'CUSTOMER_BLIND':
      return `Customer ${n.logger.customer} is blind: both Loggers (A and B) have stopped phoning home to Listener ${n.listener}, so none of its alarms reach support.`;
    case 'LOGGER_RECOVERED':
      if (n.notice.failure) {
        return `${who} reported success to Listener ${n.listener} again, ${formatDuration(n.notice.silentForMs ?? 0)} after its failure${exitText(n.notice.failure)}.`;
      }
      return `${who} phoned home to Listener ${n.listener} again after ${formatDuration(n.notice.silentForMs ?? 0)} of silence.`;
    case 'LOGGER_EVENT':
      return `${who} reported ${n.event.severity}: ${n.event.message}`;
    case 'LOGGER_ACKNOWLEDGED':
      return `The alarm of ${who} on Listener ${n.listener} is acknowledged by ${n.notice.ackBy ?? 'an operator'}.`;
  }
}

/** `14:02 UTC`: a time of day people read in a page (the Listener knows no reader's time zone). */
export function clockTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(11, 16)} UTC`;
}

/** ` (exit status 3)` for a failure reported with an exit status; nothing without one. */
function exitText(failure: { readonly exitStatus?: number }): string {
  return failure.exitStatus === undefined ? '' : ` (exit status ${failure.exitStatus})`;
}

/**
 * What the twin tells about the cause: a twin that phones home means the site is fine and this Logger's own
 * modem, RAS or Phone Home configuration is at fault; a silent twin points at the site or the Listener.
 */
function twinSentence(notice: StateNotice): string {
  const twin = notice.twin;
  if (!twin || notice.reminder) return '';
  if (twin.state === 'UP') {
    return ` Side ${twin.side} phones home normally: check this Logger's own modem, RAS and Phone Home configuration, not the site.`;
  }
  if (twin.state === 'DOWN') return ` Side ${twin.side} is silent too: the customer is blind.`;
  if (twin.state === 'LATE') {
    return ` Side ${twin.side} is late too: suspect what both share (the site, its lines, the bridge).`;
  }
  return '';
}

/** The one-line form written to the local Listener's stdout: `ALARM …`, `CLEARED …`, `EVENT …`. */
export function consoleLine(n: Notification): string {
  if (isAboutListener(n)) return `${tag(n)} ${headline(n)}`;
  return `${tag(n, 'EVENT')} ${formatLoggerId(n.logger)} ${headline(n)}`;
}

/** The tag people scan for: `ALARM`, `CLEARED`, or an event's severity. */
function tag(n: Notification, eventTag?: string): string {
  if (isMassSilence(n)) return n.kind === 'MASS_SILENCE' ? 'MASS SILENCE' : 'MASS SILENCE CLEARED';
  if (isTwinWatch(n)) return n.kind === 'LISTENER_SILENT' ? 'LISTENER SILENT' : 'LISTENER RECOVERED';
  if (isChannelHealth(n)) return 'CHANNEL REJECTED';
  if (n.kind === 'LOGGER_SILENT') return n.notice.reminder ? 'REMINDER' : 'ALARM';
  if (n.kind === 'CUSTOMER_BLIND') return 'BLIND';
  if (n.kind === 'LOGGER_RECOVERED') return 'CLEARED';
  if (n.kind === 'LOGGER_ACKNOWLEDGED') return 'ACKNOWLEDGED';
  return eventTag ?? n.severity.toUpperCase();
}

/** Subject line (≤ 100 characters) for email. */
export function subject(n: Notification): string {
  if (isMassSilence(n)) {
    const what = n.kind === 'MASS_SILENCE' ? `${n.notice.count} Loggers silent together` : 'over';
    return truncate(`[${tag(n)}] ${what} (Listener ${n.listener})`, SUBJECT_MAX);
  }
  if (isTwinWatch(n)) {
    const what = n.kind === 'LISTENER_SILENT' ? 'has not swept: paging alone' : 'sweeps again';
    return truncate(`[${tag(n)}] ${n.notice.twin} ${what} (Listener ${n.listener})`, SUBJECT_MAX);
  }
  if (isChannelHealth(n)) {
    return truncate(
      `[${tag(n)}] channel ${n.notice.channel} refuses notices (Listener ${n.listener})`,
      SUBJECT_MAX,
    );
  }
  return truncate(
    `[${tag(n)}] ${formatLoggerId(n.logger)} ${describeKind(n)} (Listener ${n.listener})`,
    SUBJECT_MAX,
  );
}

function describeKind(n: LoggerNotification): string {
  if (n.kind === 'LOGGER_EVENT') return `event: ${n.event.message}`;
  if (n.kind === 'CUSTOMER_BLIND') return `customer ${n.logger.customer} is blind (A and B silent)`;
  if (n.kind === 'LOGGER_ACKNOWLEDGED') return `alarm acknowledged by ${n.notice.ackBy ?? 'an operator'}`;
  if (n.notice.failure) return n.kind === 'LOGGER_SILENT' ? 'reported a failure' : 'reported success again';
  if (n.notice.didNotFinish && n.kind === 'LOGGER_SILENT') return 'did not finish';
  return n.kind === 'LOGGER_SILENT' ? 'has not phoned home' : 'phoned home again';
}

/** SMS text (≤ 140 characters): the headline, shortened if it must be. */
export function smsText(n: Notification): string {
  return truncate(`${tag(n)}: ${headline(n)}`, SMS_MAX);
}

/** What to check when a Logger goes silent, drawn from the Cisco troubleshooting note. */
export const SILENT_RUNBOOK: readonly string[] = [
  "Check the Logger's DTP log (dumplog) for 'Removed Remote Resource' during the timeout: if present, the CSFS process is not sending heartbeats.",
  'Check the modem: powered on and not hung; reset it to clear hung connections.',
  'Check RAS (modem transport): the service must be running; reboot the Logger if it will not start.',
  'Check the CSFS heartbeatIntervalMinutes: it must be at least 60 minutes below the Listener event timeout.',
  'Check the Phone Home configuration: each phone number must be paired with its own Listener (primary and backup).',
];

/** When both sides are silent the cause is usually shared: the site, its lines, or this Listener. */
export const BLIND_RUNBOOK: readonly string[] = [
  'Call the customer: is the site (or its ICM) up? Both Loggers down means neither can phone home.',
  'Check the shared path: the phone lines or network both Loggers use to reach the Listener, and the dial-in bridge if they dial by modem.',
  'Check this Listener: listener doctor --all (sweeper, bridge, pending notifications).',
  'Then check each Logger as for a single silent Logger (DTP log, modem, RAS, heartbeat interval, Phone Home configuration).',
];

/** The email body: the headline, the facts, `links` (the console's, if any), and for a silent Logger the runbook. */
export function emailText(n: Notification, links: readonly string[] = []): string {
  if (isMassSilence(n)) return massSilenceEmail(n);
  if (isTwinWatch(n)) return twinEmail(n);
  if (isChannelHealth(n)) {
    const { channel, rejection } = n.notice;
    return [
      headline(n),
      '',
      `Channel: ${channel}`,
      `Refused: ${rejection.notification}`,
      `At: ${iso(rejection.at)}`,
      `Answer: ${rejection.status} ${rejection.excerpt}`,
    ].join('\n');
  }
  const facts: [string, string | undefined][] = [
    ['Logger', formatLoggerId(n.logger)],
    ['Listener', n.listener],
    ['Transport', n.logger.transport],
    ['Event timeout', timeoutText(n.logger.eventTimeoutMs)],
    ['Heartbeat interval', timeoutText(n.logger.heartbeatIntervalMs)],
  ];
  if (n.kind === 'LOGGER_EVENT') {
    facts.push(['Severity', n.event.severity], ['Event id', n.event.id], ['Occurred at', n.event.occurredAt]);
    facts.push(['Source', n.event.source], ['Received at', iso(n.event.receivedAt)]);
  } else {
    facts.push(['Last seen', n.notice.lastSeenAt === undefined ? 'never' : iso(n.notice.lastSeenAt)]);
    const silent = n.kind !== 'LOGGER_RECOVERED';
    facts.push([silent ? 'Deadline' : 'New deadline', iso(n.notice.deadline)]);
    facts.push([silent ? 'Alarm raised' : 'Cleared at', iso(n.notice.at)]);
    const twin = n.notice.twin;
    if (twin) {
      const seen = twin.lastSeenAt === undefined ? 'never seen' : `last seen ${iso(twin.lastSeenAt)}`;
      facts.push([`Side ${twin.side}`, `${twin.state} (${seen})`]);
    }
  }
  const lines = [headline(n), '', ...facts.filter(([, v]) => v !== undefined).map(([k, v]) => `${k}: ${v}`)];
  if (links.length > 0) lines.push('', ...links);
  if (n.kind === 'LOGGER_SILENT') {
    lines.push('', 'While a Logger is silent its alarms do not reach support. What to check:');
    lines.push(...SILENT_RUNBOOK.map((step, i) => `${i + 1}. ${step}`));
  }
  if (n.kind === 'CUSTOMER_BLIND') {
    lines.push('', 'Both sides are silent: failures in this ICM go unreported until Phone Home works again.');
    lines.push(...BLIND_RUNBOOK.map((step, i) => `${i + 1}. ${step}`));
  }
  return lines.join('\n');
}

/** What ops should do in a mass silence (docs/mass-silence.md has the full text). */
export const MASS_SILENCE_RUNBOOK: readonly string[] = [
  'Suspect our side first: listener doctor --all (sweeper, bridge, pending notifications).',
  'Modem Loggers: check the dial-in bridge, its lines and the carrier. HTTPS Loggers: check DNS, the certificate and the API.',
  'Fixed, and the Loggers phone home again: they page nothing. Still silent when the hold ends: their reps are paged as usual.',
  'Page the reps now: listener alarm release-mass-silence --by <you>. Drop the held pages: add --drop (recorded with your name).',
];

function massSilenceEmail(n: MassSilenceNotification): string {
  const lines = [headline(n), '', `Listener: ${n.listener}`, `Loggers: ${n.notice.count}`];
  lines.push(`Customers: ${n.notice.customers.join(', ') || '-'}`, `Likely cause: ${n.notice.cause}`);
  lines.push(`Hold until: ${iso(n.notice.holdUntil)}`);
  if (n.kind === 'MASS_SILENCE') lines.push('', ...MASS_SILENCE_RUNBOOK.map((s, i) => `${i + 1}. ${s}`));
  return lines.join('\n');
}

/** What ops should do when the twin Listener stops sweeping (docs/operations.md has the full text). */
export const LISTENER_SILENT_RUNBOOK: readonly string[] = [
  'This Listener is paging alone: every silent Logger is still paged (by this side), nothing is lost yet.',
  "Check the twin's region: its AWS Health dashboard, its sweeper's errors and schedule (listener doctor --stage <its stage>).",
  'While it is down, Loggers and bridges configured with both URLs phone home to this side; check that they do.',
  'When it sweeps again, LISTENER_RECOVERED follows once; nothing else to clear.',
];

function twinEmail(n: TwinNotification): string {
  const { notice } = n;
  const lines = [headline(n), '', `Watching Listener: ${notice.watcher}`, `Silent Listener: ${notice.twin}`];
  lines.push(`Last sweep seen: ${notice.lastSweepAt === undefined ? 'never' : iso(notice.lastSweepAt)}`);
  lines.push(`Sweep period: ${formatDuration(notice.sweepEveryMs)}`, `At: ${iso(notice.at)}`);
  if (n.kind === 'LISTENER_SILENT')
    lines.push('', ...LISTENER_SILENT_RUNBOOK.map((s, i) => `${i + 1}. ${s}`));
  return lines.join('\n');
}

/** String message attributes for SNS subscription filter policies. */
export function messageAttributes(
  n: Notification,
): Record<'kind' | 'customer' | 'side' | 'severity', string> {
  if (isAboutListener(n)) return { kind: n.kind, customer: '-', side: '-', severity: n.severity };
  return { kind: n.kind, customer: n.logger.customer, side: n.logger.side, severity: n.severity };
}

/** The EventBridge `detail` of a notification: plain JSON facts, ISO times. */
export function eventDetail(n: Notification): Record<string, unknown> {
  if (isMassSilence(n)) {
    const { sent: _, ...notice } = n.notice;
    return {
      ...notice,
      listener: n.listener,
      severity: n.severity,
      at: iso(notice.at),
      holdUntil: iso(notice.holdUntil),
      message: headline(n),
    };
  }
  if (isTwinWatch(n)) {
    const { sent: _, lastSweepAt, silentForMs, sweepEveryMs, ...notice } = n.notice;
    return {
      ...notice,
      listener: n.listener,
      severity: n.severity,
      at: iso(notice.at),
      lastSweepAt: lastSweepAt === undefined ? null : iso(lastSweepAt),
      sweepEverySeconds: Math.round(sweepEveryMs / 1000),
      ...(silentForMs === undefined ? {} : { silentForSeconds: Math.round(silentForMs / 1000) }),
      message: headline(n),
    };
  }
  if (isChannelHealth(n)) {
    const { rejection, ...notice } = n.notice;
    return {
      ...notice,
      listener: n.listener,
      severity: n.severity,
      at: iso(notice.at),
      rejection: { ...rejection, at: iso(rejection.at) },
      message: headline(n),
    };
  }
  const base = {
    id: n.id,
    logger: formatLoggerId(n.logger),
    customer: n.logger.customer,
    side: n.logger.side,
    transport: n.logger.transport,
    listener: n.listener,
    severity: n.severity,
    eventTimeoutMinutes: toMinutes(n.logger.eventTimeoutMs),
    message: headline(n),
  };
  if (n.kind === 'LOGGER_EVENT')
    return { ...base, event: { ...n.event, receivedAt: iso(n.event.receivedAt) } };
  return {
    ...base,
    at: iso(n.notice.at),
    lastSeenAt: n.notice.lastSeenAt === undefined ? null : iso(n.notice.lastSeenAt),
    deadline: iso(n.notice.deadline),
    ...(n.notice.twin
      ? {
          twin: {
            side: n.notice.twin.side,
            state: n.notice.twin.state,
            lastSeenAt: n.notice.twin.lastSeenAt === undefined ? null : iso(n.notice.twin.lastSeenAt),
          },
        }
      : {}),
    ...(n.notice.reminder === undefined ? {} : { reminder: n.notice.reminder }),
    ...(n.notice.silentForMs === undefined
      ? {}
      : { silentForSeconds: Math.round(n.notice.silentForMs / 1000) }),
  };
}

/** `780 min` as AlarmTracker wrote timeouts; durations under a whole minute (tests, demos) as `3s`. */
export function timeoutText(ms: number): string {
  return ms % 60_000 === 0 ? `${toMinutes(ms)} min` : formatDuration(ms);
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** Shortens to at most `max` UTF-16 units without splitting a character (an emoji is two units). */
function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let kept = '';
  for (const char of text) {
    if (kept.length + char.length > max - 1) break;
    kept += char;
  }
  return `${kept}…`;
}

/**
 * A cron Logger's silence: `has not reported its run due 2026-03-29 03:00 (Europe/Berlin) to Listener
 * GEOCSCLNRA (cron 0 2 * * * Europe/Berlin, grace 1h)` — the run's wall-clock time in its own zone, as its crontab says it.
 */
function missedRunText(schedule: CronSchedule, deadline: number, listener: string): string {
  const due = new Intl.DateTimeFormat('sv-SE', {
    timeZone: schedule.timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  }).format(dueOccurrence(schedule, deadline));
  return `has not reported its run due ${due} (${schedule.timeZone}) to Listener ${listener} (${describeCron(schedule)})`;
}
