/**
 * `listener doctor`: the reference note's troubleshooting ("AlarmTracker Reports the Logger has not Phoned
 * Home to the Listener", Cisco document 24290) as rules. Each rule is pure — data and `now` in, findings
 * out — and a rule that passes returns no finding.
 *
 * Over 400 lines on purpose: every rule in one file, so the rules read against the reference note
 * together. (A candidate to split by what a rule looks at — a Logger, a pair, the Listener — once it grows
 * further.)
 */

import { formatDuration } from './duration.js';
import {
  activeWindow,
  arrivalIntervals,
  displayState,
  formatLoggerId,
  type Logger,
  MIN_TIMEOUT_MARGIN_MS,
  type PhoneHomeTarget,
  recentArrivals,
  type Side,
  twinOf,
} from './logger.js';
import {
  CHANNEL_REMEDY,
  type ChannelHealthRecord,
  channelTroubles,
  failingText,
} from './notices/channel-health.js';
import { timeoutText } from './notices/notification.js';
import { type CronSchedule, describeCron } from './pings/schedule.js';
import { counted } from './words.js';

export const FINDING_SEVERITIES = ['info', 'warning', 'error', 'critical'] as const;
export type FindingSeverity = (typeof FINDING_SEVERITIES)[number];

export const RULES = [
  'interval-margin',
  'observed-interval',
  'phone-home-config',
  'duplex',
  'bridge',
  'bridge-binding',
  'sweeper',
  'outbox',
  'fleet-counter',
  'pair-one-listener',
  'pair-backup-only',
  'channel',
] as const;
export type RuleId = (typeof RULES)[number];

export interface Finding {
  readonly rule: RuleId;
  readonly severity: FindingSeverity;
  /** `geocust1/A`, `bridge-dc1/A`, `geocust1` (both sides of a customer), or `listener`. */
  readonly subject: string;
  readonly message: string;
  /** What to do, from the reference note. */
  readonly remedy: readonly string[];
}

/** A valid Phone Home pair: the number that reaches a Listener, and that Listener's import system name. */
export interface PhoneHomePair {
  readonly phone: string;
  readonly listener: string;
}

/** Whether findings of this severity make `listener doctor` exit 1 (warning or worse). */
export function failsCheck(severity: FindingSeverity): boolean {
  return FINDING_SEVERITIES.indexOf(severity) >= FINDING_SEVERITIES.indexOf('warning');
}

const REMEDY = {
  registry:
    'Compare the CSFS heartbeat interval (registry: HKLM\\SOFTWARE\\GeoTel\\ICR\\<cust_inst>\\LoggerA|B\\CSFS\\CurrentVersion\\heartbeatIntervalMinutes) with the Listener Event Timeout: it must be at least one hour less (default 720 minutes against 780).',
  dtp: "Dump the last hours of the Logger's DTP log (dumplog) and look for successive 'Removed Remote Resource' messages: busy signals and no answers now and then are normal; none during the timeout means no connection was made.",
  modem: 'Check the modem: turned on and not hung; reset it to clear any hung connection.',
  ras: 'Check RAS (Services applet or ICM Service Control): a stopped RAS cannot dial out; if it will not start, reboot the Logger. A hung RAS port on the Logger has the same effect.',
  config:
    'Check the Phone Home configuration (ICM Phone Home Setup, or the registry for the backup): CSCPhoneNumber with CSCImportSystemName, CSCBackupPhoneNumber with CSCBackupImportSystemName.',
  pairing:
    'Each phone number must always be matched with its own Listener (in the note: 9,19191234567 with GEOCSCLNRA, 9,14081234567 with GEOCSCLNRB); a Phone Home attempt with any other number fails.',
  site: 'Both sides silent: check what they share — the site itself (is the ICM up?), its phone lines or network to the Listener, the dial-in bridge, and this Listener.',
  sender:
    'Check that the process phoning home on the Logger (its heartbeat job or CSFS) is running: nothing sent is nothing received.',
  network:
    "Check the Logger's HTTPS path to the Listener API: DNS, proxy and firewall; connections refused or timing out in its log mean its heartbeats never arrive.",
  token:
    "Check its token: 401 answers in the Logger's log mean a wrong or rotated token (listener logger rotate-token gives a new one; put it in the Logger's configuration).",
} as const;

