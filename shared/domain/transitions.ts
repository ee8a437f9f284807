/**
 * The Logger state machine. Pure: a Logger and `now` in, the next Logger (and the notice to publish) out.
 * The store turns a transition into one conditional write guarded by what was read, so a heartbeat that
 * arrives meanwhile wins and two sweepers raise exactly one alarm.
 *
 * Over 400 lines on purpose: the whole state machine in one file, so each transition reads against the
 * diagram in docs/architecture.md and none is changed without the others in view.
 */
import {
  type Acknowledgement,
  ARRIVALS_KEPT,
  activeWindow,
  deadlineAfter,
  displayState,
  type FinishedRun,
  formatLoggerId,
  type Logger,
  type MaintenanceWindow,
  type NoticeClaim,
  type StateNotice,
  type TwinFacts,
} from './logger.js';
import {
  claimable,
  type Publisher,
  pendingChannels,
  settleClaims,
  withClaim,
} from './notices/notice-claims.js';
import { closeRun, overdueRun, runsWithinGrace, watchDueAt, withRunsClosed } from './pings/runs.js';

export { pendingChannels } from './notices/notice-claims.js';

/** What a Logger reported about itself in a heartbeat (kept for diagnosis; never used for deadlines). */
export interface PhoneHomeReport {
  readonly intervalMs?: number;
  readonly agent?: string;
  /** A ping URL's `?rid=`: the run this success ends (shared/domain/pings/runs.ts); absent: the latest start. */
  readonly runId?: string;
}

/** The result of a transition: the Logger to write and, for a state change, the notice it recorded. */
export interface Transition {
  readonly next: Logger;
  readonly notice?: StateNotice;
  /** The run this success or failure finished (a ping URL's start paired with its end), for the history. */
  readonly run?: FinishedRun;
}

/** How long a claimed outbox entry is left alone before another sweep may retry it. */
export const DEFAULT_OUTBOX_RETRY_MS = 30_000;

/** What the sweeper knows beside the Logger and the clock. */
export interface SweepOptions {
  readonly outboxRetryMs?: number;
  /** Remind while DOWN and unacknowledged this often; absent = no reminders. */
  readonly renotifyEveryMs?: number;
  /** A mass silence holds this Logger's pages until then (shared/domain/guards/mass-silence.ts). */
  readonly holdUntil?: number;
  /** The sweep's claim id: the notices this look puts in the outbox are its to deliver (notice-claims.ts). */
  readonly claimBy?: string;
}

/** The notice claimed by `claimBy` until `until`; as it is when no claim id is given (anyone may claim it). */
function claimedFor(notice: StateNotice, claimBy: string | undefined, until: number): StateNotice {
  return claimBy === undefined ? notice : withClaim(notice, claimBy, until);
}

export function noticeId(logger: Logger, kind: StateNotice['kind'], at: number): string {
  return `${formatLoggerId(logger)}#${kind}#${at}`;
}

/** Appends an arrival to the history, keeping the last {@link ARRIVALS_KEPT}. */
export function withArrival(arrivals: readonly number[] | undefined, at: number): number[] {
  return [...(arrivals ?? []), at].sort((a, b) => a - b).slice(-ARRIVALS_KEPT);
}

/**
 * Records that Listener `listener` heard the Logger at `at`: its first hearing stays, its last moves forward
 * only (a late relayed record says nothing newer); the latest phone-home names {@link Logger.lastHeardBy}.
 */
export function withHearing(logger: Logger, listener: string | undefined, at: number): Logger {
  if (listener === undefined) return logger;
  const before = logger.heardBy?.[listener];
  const hearing = { first: Math.min(before?.first ?? at, at), last: Math.max(before?.last ?? at, at) };
  const latest = logger.lastSeenAt === undefined || at >= logger.lastSeenAt;
  return {
    ...logger,
    heardBy: { ...logger.heardBy, [listener]: hearing },
    ...(latest ? { lastHeardBy: listener } : {}),
  };
}

/** The outbox without the blind-customer check pending on its alarm (the Logger is no longer DOWN). */
function settled(outbox: readonly StateNotice[]): StateNotice[] {
  return outbox.map(({ awaitingTwin: _, ...notice }) => notice);
}

/** How a notice describes the twin at `now`. */
export function twinFacts(twin: Logger, now: number): TwinFacts {
  return {
    side: twin.side,
    state: displayState(twin, now),
    ...(twin.lastSeenAt === undefined ? {} : { lastSeenAt: twin.lastSeenAt }),
  };
}

/**
 * A heartbeat or event received at `receivedAt` (Listener clock; for a relayed record, when the bridge
 * received it): the deadline moves to `receivedAt + eventTimeout`. `DOWN → UP` records a `LOGGER_RECOVERED` notice; a `PAUSED` Logger stays
 * paused (its arrival is still recorded). Pending notices keep the Logger due for their publication.
 */
export function phoneHome(
  logger: Logger,
  receivedAt: number,
  report: PhoneHomeReport = {},
  outboxRetryMs = DEFAULT_OUTBOX_RETRY_MS,
  /** The Listener that heard it (its name), recorded in {@link Logger.heardBy}. */
  heardBy?: string,
  /** The phone-home's claim: a `LOGGER_RECOVERED` it records is its own to deliver (notice-claims.ts). */
  claim?: NoticeClaim,
): Transition {
  const heard = withHearing(logger, heardBy, receivedAt);
  if (logger.lastSeenAt !== undefined && receivedAt < logger.lastSeenAt) {
    // An older phone-home relayed late (a bridge's spool): it joins the history, but says nothing newer
    // about the Logger, so neither its deadline nor its state moves.
    return { next: { ...heard, arrivals: withArrival(logger.arrivals, receivedAt) } };
  }
  const deadline = deadlineAfter(logger, receivedAt);
  // A success closes a ping URL's start (its run, by rid) and ends a reported failure (the recovery says so).
  const ended = closeRun(logger.runs, receivedAt, report.runId, 'success');
  const { failure, ...closed } = withRunsClosed(heard, ended);
  const run = ended.finished ? { run: ended.finished } : {};
  const seen: Logger = {
    ...closed,
    lastSeenAt: receivedAt,
    arrivals: withArrival(logger.arrivals, receivedAt),
    ...(report.intervalMs === undefined ? {} : { reportedIntervalMs: report.intervalMs }),
    ...(report.agent === undefined ? {} : { agent: report.agent }),
  };
  if (logger.state === 'PAUSED') return { next: { ...seen, deadline }, ...run };
  if (logger.state !== 'DOWN') {
    const up: Logger = { ...seen, state: 'UP', deadline };
    return { next: withDue(up, logger.outbox.length > 0 ? logger.dueAt : watchDueAt(up)), ...run };
  }
  if (logger.held) {
    // No page went out for this silence (held by a mass silence, or dropped): none comes back for it.
    const { downSince: _, ack: _ack, remindAt: _remind, reminders: _count, held: _held, ...quiet } = seen;
    const next: Logger = {
      ...quiet,
      state: 'UP',
      deadline,
      revision: logger.revision + 1,
      outbox: settled(logger.outbox),
    };
    return { next: withDue(next, logger.outbox.length > 0 ? logger.dueAt : watchDueAt(next)), ...run };
  }
  const notice = claimedFor(
    {
      // A failure can end and start again within one millisecond (pings are not bound by a deadline): its
      // all-clear's id also names the revision it ended, so no two notices share an id.
      id: `${noticeId(logger, 'LOGGER_RECOVERED', receivedAt)}${failure ? `#r${logger.revision}` : ''}`,
      kind: 'LOGGER_RECOVERED',
      at: receivedAt,
      deadline,
      ...(logger.lastSeenAt === undefined ? {} : { lastSeenAt: logger.lastSeenAt }),
      // After a reported failure the Logger was never silent: the all-clear counts from the failure.
      silentForMs: failure ? Math.max(0, receivedAt - failure.at) : silenceEndedAt(logger, receivedAt),
      ...(failure
        ? { failure: failure.exitStatus === undefined ? {} : { exitStatus: failure.exitStatus } }
        : {}),
      // A DOWN Logger keeps the deadline its alarm was named after (settings.ts leaves it alone).
      outage: noticeId(logger, 'LOGGER_SILENT', logger.deadline),
    },
    claim?.by,
    claim?.until ?? 0,
  );
  const { downSince: _, ack: _ack, remindAt: _remind, reminders: _count, ...rest } = seen;
  const next: Logger = {
    ...rest,
    state: 'UP',
    deadline,
    revision: logger.revision + 1,
    // Back before the sweeper looked at the twin: whether the customer was blind no longer matters.
    outbox: [...settled(logger.outbox), notice],
    dueAt: receivedAt + outboxRetryMs,
  };
  return { next, notice, ...run };
}