/** Where a silent Logger's own trouble usually is, by how it phones home: the note's checks are for modems. */
function ownRemedies(logger: Logger): string[] {
  return logger.transport === 'modem'
    ? [REMEDY.modem, REMEDY.ras, REMEDY.config, REMEDY.dtp]
    : [REMEDY.sender, REMEDY.network, REMEDY.token];
}

/**
 * The note's rule: a heartbeat interval at least one hour less than the event timeout is sufficient
 * (720 / 780 passes, 760 / 780 fails). Timeouts under two hours (tests, demos) need only interval < timeout.
 * The interval the Logger itself reported is held to the same rule.
 */
export function checkIntervalMargin(logger: Logger): Finding[] {
  if (logger.schedule) return checkGraceMargin(logger, logger.schedule);
  const findings: Finding[] = [];
  const check = (intervalMs: number, what: string) => {
    const margin = logger.eventTimeoutMs - intervalMs;
    const subject = formatLoggerId(logger);
    const pair = `${what} ${timeoutText(intervalMs)} against the event timeout ${timeoutText(logger.eventTimeoutMs)}`;
    if (margin <= 0) {
      findings.push({
        rule: 'interval-margin',
        severity: 'error',
        subject,
        message: `${pair}: the Logger is declared silent between two heartbeats`,
        remedy: [REMEDY.registry],
      });
    } else if (margin < MIN_TIMEOUT_MARGIN_MS && logger.eventTimeoutMs >= 2 * MIN_TIMEOUT_MARGIN_MS) {
      findings.push({
        rule: 'interval-margin',
        severity: 'warning',
        subject,
        message: `${pair} is less than 60 minutes under it: one late or retried call raises an alarm`,
        remedy: [REMEDY.registry],
      });
    }
  };
  check(logger.heartbeatIntervalMs, 'heartbeat interval');
  if (logger.reportedIntervalMs !== undefined && logger.reportedIntervalMs !== logger.heartbeatIntervalMs) {
    check(logger.reportedIntervalMs, 'reported CSFS interval');
  }
  return findings;
}

/**
 * A cron Logger has no interval: the note's 60-minute margin is its grace, the time a run may start late or
 * take before it pages. Under an hour is a warning, as a margin under an hour is for an interval Logger.
 */
function checkGraceMargin(logger: Logger, schedule: CronSchedule): Finding[] {
  if (schedule.graceMs >= MIN_TIMEOUT_MARGIN_MS) return [];
  const name = formatLoggerId(logger);
  return [
    {
      rule: 'interval-margin',
      severity: 'warning',
      subject: name,
      message: `${describeCron(schedule)}: a grace under 60 minutes pages for a run that starts late or takes longer than that`,
      remedy: [`If its runs may take longer, give it more grace: listener logger set ${name} --grace 1h`],
    },
  ];
}

/** Jitter a heartbeat may show without being "late" (dialling, retries on busy lines). */
export const OBSERVED_SLACK_MS = 2 * 60_000;

/**
 * Whether an observed interval between two phone-homes is longer than the Logger's heartbeat interval allows
 * (its interval plus {@link OBSERVED_SLACK_MS}): the one rule for `doctor` and `logger show`'s "(over the interval)".
 */
export function isOverInterval(
  logger: Pick<Logger, 'heartbeatIntervalMs' | 'schedule'>,
  intervalMs: number,
): boolean {
  // A cron Logger's gaps follow its schedule (weekdays, month ends): its deadline alone judges it.
  if (logger.schedule) return false;
  return intervalMs > logger.heartbeatIntervalMs + OBSERVED_SLACK_MS;
}