/**
 * How long a DOWN Logger phoning home at `receivedAt` was silent: from its last phone-home (or registration)
 * to this one — and never less than to the deadline its page spoke of. A phone-home received before that
 * deadline but recorded only after the sweeper's DOWN write (a write slowed down past the deadline) cannot
 * shorten the silence the Listener saw and paged for: it once made `after 1ms of silence`.
 */
export function silenceEndedAt(logger: Logger, receivedAt: number): number {
  return Math.max(receivedAt, logger.deadline) - (logger.lastSeenAt ?? logger.registeredAt);
}

/**
 * The sweeper's look at a Logger it found due.
 *
 * - `NEW/UP` past its deadline → `DOWN`, recording a `LOGGER_SILENT` notice that awaits the twin: once
 *   the DOWN write is stored, the sweeper looks at the twin (shared/domain/guards/blind-customer.ts), which says
 *   how the twin is and raises the critical `CUSTOMER_BLIND` when both sides are DOWN.
 * - Inside a maintenance window nothing is raised: the Logger is looked at again when the window ends.
 * - `DOWN`, unacknowledged, with reminders on and the reminder due → a `LOGGER_SILENT` reminder.
 * - Anything else (a stale index entry, a paused Logger) is no transition.
 */
export function sweepLogger(
  logger: Logger,
  now: number,
  options: number | SweepOptions = {},
): Transition | undefined {
  const opts: SweepOptions = typeof options === 'number' ? { outboxRetryMs: options } : options;
  const retryMs = opts.outboxRetryMs ?? DEFAULT_OUTBOX_RETRY_MS;
  if (logger.state === 'DOWN' && logger.held) {
    return now >= logger.held.until && logger.held.notices.length > 0
      ? releaseHeld(logger, now, retryMs, opts.renotifyEveryMs, opts.claimBy)
      : undefined;
  }
  if (logger.state === 'DOWN') return remind(logger, now, retryMs, opts);
  if (logger.state !== 'NEW' && logger.state !== 'UP') return undefined;
  // A started run past its grace pages before the silence deadline: its alarm is named after the run's end.
  // Whichever came first names the cause: the run's grace, or the silence deadline.
  const overdue = overdueRun(logger, now);
  const unfinished = overdue && overdue.deadline <= logger.deadline ? overdue : undefined;
  if (now < logger.deadline && !unfinished) return reindexed(logger);
  const window = activeWindow(logger, now);
  if (window) {
    // Pending notices are published first (their retry keeps the Logger due); then it waits for the end.
    if (logger.outbox.length > 0) return undefined;
    return { next: withDue({ ...logger, revision: logger.revision + 1 }, window.to) };
  }
  const deadline = unfinished ? unfinished.deadline : logger.deadline;
  const notice: StateNotice = {
    id: noticeId(logger, 'LOGGER_SILENT', deadline),
    kind: 'LOGGER_SILENT',
    at: now,
    deadline,
    ...(logger.lastSeenAt === undefined ? {} : { lastSeenAt: logger.lastSeenAt }),
    ...(unfinished
      ? { didNotFinish: { startedAt: unfinished.run.at, graceMs: deadline - unfinished.run.at } }
      : {}),
    awaitingTwin: true,
  };
  // Held pages carry no claim: whoever releases them claims them then.
  const notices = [notice];
  const { ack: _ack, reminders: _count, remindAt: _remind, runs: _runs, ...unpaged } = logger;
  // The runs past their grace are this page's; those still within theirs stay open. The deadline becomes
  // the one the alarm is named after, so its reminders and all-clear name the same outage.
  const open = runsWithinGrace(logger, now);
  const rest: Logger = { ...unpaged, deadline, ...(open.length > 0 ? { runs: open } : {}) };
  if (opts.holdUntil !== undefined && opts.holdUntil > now) {
    // A mass silence: the pages are kept aside (not dropped) and the Logger is looked at again at the hold's end.
    const held: Logger = {
      ...rest,
      state: 'DOWN',
      downSince: now,
      revision: logger.revision + 1,
      held: { notices, until: opts.holdUntil },
    };
    return { next: withDue(held, logger.outbox.length > 0 ? now + retryMs : opts.holdUntil), notice };
  }
  const next: Logger = {
    ...rest,
    state: 'DOWN',
    downSince: now,
    revision: logger.revision + 1,
    outbox: [...logger.outbox, ...notices.map((n) => claimedFor(n, opts.claimBy, now + retryMs))],
    dueAt: now + retryMs,
    ...(opts.renotifyEveryMs ? { remindAt: now + opts.renotifyEveryMs } : {}),
  };
  return { next, notice: claimedFor(notice, opts.claimBy, now + retryMs) };
}

/**
 * A watched Logger looked at before anything is due: its due time corrected if a write could not compute
 * it (a ping URL's start recorded by one write without the Logger's settings sets it to the start itself),
 * or nothing when it is right (a stale index entry).
 */
function reindexed(logger: Logger): Transition | undefined {
  if (logger.outbox.length > 0) return undefined;
  const dueAt = watchDueAt(logger);
  if (logger.dueAt === dueAt) return undefined;
  return { next: withDue({ ...logger, revision: logger.revision + 1 }, dueAt) };
}

/**
 * The hold is over (its end, or an operator's release): the held pages move to the outbox and page as
 * usual, and reminders (if on) start from now.
 */
export function releaseHeld(
  logger: Logger,
  now: number,
  retryMs = DEFAULT_OUTBOX_RETRY_MS,
  renotifyEveryMs?: number,
  /** The releaser's claim id: the released pages are its to deliver. */
  claimBy?: string,
): Transition | undefined {
  if (logger.state !== 'DOWN' || !logger.held || logger.held.notices.length === 0) return undefined;
  const notices = logger.held.notices.map((n) => claimedFor({ ...n, at: now }, claimBy, now + retryMs));
  const { held: _, ...rest } = logger;
  const next: Logger = {
    ...rest,
    revision: logger.revision + 1,
    outbox: [...logger.outbox, ...notices],
    dueAt: now + retryMs,
    ...(renotifyEveryMs ? { remindAt: now + renotifyEveryMs } : {}),
  };
  return { next, ...(notices[0] ? { notice: notices[0] } : {}) };
}

/** An operator drops the held pages: the Logger stays DOWN, unpaged, and its return pages nothing. */
export function dropHeld(logger: Logger, by: string, now: number): Logger | undefined {
  if (logger.state !== 'DOWN' || !logger.held || logger.held.notices.length === 0) return undefined;
  const next: Logger = {
    ...logger,
    held: { notices: [], until: logger.held.until, dropped: { by, at: now } },
    revision: logger.revision + 1,
  };
  return withDue(next, logger.outbox.length > 0 ? logger.dueAt : undefined);
}

/** A reminder for a DOWN Logger nobody owns, when one is due (postponed to the end of maintenance). */
function remind(
  logger: Logger,
  now: number,
  retryMs: number,
  { renotifyEveryMs, claimBy }: SweepOptions,
): Transition | undefined {
  if (logger.remindAt === undefined || now < logger.remindAt || logger.ack || !renotifyEveryMs) {
    return undefined;
  }
  // Pending notices first: once published, the Logger is due at its reminder again.
  if (logger.outbox.length > 0) return undefined;
  const window = activeWindow(logger, now);
  if (window) {
    return { next: withDue({ ...logger, remindAt: window.to, revision: logger.revision + 1 }, window.to) };
  }
  const reminder = (logger.reminders ?? 0) + 1;
  const notice = claimedFor(
    {
      id: `${noticeId(logger, 'LOGGER_SILENT', logger.deadline)}#R${reminder}`,
      kind: 'LOGGER_SILENT',
      at: now,
      deadline: logger.deadline,
      reminder,
      outage: noticeId(logger, 'LOGGER_SILENT', logger.deadline),
      ...(logger.lastSeenAt === undefined ? {} : { lastSeenAt: logger.lastSeenAt }),
    },
    claimBy,
    now + retryMs,
  );
  const next: Logger = {
    ...logger,
    reminders: reminder,
    remindAt: now + renotifyEveryMs,
    revision: logger.revision + 1,
    outbox: [...logger.outbox, notice],
    dueAt: now + retryMs,
  };
  return { next, notice };
}

/**
 * Takes ownership of a DOWN Logger's alarm: who, when, ticket, note. Reminders stop; the alarm stays
 * (visible, owned) until the Logger phones home. Undefined when there is no alarm to own.
 */