/** Observed intervals (arrival history) longer than the configured heartbeat interval. */
export function checkObservedIntervals(logger: Logger): Finding[] {
  const intervals = arrivalIntervals(recentArrivals(logger));
  const long = intervals.filter((ms) => isOverInterval(logger, ms));
  if (long.length === 0) return [];
  const longest = Math.max(...long);
  const close = longest > logger.eventTimeoutMs - MIN_TIMEOUT_MARGIN_MS;
  return [
    {
      rule: 'observed-interval',
      severity: 'warning',
      subject: formatLoggerId(logger),
      message: `${long.length} of the last ${intervals.length} phone-home intervals were longer than the configured ${timeoutText(logger.heartbeatIntervalMs)} (longest ${formatDuration(longest)}${close ? `, within an hour of the ${timeoutText(logger.eventTimeoutMs)} timeout` : ''})`,
      remedy: [REMEDY.dtp, REMEDY.registry],
    },
  ];
}

/**
 * A modem Logger's Phone Home configuration against the valid pairs: a number paired with the wrong
 * Listener (or unknown), no backup, or primary and backup to the same Listener.
 */
export function checkPhoneHomeConfig(logger: Logger, pairs: readonly PhoneHomePair[]): Finding[] {
  if (logger.transport !== 'modem') return [];
  const subject = formatLoggerId(logger);
  const config = logger.phoneHome;
  if (!config?.primary && !config?.backup) {
    return [
      {
        rule: 'phone-home-config',
        severity: 'info',
        subject,
        message: 'no Phone Home configuration recorded, so it cannot be checked',
        remedy: [
          `Record it: listener logger set ${formatLoggerId(logger)} --phone <number> --import-system <name> --backup-phone <number> --backup-import-system <name>`,
        ],
      },
    ];
  }
  const findings: Finding[] = [];
  const checkPair = (target: PhoneHomeTarget, which: 'primary' | 'backup') => {
    if (pairs.length === 0) return;
    const byPhone = pairs.find((p) => samePhone(p.phone, target.phone));
    if (byPhone && byPhone.listener.toUpperCase() === target.listener.toUpperCase()) return;
    const expected = byPhone
      ? `${target.phone} reaches ${byPhone.listener}`
      : `${target.phone} is not a number of any known Listener (valid: ${pairs.map((p) => `${p.phone} ↔ ${p.listener}`).join(', ')})`;
    findings.push({
      rule: 'phone-home-config',
      severity: 'error',
      subject,
      message: `the ${which} phone number ${target.phone} is paired with Listener ${target.listener}, but ${expected}: this Phone Home attempt fails`,
      remedy: [REMEDY.pairing, REMEDY.config],
    });
  };
  if (config.primary) checkPair(config.primary, 'primary');
  if (config.backup) checkPair(config.backup, 'backup');
  if (!config.primary) {
    findings.push({
      rule: 'phone-home-config',
      severity: 'error',
      subject,
      message: 'no primary Phone Home destination recorded (only a backup)',
      remedy: [REMEDY.config],
    });
  }
  if (!config.backup) {
    findings.push({
      rule: 'phone-home-config',
      severity: 'warning',
      subject,
      message:
        'no backup Phone Home destination: when the primary Listener cannot be reached, nothing is tried',
      remedy: [`${REMEDY.config} Configure the other Listener as the backup.`, REMEDY.pairing],
    });
  } else if (
    config.primary &&
    config.primary.listener.toUpperCase() === config.backup.listener.toUpperCase()
  ) {
    findings.push({
      rule: 'phone-home-config',
      severity: 'warning',
      subject,
      message: `primary and backup both point to Listener ${config.primary.listener}: the backup adds nothing when that Listener is unreachable`,
      remedy: [`${REMEDY.config} Point the backup at the other Listener.`, REMEDY.pairing],
    });
  }
  return findings;
}

/** `2026-11-24 22:00Z`: a window's end as an operator reads it. */
function isoMinute(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16).replace('T', ' ').concat('Z');
}