export function acknowledge(logger: Logger, ack: Acknowledgement): Logger | undefined {
  if (logger.state !== 'DOWN') return undefined;
  const { remindAt: _, ...rest } = logger;
  const notice = ackNotice(logger, ack);
  const next = { ...rest, ack, revision: logger.revision + 1 };
  if (notice) return withDue({ ...next, outbox: [...logger.outbox, notice] }, ack.at);
  return withDue(next, logger.outbox.length > 0 ? logger.dueAt : undefined);
}

/**
 * The `LOGGER_ACKNOWLEDGED` notice for incident tools (PagerDuty `acknowledge`, Opsgenie acknowledge by
 * alias), recorded in the acknowledgement's own write, after the page in the outbox (so it never reaches a
 * tool before the trigger). Left unclaimed and due now: the next sweep claims it in its conditional write
 * and sends it on every channel — the acknowledger (the CLI, the console) may not hold the channels. None
 * when the alarm was already owned (the tools' incident is acknowledged already) or its pages are held by a
 * mass silence (no incident is open yet).
 */
function ackNotice(logger: Logger, ack: Acknowledgement): StateNotice | undefined {
  if (logger.ack || logger.held?.notices.length) return undefined;
  return {
    id: noticeId(logger, 'LOGGER_ACKNOWLEDGED', ack.at),
    kind: 'LOGGER_ACKNOWLEDGED',
    at: ack.at,
    deadline: logger.deadline,
    outage: noticeId(logger, 'LOGGER_SILENT', logger.deadline),
    ackBy: ack.by,
  };
}

/** Gives an acknowledged alarm back: reminders (if on) resume from `now`. */
export function unacknowledge(logger: Logger, now: number, renotifyEveryMs?: number): Logger | undefined {
  if (!logger.ack) return undefined;
  const { ack: _, ...rest } = logger;
  const remindAt = logger.state === 'DOWN' && renotifyEveryMs ? now + renotifyEveryMs : undefined;
  const next: Logger = {
    ...rest,
    revision: logger.revision + 1,
    ...(remindAt === undefined ? {} : { remindAt }),
  };
  return withDue(next, logger.outbox.length > 0 ? logger.dueAt : (remindAt ?? next.dueAt));
}

/** Adds a maintenance window (dropping ones already over at `now`). */
export function addMaintenance(logger: Logger, window: MaintenanceWindow, now: number): Logger {
  const kept = (logger.maintenance ?? []).filter((w) => w.to > now && w.id !== window.id);
  return { ...logger, maintenance: [...kept, window], revision: logger.revision + 1 };
}

/** Removes a maintenance window by id; undefined if the Logger has none by that id. */
export function removeMaintenance(logger: Logger, id: string): Logger | undefined {
  const windows = logger.maintenance ?? [];
  if (!windows.some((w) => w.id === id)) return undefined;
  const { maintenance: _, ...rest } = logger;
  const kept = windows.filter((w) => w.id !== id);
  const next: Logger = {
    ...rest,
    revision: logger.revision + 1,
    ...(kept.length ? { maintenance: kept } : {}),
  };
  // A Logger waiting for the window's end is looked at again at its deadline.
  const watching = next.state === 'NEW' || next.state === 'UP';
  return watching && next.outbox.length === 0 ? withDue(next, watchDueAt(next)) : next;
}

/**
 * A sweep retrying a pending outbox claims, for `claimBy`, the notices nobody holds (never claimed, given
 * up, or expired) that it can send on some channel in order, and those awaiting the look at the twin; and
 * pushes `dueAt` to the claims' end (the next retry), moving the revision. Undefined when it can claim
 * nothing: other writers hold every pending notice, and the Logger stays due until their claims end.
 */
export function claimOutbox(
  logger: Logger,
  now: number,
  outboxRetryMs: number,
  claimBy: string,
  channels: readonly string[],
): Logger | undefined {
  const until = now + outboxRetryMs;
  const settled = settleClaims(logger.outbox, channels, { claimId: claimBy }, now, until);
  const outbox = settled.map((n) => (n.awaitingTwin && claimable(n, now) ? withClaim(n, claimBy, until) : n));
  if (!outbox.some((n, i) => n !== logger.outbox[i])) return undefined;
  // The revision moves: of two sweeps claiming on the same read, only one write lands.
  return { ...logger, outbox, dueAt: until, revision: logger.revision + 1 };
}

/** What one channel did with the notices it was given: delivered these ids, failed those. */
export interface ChannelDelivery {
  readonly channel: string;
  readonly deliveredIds: readonly string[];
  readonly failedIds: readonly string[];
}

/**
 * After a publication attempt: each notice records the channels that delivered it and counts every
 * channel's attempts; a notice delivered on every one of `channels` leaves the outbox. The revision moves,
 * so a writer that read the notice as pending can no longer write it back (which once made a second
 * all-clear). An alarm still awaiting its twin check stays, delivered or not, so the next sweep checks.
 * Once the outbox is empty the Logger is due at its deadline again; while DOWN only at its next reminder
 * (if any); never while PAUSED. While notices remain, the claim's `dueAt` stands (the retry).
 */
export function outboxDelivered(
  logger: Logger,
  deliveries: readonly ChannelDelivery[],
  channels: readonly string[],
): Logger {
  const outbox = logger.outbox
    .map((notice) => withDeliveries(notice, deliveries))
    .filter((notice) => notice.awaitingTwin || pendingChannels(notice, channels).length > 0);
  const next = { ...logger, outbox, revision: logger.revision + 1 };
  if (outbox.length > 0) return next;
  const watching = logger.state === 'NEW' || logger.state === 'UP';
  const reminding = logger.state === 'DOWN' && !logger.ack ? logger.remindAt : undefined;
  const holding = logger.state === 'DOWN' && logger.held?.notices.length ? logger.held.until : undefined;
  return withDue(next, watching ? watchDueAt(logger) : (holding ?? reminding));
}

/**
 * The write recording a publication's deliveries: {@link outboxDelivered}, then the publisher's claims
 * settled (shared/domain/notices/notice-claims.ts): it gives up what waits behind another writer's notice, keeps
 * what failed, and claims until `until` what nobody holds and it can now send.
 */
export function outboxRecorded(
  logger: Logger,
  deliveries: readonly ChannelDelivery[],
  channels: readonly string[],
  publisher: Publisher,
  now: number,
  until: number,
): Logger {
  const delivered = outboxDelivered(logger, deliveries, channels);
  return { ...delivered, outbox: settleClaims(delivered.outbox, channels, publisher, now, until) };
}

/** The notice with one attempt's deliveries counted: the channels that delivered it join `sent`. */
export function withDeliveries(notice: StateNotice, deliveries: readonly ChannelDelivery[]): StateNotice {
  let { sent = [], attempts = {} } = notice;
  for (const { channel, deliveredIds, failedIds } of deliveries) {
    const delivered = deliveredIds.includes(notice.id);
    if (!delivered && !failedIds.includes(notice.id)) continue;
    attempts = { ...attempts, [channel]: (attempts[channel] ?? 0) + 1 };
    if (delivered && !sent.includes(channel)) sent = [...sent, channel];
  }
  return sent.length === 0 && Object.keys(attempts).length === 0 ? notice : { ...notice, sent, attempts };
}

/** Notices published on every channel at once (tools and fixtures): they leave the outbox. */
export function outboxPublished(logger: Logger, publishedIds: readonly string[]): Logger {
  const delivery = { channel: 'all', deliveredIds: publishedIds, failedIds: [] };
  return outboxDelivered(logger, [delivery], ['all']);
}

/** Pauses watching: no deadline is enforced and nothing is paged until {@link resume}. */
export function pause(logger: Logger): Logger {
  const { dueAt: _, remindAt: _remind, reminders: _count, ...rest } = logger;
  return withDue(
    { ...rest, state: 'PAUSED', revision: logger.revision + 1 },
    logger.outbox.length > 0 ? logger.dueAt : undefined,
  );
}

/** Resumes watching: the Logger gets a full event timeout from now (a pause is not silence). */
export function resume(logger: Logger, now: number): Logger {
  if (logger.state !== 'PAUSED') return logger;
  const deadline = deadlineAfter(logger, now);
  const state = logger.lastSeenAt === undefined ? 'NEW' : 'UP';
  const resumed: Logger = { ...logger, state, deadline, revision: logger.revision + 1 };
  return withDue(resumed, logger.outbox.length > 0 ? logger.dueAt : watchDueAt(resumed));
}

function withDue(logger: Logger, dueAt: number | undefined): Logger {
  const { dueAt: _, ...rest } = logger;
  return dueAt === undefined ? rest : { ...rest, dueAt };
}