function samePhone(a: string, b: string): boolean {
  const digits = (s: string) => s.replace(/[^0-9,*#+]/g, '');
  return digits(a) === digits(b);
}

/**
 * One side silent while its twin phones home points at the Logger itself (modem, RAS, configuration);
 * both silent points at what they share (site, lines, bridge, Listener).
 */
export function checkDuplex(logger: Logger, twin: Logger | undefined, now: number): Finding[] {
  const state = displayState(logger, now);
  if (state !== 'DOWN' && state !== 'LATE') return [];
  const subject = formatLoggerId(logger);
  const window = activeWindow(logger, now);
  // A silence inside a planned window is expected: say which window, so nobody chases it.
  const silentFor = `${formatDuration(now - (logger.lastSeenAt ?? logger.registeredAt))}${
    window
      ? ` inside maintenance window ${window.id}${window.reason ? ` (${window.reason})` : ''} until ${isoMinute(window.to)}, so no page goes out before then`
      : ''
  }`;
  const twinState = twin ? displayState(twin, now) : undefined;
  if (twin && twinState === 'UP') {
    return [
      {
        rule: 'duplex',
        severity: state === 'DOWN' ? 'error' : 'warning',
        subject,
        message: `${state}, silent for ${silentFor}, while its twin ${formatLoggerId(twin)} is UP: the site is fine, this Logger is not phoning home`,
        remedy: ownRemedies(logger),
      },
    ];
  }
  if (twin && (twinState === 'NEW' || twinState === 'PAUSED')) {
    // A twin never heard (NEW) or not watched (PAUSED) says nothing about the site: check both places.
    const why = twinState === 'NEW' ? 'has never phoned home' : 'is PAUSED (not watched)';
    return [
      {
        rule: 'duplex',
        severity: state === 'DOWN' ? 'error' : 'warning',
        subject,
        message: `${state}, silent for ${silentFor}; its twin ${formatLoggerId(twin)} ${why}, so it proves nothing about the site`,
        remedy: [...ownRemedies(logger), REMEDY.site],
      },
    ];
  }
  if (twin && (twinState === 'DOWN' || twinState === 'LATE')) {
    const blind = state === 'DOWN' && twinState === 'DOWN';
    return [
      {
        rule: 'duplex',
        severity: blind ? 'critical' : 'error',
        subject,
        message: `${state}, silent for ${silentFor}, and its twin ${formatLoggerId(twin)} is ${twinState} too${blind ? ': the customer is blind, none of its alarms reach support' : ''}`,
        remedy: logger.transport === 'modem' ? [REMEDY.site, REMEDY.dtp] : [REMEDY.site, REMEDY.network],
      },
    ];
  }
  return [
    {
      rule: 'duplex',
      severity: state === 'DOWN' ? 'error' : 'warning',
      subject,
      message: `${state}, silent for ${silentFor} (no twin registered to compare with)`,
      remedy: ownRemedies(logger),
    },
  ];
}

/** The bridge's own Logger: `bridge-<site>/A` (shared/listener/register.ts). */
export function isBridgeLogger(logger: Pick<Logger, 'customer'>): boolean {
  return logger.customer.startsWith('bridge-');
}

/** Modem Loggers reach the Listener only through a dial-in bridge: it must have phoned home recently. */
export function checkBridges(loggers: readonly Logger[], now: number): Finding[] {
  const modems = loggers.filter((l) => l.transport === 'modem');
  if (modems.length === 0) return [];
  const bridges = loggers.filter(isBridgeLogger);
  if (bridges.length === 0) {
    return [
      {
        rule: 'bridge',
        severity: 'warning',
        subject: 'listener',
        message: `${counted(modems.length, 'modem Logger')} but no dial-in bridge registered: their calls cannot reach this Listener`,
        remedy: [
          'Register and run a bridge on the site taking the calls: listener bridge add <site> (see docs/bridge.md).',
        ],
      },
    ];
  }
  const findings: Finding[] = [];
  for (const bridge of bridges) {
    const state = displayState(bridge, now);
    if (state === 'UP' || state === 'PAUSED') continue;
    const seen =
      bridge.lastSeenAt === undefined
        ? 'has never phoned home'
        : `last phoned home ${formatDuration(now - bridge.lastSeenAt)} ago`;
    findings.push({
      rule: 'bridge',
      severity: state === 'DOWN' ? 'error' : 'warning',
      subject: formatLoggerId(bridge),
      message: `the dial-in bridge ${bridge.customer.slice('bridge-'.length)} ${seen} (${state}): modem Loggers relayed by it look silent`,
      remedy: [
        'Check the bridge host: `listener bridge status` there, its modem line, its connection to the Listener API, and its spool of unsent records.',
      ],
    });
  }
  return findings;
}

/** The sites of the registered bridges, from their own Loggers (`bridge-<site>/A`). */
export function bridgeSitesOf(loggers: readonly Logger[]): Set<string> {
  return new Set(loggers.filter(isBridgeLogger).map((l) => l.customer.slice('bridge-'.length)));
}

/**
 * A modem Logger bound to no bridge site takes relayed records from any bridge (shared/domain/bridge-binding.ts);
 * one bound only to sites with no registered bridge takes them from none.
 */
export function checkBridgeBinding(logger: Logger, registeredSites: ReadonlySet<string>): Finding[] {
  if (logger.transport !== 'modem' || isBridgeLogger(logger)) return [];
  const id = formatLoggerId(logger);
  const bind = `listener logger bind ${id} --bridge <site>[,<backup site>]`;
  if (!logger.bridges || logger.bridges.length === 0) {
    return [
      {
        rule: 'bridge-binding',
        severity: 'warning',
        subject: id,
        message: `${id} is bound to no bridge site: any registered bridge may relay for it, so one bridge host could keep it UP or page for it`,
        remedy: [`Bind it to the site(s) whose bridge answers its calls: ${bind}.`],
      },
    ];
  }
  const missing = logger.bridges.filter((site) => !registeredSites.has(site));
  if (missing.length === 0) return [];
  const none = missing.length === logger.bridges.length;
  return [
    {
      rule: 'bridge-binding',
      severity: none ? 'error' : 'warning',
      subject: id,
      message: `${id} is bound to bridge ${missing.length === 1 ? 'site' : 'sites'} ${missing.join(', ')} with no registered bridge${none ? ': its records are refused from every bridge, so it will page as silent' : ''}`,
      remedy: [`Add the bridge (listener bridge add <site>), or bind it to a registered site: ${bind}.`],
    },
  ];
}

/** How long without a sweep before the Listener itself is a finding. */
export function sweeperGraceMs(sweepEveryMs: number): number {
  return Math.max(5 * 60_000, 3 * sweepEveryMs);
}

/** The sweeper raises every alarm: it must have run recently, and without failures. */
export function checkSweeper(
  status: { lastRunAt: number; report: { failed: number } } | undefined,
  now: number,
  sweepEveryMs: number,
): Finding[] {
  const remedy = [
    'Deployed: check the sweeper function (CloudWatch errors, the schedule rule, its dead-letter queue). Local: is `listener local` running?',
  ];
  if (!status) {
    return [
      {
        rule: 'sweeper',
        severity: 'error',
        subject: 'listener',
        message: 'the sweeper has never run: no alarm can be raised',
        remedy,
      },
    ];
  }
  const since = now - status.lastRunAt;
  if (since > sweeperGraceMs(sweepEveryMs)) {
    return [
      {
        rule: 'sweeper',
        severity: 'critical',
        subject: 'listener',
        message: `the sweeper last ran ${formatDuration(since)} ago (it should run every ${formatDuration(sweepEveryMs)}): silent Loggers are not being alarmed`,
        remedy,
      },
    ];
  }
  if (status.report.failed > 0) {
    return [
      {
        rule: 'sweeper',
        severity: 'warning',
        subject: 'listener',
        message: `the last sweep failed on ${counted(status.report.failed, 'item')}; they stay due and are retried`,
        remedy: ['See the sweeper logs for "sweeping an item failed".'],
      },
    ];
  }
  return [];
}

/**
 * Notification channels (docs/channels.md) failing for more than two sweep periods, or refusing notices for
 * good: pages are not reaching where on-call people live.
 */
export function checkChannels(record: ChannelHealthRecord, now: number, sweepEveryMs: number): Finding[] {
  return channelTroubles(record, now, sweepEveryMs).flatMap((t): Finding[] => {
    const subject = `channel ${t.channel}`;
    const found: Finding[] = [];
    if (t.failing) {
      const since = new Date(t.failing.since).toISOString();
      const message = `${failingText(t.failing, now)} (since ${since}); its notices wait and are retried`;
      found.push({ rule: 'channel', severity: 'error', subject, message, remedy: CHANNEL_REMEDY });
    }
    if (t.rejection) {
      const { at, status, excerpt } = t.rejection;
      const message = `refused a notice for good at ${new Date(at).toISOString()}: ${status}${excerpt ? ` ${excerpt}` : ''} — fix its URL/key`;
      found.push({ rule: 'channel', severity: 'error', subject, message, remedy: CHANNEL_REMEDY });
    }
    return found;
  });
}

/** Notices waiting in outboxes: normal for seconds, a finding once older than `staleMs`. */
export function checkOutboxes(loggers: readonly Logger[], now: number, staleMs = 5 * 60_000): Finding[] {
  const stale = loggers.flatMap((l) =>
    l.outbox
      .filter((n) => now - n.at > staleMs)
      .map((n) => ({ logger: formatLoggerId(l), kind: n.kind, at: n.at })),
  );
  if (stale.length === 0) return [];
  const oldest = Math.min(...stale.map((s) => s.at));
  return [
    {
      rule: 'outbox',
      severity: 'error',
      subject: 'listener',
      message: `${counted(stale.length, 'notification')} pending for more than ${formatDuration(staleMs)} (oldest ${formatDuration(now - oldest)}: ${stale
        .slice(0, 3)
        .map((s) => `${s.logger} ${s.kind}`)
        .join(', ')}${stale.length > 3 ? ', …' : ''}): publishing is failing`,
      remedy: [
        'Check that the alarm topic and event bus exist and the functions may publish (NotificationsFailed metric, function logs); pending notices are retried every sweep.',
      ],
    },
  ];
}

/**
 * The fleet counter (what `listener status` shows as the fleet size) against the Loggers actually
 * registered: it is kept without a transaction, so a crash between a registration or removal and its count
 * can make it drift. `counter` undefined: the table predates the counter.
 */
export function checkFleetCounter(counter: number | undefined, registered: number): Finding[] {
  const remedy = [
    'Run `listener fleet recount` (same --stage/--table/--dir): it counts the fleet index and writes the counter (docs/fleet.md).',
  ];
  if (counter === undefined) {
    if (registered === 0) return [];
    return [
      {
        rule: 'fleet-counter',
        severity: 'info',
        subject: 'listener',
        message: `there is no fleet counter yet (the table predates it): listener status counts the ${counted(registered, 'Logger')} by reading the fleet index, which is slow on a large fleet`,
        remedy,
      },
    ];
  }
  if (counter === registered) return [];
  return [
    {
      rule: 'fleet-counter',
      severity: 'warning',
      subject: 'listener',
      message: `the fleet counter says ${counted(counter, 'Logger')} but ${registered} ${registered === 1 ? 'is' : 'are'} registered: listener status and the mass-silence guard's fraction use the counter`,
      remedy,
    },
  ];
}

/** A Listener pair (issue 13): the names of Listener A and Listener B, both watching one fleet. */
export interface ListenerPair {
  readonly a: string;
  readonly b: string;
}

/**
 * The pair as a Listener knows it (its own name and its twin's): Listener A is the name that sorts first,
 * as GEOCSCLNRA before GEOCSCLNRB. Where a stage names its sides explicitly, that naming wins.
 */
export function listenerPairOf(listenerName: string, twinListenerName: string): ListenerPair {
  const [a, b] = [listenerName, twinListenerName].sort((x, y) => x.localeCompare(y));
  return { a: a as string, b: b as string };
}

/** How far back the pairing rules look: the note's heartbeat is twice a day, so a day is two calls or more. */
export const PAIRING_WINDOW_MS = 24 * 60 * 60_000;

/** A Logger's primary and backup Listener in a pair, and why that one is the primary. */
export interface PairRoles {
  readonly primary: string;
  readonly backup: string;
  /** `configured`: its recorded CSCImportSystemName names one of the pair; `side`: side A → A, B → B. */
  readonly basis: 'configured' | 'side';
}

/**
 * The note pairs each number with one Listener, and the Logger's primary (CSCImportSystemName) with its
 * primary number: a recorded primary naming one of the pair decides. Otherwise (HTTPS Loggers, modem Loggers
 * without a recorded configuration) each side's primary is its own letter's Listener, so the two sides of a
 * customer never share one: side A → Listener A, side B → Listener B.
 */
export function pairRoles(logger: Pick<Logger, 'side' | 'phoneHome'>, pair: ListenerPair): PairRoles {
  const configured = logger.phoneHome?.primary?.listener.toUpperCase();
  if (configured === pair.a.toUpperCase()) return { primary: pair.a, backup: pair.b, basis: 'configured' };
  if (configured === pair.b.toUpperCase()) return { primary: pair.b, backup: pair.a, basis: 'configured' };
  return logger.side === 'A'
    ? { primary: pair.a, backup: pair.b, basis: 'side' }
    : { primary: pair.b, backup: pair.a, basis: 'side' };
}

/** The pair's Listeners that heard the Logger within the window before `now`. */
function pairHeardSince(logger: Logger, pair: ListenerPair, now: number): string[] {
  return [pair.a, pair.b].filter(
    (name) => (logger.heardBy?.[name]?.last ?? -Infinity) >= now - PAIRING_WINDOW_MS,
  );
}

function letterOf(listener: string, pair: ListenerPair): Side {
  return listener === pair.a ? 'A' : 'B';
}

/** What a Logger's owner does to reach `listener` first (and the other Listener as its backup). */
function pointAt(logger: Logger, listener: string, pair: ListenerPair): string {
  const other = listener === pair.a ? pair.b : pair.a;
  const who = formatLoggerId(logger);
  return logger.transport === 'modem'
    ? `${who} (modem): its primary number (CSCPhoneNumber) must dial the number answered by Listener ${letterOf(listener, pair)}'s bridge, with CSCImportSystemName ${listener}; its backup number (CSCBackupPhoneNumber) must dial Listener ${letterOf(other, pair)}'s bridge, with CSCBackupImportSystemName ${other}. Check both bridges relay to their own Listener (listener bridge status on each).`
    : `${who} (HTTPS): configure both URLs, ${listener}'s as the primary and ${other}'s as the backup, and retry on the backup when the primary does not answer (docs/api.md).`;
}

/**
 * The note: each side's primary number is paired with a different Listener, so losing one Listener loses
 * neither the customer's alarms nor its heartbeats. Both sides heard, over the last day, by one and the same
 * Listener only (and by it for at least a day) is a finding. Symmetric: the fleet reports it once per customer.
 */
export function checkCustomerListeners(
  logger: Logger,
  twin: Logger | undefined,
  pair: ListenerPair,
  now: number,
): Finding[] {
  if (!twin || isBridgeLogger(logger)) return [];
  const [a, b] = logger.side === 'A' ? [logger, twin] : [twin, logger];
  const heardA = pairHeardSince(a, pair, now);
  const heardB = pairHeardSince(b, pair, now);
  const only = heardA.length === 1 && heardB.length === 1 && heardA[0] === heardB[0] ? heardA[0] : undefined;
  if (only === undefined) return [];
  const since = now - PAIRING_WINDOW_MS;
  const longEnough = [a, b].every((l) => (l.heardBy?.[only]?.first ?? now) <= since);
  if (!longEnough) return [];
  const other = only === pair.a ? pair.b : pair.a;
  // The side whose own primary is the other Listener is the one to re-point.
  const misrouted = [a, b].filter((l) => pairRoles(l, pair).primary !== only);
  const fix = misrouted.length > 0 ? misrouted : [only === pair.a ? b : a];
  return [
    {
      rule: 'pair-one-listener',
      severity: 'warning',
      subject: logger.customer,
      message: `both sides of ${logger.customer} have phoned only Listener ${only} for the last ${formatDuration(PAIRING_WINDOW_MS)} (${other} heard neither): losing ${only} loses the whole customer`,
      remedy: [
        ...fix.map((l) => pointAt(l, pairRoles(l, pair).primary, pair)),
        ...(fix.some((l) => l.transport === 'modem') ? [REMEDY.pairing] : []),
      ],
    },
  ];
}

/**
 * A Logger heard only by its backup Listener for a day: its primary path (number, bridge, URL) is broken,
 * and it now depends on one Listener. "For a day": the primary last heard it more than a day ago, or never
 * while the backup has heard it for more than a day.
 */
export function checkBackupOnly(logger: Logger, pair: ListenerPair, now: number): Finding[] {
  if (isBridgeLogger(logger)) return [];
  const { primary, backup, basis } = pairRoles(logger, pair);
  const since = now - PAIRING_WINDOW_MS;
  const primaryHeard = logger.heardBy?.[primary];
  const backupHeard = logger.heardBy?.[backup];
  if (!backupHeard || backupHeard.last < since) return [];
  if (primaryHeard ? primaryHeard.last >= since : backupHeard.first > since) return [];
  const why =
    basis === 'configured' ? 'its recorded CSCImportSystemName' : `side ${logger.side}'s own Listener`;
  const primarySeen = primaryHeard
    ? `last heard it ${formatDuration(now - primaryHeard.last)} ago`
    : 'has never heard it';
  return [
    {
      rule: 'pair-backup-only',
      severity: 'warning',
      subject: formatLoggerId(logger),
      message: `has phoned only its backup Listener ${backup} for over ${formatDuration(PAIRING_WINDOW_MS)}; its primary ${primary} (${why}) ${primarySeen}: the primary path is broken, and losing ${backup} would lose this Logger`,
      remedy:
        logger.transport === 'modem'
          ? [
              `Check the primary number dials Listener ${letterOf(primary, pair)}'s bridge and that bridge relays to ${primary} (listener bridge status there: is it failed over, or failing?).`,
              REMEDY.modem,
              REMEDY.config,
              REMEDY.dtp,
            ]
          : [
              `Check the Logger's primary URL is ${primary}'s and reachable from the Logger (DNS, proxy, firewall), and that it retries on the backup only when the primary does not answer.`,
              pointAt(logger, primary, pair),
            ],
    },
  ];
}

/** Every per-Logger rule for one Logger; the pairing rules only when this Listener is one of a pair. */
export function diagnoseLogger(
  logger: Logger,
  twin: Logger | undefined,
  pairs: readonly PhoneHomePair[],
  now: number,
  listenerPair?: ListenerPair,
): Finding[] {
  const pairing =
    listenerPair && !isBridgeLogger(logger)
      ? [
          ...checkBackupOnly(logger, listenerPair, now),
          ...checkCustomerListeners(logger, twin, listenerPair, now),
        ]
      : [];
  return [
    ...checkIntervalMargin(logger),
    ...checkObservedIntervals(logger),
    ...checkPhoneHomeConfig(logger, pairs),
    ...(isBridgeLogger(logger) ? [] : checkDuplex(logger, twin, now)),
    ...pairing,
  ];
}

/** The whole fleet and the Listener itself. */
export function diagnoseFleet(input: {
  readonly loggers: readonly Logger[];
  readonly sweeper: { lastRunAt: number; report: { failed: number } } | undefined;
  readonly sweepEveryMs: number;
  readonly pairs: readonly PhoneHomePair[];
  readonly now: number;
  /** Set when this Listener is one of a pair: the pairing rules apply. */
  readonly listenerPair?: ListenerPair;
}): Finding[] {
  const { loggers, now } = input;
  const byId = new Map(loggers.map((l) => [formatLoggerId(l), l]));
  const sites = bridgeSitesOf(loggers);
  const perLogger = loggers.flatMap((l) =>
    diagnoseLogger(l, byId.get(formatLoggerId(twinOf(l))), input.pairs, now, input.listenerPair),
  );
  return [
    ...checkSweeper(input.sweeper, now, input.sweepEveryMs),
    ...checkOutboxes(loggers, now),
    ...checkBridges(loggers, now),
    ...loggers.flatMap((l) => checkBridgeBinding(l, sites)),
    // A customer's finding comes from both of its sides: once is enough.
    ...perLogger.filter(
      (f, i) =>
        f.rule !== 'pair-one-listener' ||
        perLogger.findIndex((g) => g.rule === f.rule && g.subject === f.subject) === i,
    ),
  ];
}
