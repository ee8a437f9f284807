/**
 * Mapping between domain values and DynamoDB items (see table-schema.ts for the key design).
 *
 * Over 400 lines on purpose: every item's keys and codec (the Logger item, the heartbeat's one update, the
 * transition write, events, expiry) live here, so the table's layout is read and changed in one place and
 * the adapters (dynamo-logger-store.ts, dynamo-watchlist.ts…) only send requests.
 */
import type { LoggerEvent, Severity } from '../../../domain/event.js';
import {
  type Acknowledgement,
  ARRIVALS_CAP,
  type FinishedRun,
  formatLoggerId,
  type Hearing,
  type HeldPages,
  type Logger,
  type LoggerId,
  type MaintenanceWindow,
  type PhoneHomeConfig,
  parseLoggerId,
  type ReportedFailure,
  type RunStart,
  type StateNotice,
  type StoredState,
  type Transport,
} from '../../../domain/logger.js';
import type { RecentPing } from '../../../domain/pings/history.js';
import type { CronSchedule } from '../../../domain/pings/schedule.js';
import type { PhoneHomeReport } from '../../../domain/transitions.js';
import type { PhoneHomeProof } from '../../../ports/logger-store.js';
import { DUE_SHARDS, FLEET_INDEX } from '../table-schema.js';

export const LOGGER_SK = 'LOGGER';
export const EVENT_SK_PREFIX = 'EVENT#';
export const RELAYED_SK_PREFIX = 'RELAYED#';
/** The partition-key prefix of a Logger's items (the Logger, its events, its relayed-record markers). */
export const PK_PREFIX = 'LOGGER#';

type Item = Record<string, unknown>;

export function loggerKey(id: LoggerId): { pk: string; sk: string } {
  return { pk: `${PK_PREFIX}${formatLoggerId(id)}`, sk: LOGGER_SK };
}

export function eventKey(id: LoggerId, eventId: string): { pk: string; sk: string } {
  return { pk: `${PK_PREFIX}${formatLoggerId(id)}`, sk: `${EVENT_SK_PREFIX}${eventId}` };
}

/** A customer's blind record: the last blind episode and the side that raised its page. */
export function blindRecordKey(customer: string): { pk: string; sk: string } {
  return { pk: `CUSTOMER#${customer}`, sk: 'BLIND' };
}

/** A dial-in bridge's credential. */
export function bridgeKey(site: string): { pk: string; sk: string } {
  return { pk: `BRIDGE#${site}`, sk: 'BRIDGE' };
}

/** The marker that a relayed record (by its id) was applied to a Logger. */
export function relayedRecordKey(id: LoggerId, recordId: string): { pk: string; sk: string } {
  return { pk: `${PK_PREFIX}${formatLoggerId(id)}`, sk: `${RELAYED_SK_PREFIX}${recordId}` };
}

export function loggerIdOfPk(pk: string): LoggerId {
  return parseLoggerId(pk.slice(PK_PREFIX.length));
}

/** The `due` index shard of a Logger: a stable hash (FNV-1a) of its id, so its events land beside it. */
export function shardOf(id: LoggerId): string {
  return shardOfText(formatLoggerId(id));
}

/** The `due` index shard of any text (an item not under a Logger, such as a used link). */
export function shardOfText(text: string): string {
  let hash = 0x811c9dc5;
  for (const char of text) {
    hash ^= char.charCodeAt(0);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return `due#${hash % DUE_SHARDS}`;
}

/**
 * Which Listener heard a Logger, one top-level attribute per Listener (`heardAt#GEOCSCLNRA`,
 * `firstHeardAt#GEOCSCLNRA`): the heartbeat's one update may SET them whether or not they exist yet, which
 * a path inside a map attribute could not.
 */
const HEARD_AT_PREFIX = 'heardAt#';
const FIRST_HEARD_AT_PREFIX = 'firstHeardAt#';

export function heardAtAttribute(listener: string): string {
  return `${HEARD_AT_PREFIX}${listener}`;
}

export function firstHeardAtAttribute(listener: string): string {
  return `${FIRST_HEARD_AT_PREFIX}${listener}`;
}

function hearingAttributes(logger: Logger): Item {
  const item: Item = { lastHeardBy: logger.lastHeardBy };
  for (const [listener, hearing] of Object.entries(logger.heardBy ?? {})) {
    item[heardAtAttribute(listener)] = hearing.last;
    item[firstHeardAtAttribute(listener)] = hearing.first;
  }
  return item;
}

function hearingsFromItem(item: Item): Pick<Logger, 'heardBy' | 'lastHeardBy'> {
  const heardBy: Record<string, Hearing> = {};
  for (const [attribute, value] of Object.entries(item)) {
    if (!attribute.startsWith(HEARD_AT_PREFIX) || typeof value !== 'number') continue;
    const listener = attribute.slice(HEARD_AT_PREFIX.length);
    const first = item[firstHeardAtAttribute(listener)];
    heardBy[listener] = { first: typeof first === 'number' ? first : value, last: value };
  }
  return {
    ...(Object.keys(heardBy).length > 0 ? { heardBy } : {}),
    ...(typeof item.lastHeardBy === 'string' ? { lastHeardBy: item.lastHeardBy } : {}),
  };
}

/** The attributes a transition may change; everything else is fixed at registration. */
function mutableAttributes(logger: Logger): Item {
  return {
    ...hearingAttributes(logger),
    state: logger.state,
    deadline: logger.deadline,
    revision: logger.revision,
    lastSeenAt: logger.lastSeenAt,
    downSince: logger.downSince,
    outbox: logger.outbox.length > 0 ? logger.outbox : undefined,
    dueAt: logger.dueAt,
    dueShard: logger.dueAt === undefined ? undefined : shardOf(logger),
    reportedIntervalMs: logger.reportedIntervalMs,
    agent: logger.agent,
    arrivals: logger.arrivals && logger.arrivals.length > 0 ? logger.arrivals : undefined,
    ack: logger.ack,
    maintenance: logger.maintenance && logger.maintenance.length > 0 ? logger.maintenance : undefined,
    remindAt: logger.remindAt,
    reminders: logger.reminders,
    held: logger.held,
    stateShard: stateShardOf(logger),
    runs: logger.runs && logger.runs.length > 0 ? logger.runs : undefined,
    lastRun: logger.lastRun,
    // The open start before runs were paired by rid (read as a run by loggerFromItem): any write replaces it.
    startedAt: undefined,
    failure: logger.failure,
  };
}

/** The `state` index key of a DOWN or PAUSED Logger (`DOWN#3`); absent otherwise, so the index stays sparse. */
export function stateShardOf(logger: Logger): string | undefined {
  if (logger.state !== 'DOWN' && logger.state !== 'PAUSED') return undefined;
  return `${logger.state}#${shardOf(logger).slice('due#'.length)}`;
}

/** The Listener's own record of its sweeper: `pk = LISTENER#SWEEPER`, `sk = SWEEPER`. */
export const SWEEPER_KEY = { pk: 'LISTENER#SWEEPER', sk: 'SWEEPER' } as const;

/**
 * A sweeper's record: the single Listener's at `SWEEPER`; each side of a pair at `SWEEPER#<its name>`, so
 * one side's sweeps never vouch for the other's (they share the table).
 */
export function sweeperKey(listenerName?: string): { pk: string; sk: string } {
  return listenerName ? { pk: SWEEPER_KEY.pk, sk: `${SWEEPER_KEY.sk}#${listenerName}` } : SWEEPER_KEY;
}

/** The mass-silence guard's record: `pk = LISTENER#MASS_SILENCE`, `sk = MASS_SILENCE` (one per Listener). */
export const MASS_SILENCE_KEY = { pk: 'LISTENER#MASS_SILENCE', sk: 'MASS_SILENCE' } as const;

/** A Listener's sweep beacon, read by its twin: `pk = LISTENER#SWEEP#<name>`, `sk = SWEEP`. */
export function beaconKey(listenerName: string) {
  return { pk: `LISTENER#SWEEP#${listenerName}`, sk: 'SWEEP' } as const;
}

/** What `watcher` judged of its twin: `pk = LISTENER#TWIN_WATCH#<watcher>#<twin>`, `sk = TWIN_WATCH`. */
export function twinWatchKey(watcher: string, twin: string) {
  return { pk: `LISTENER#TWIN_WATCH#${watcher}#${twin}`, sk: 'TWIN_WATCH' } as const;
}

/** How a Listener's notification channels are doing: `pk = LISTENER#CHANNELS#<name>`, `sk = CHANNELS`. */
export function channelHealthKey(listenerName: string) {
  return { pk: `LISTENER#CHANNELS#${listenerName}`, sk: 'CHANNELS' } as const;
}

export function loggerItem(logger: Logger, tokenHash: string): Item {
  return {
    ...loggerKey(logger),
    [FLEET_INDEX.partition]: LOGGER_SK,
    [FLEET_INDEX.sort]: formatLoggerId(logger),
    customer: logger.customer,
    side: logger.side,
    transport: logger.transport,
    eventTimeoutMs: logger.eventTimeoutMs,
    heartbeatIntervalMs: logger.heartbeatIntervalMs,
    registeredAt: logger.registeredAt,
    phoneHome: logger.phoneHome,
    ...(logger.bridges && logger.bridges.length > 0 ? { bridges: [...logger.bridges] } : {}),
    ...(logger.owner ? { owner: logger.owner } : {}),
    ...(logger.note ? { note: logger.note } : {}),
    ...(logger.schedule ? { schedule: logger.schedule } : {}),
    tokenHash,
    ...mutableAttributes(logger),
  };
}

/**
 * The one conditional UpdateItem of the heartbeat path (LoggerStore.recordPhoneHome): records a phone-home
 * of Logger `id` at `receivedAt` if `proof` matches and nothing needs the state machine. Also what the
 * ingest bench's raw baseline sends, so both sides of its ratio ask DynamoDB for the same work.
 */
export function phoneHomeUpdate(
  tableName: string,
  id: LoggerId,
  proof: PhoneHomeProof,
  receivedAt: number,
  report: PhoneHomeReport,
  options: { readonly now?: number; readonly heardBy?: string } = {},
) {
  const ping = pingOf(proof);
  const sets = [
    '#lastSeenAt = :now',
    '#deadline = :now + #eventTimeoutMs',
    '#dueAt = :now + #eventTimeoutMs',
    '#dueShard = :shard',
    '#state = :up',
    '#arrivals = list_append(if_not_exists(#arrivals, :noArrivals), :arrival)',
  ];
  const names: Record<string, string> = {
    '#lastSeenAt': 'lastSeenAt',
    '#deadline': 'deadline',
    '#eventTimeoutMs': 'eventTimeoutMs',
    '#dueAt': 'dueAt',
    '#dueShard': 'dueShard',
    '#state': 'state',
    '#outbox': 'outbox',
    '#arrivals': 'arrivals',
    '#proof': proofAttribute(proof),
    '#startedAt': 'startedAt',
    '#schedule': 'schedule',
    '#runs': 'runs',
    ...(ping ? { '#pingSeq': 'pingSeq', '#recentPings': RECENT_PINGS } : {}),
    ...(bridgeOf(proof) !== undefined ? { '#bridges': 'bridges' } : {}),
  };
  const values: Record<string, unknown> = {
    ':now': receivedAt,
    ':shard': shardOf(id),
    ':up': 'UP',
    ':new': 'NEW',
    ':noArrivals': [],
    ':arrival': [receivedAt],
    ':arrivalsCap': ARRIVALS_CAP,
    ...(ping ? { ':one': 1, ':noPings': [], ':ping': [recentPingItem(ping)] } : {}),
  };
  let proven = '#proof = :proof';
  values[':proof'] =
    'tokenHash' in proof ? proof.tokenHash : 'pingHash' in proof ? proof.pingHash : proof.transport;
  const bridge = bridgeOf(proof);
  if (bridge !== undefined) {
    // Bound to this bridge's site, or (a legacy modem Logger) to none: the same one request either way.
    proven += ' AND (attribute_not_exists(#bridges) OR contains(#bridges, :bridge))';
    values[':bridge'] = bridge;
  }
  if (report.intervalMs !== undefined) {
    sets.push('#reportedIntervalMs = :interval');
    names['#reportedIntervalMs'] = 'reportedIntervalMs';
    values[':interval'] = report.intervalMs;
  }
  if (report.agent !== undefined) {
    sets.push('#agent = :agent');
    names['#agent'] = 'agent';
    values[':agent'] = report.agent;
  }
  if (options.heardBy !== undefined) {
    // Per-Listener top-level attributes: a SET on them needs no map to exist beforehand.
    sets.push(
      '#heardAt = :now',
      '#firstHeardAt = if_not_exists(#firstHeardAt, :now)',
      '#lastHeardBy = :heardBy',
    );
    names['#heardAt'] = heardAtAttribute(options.heardBy);
    names['#firstHeardAt'] = firstHeardAtAttribute(options.heardBy);
    names['#lastHeardBy'] = 'lastHeardBy';
    values[':heardBy'] = options.heardBy;
  }
  // A relayed record applied at its (past) receipt time must still be within the Logger's timeout.
  const ageMs = (options.now ?? receivedAt) - receivedAt;
  const ageCheck = ageMs > 0 ? ' AND #eventTimeoutMs >= :age' : '';
  if (ageMs > 0) values[':age'] = ageMs;
  return {
    TableName: tableName,
    Key: loggerKey(id),
    // Any phone-home is a success: it closes a ping URL's start (one recorded before runs were paired). A
    // ping also takes the next number of its history and joins the recent pings (ALL_NEW hands both back),
    // in this same request; a heartbeat never touches them.
    UpdateExpression: `SET ${sets.join(', ')}${ping ? `, ${APPEND_PING}` : ''} REMOVE #startedAt${ping ? ' ADD #pingSeq :one' : ''}`,
    // Only the plain case is done in one request; a DOWN, PAUSED or outbox-pending Logger needs the
    // state machine, so the condition fails and hands back the stored item in the same request.
    // The arrival history grows here until the cap; then the state machine's path trims it to the last
    // 20 (one heartbeat in about 20), so the steady state stays one request.
    // A phone-home older than the last one (a late relayed record), or older than the timeout, also
    // takes the state machine's path, which keeps the deadline from moving backwards. So does a Logger
    // with a run open (a ping URL's start): the state machine pairs the success with it (runs.ts).
    // A cron Logger's deadline (its next occurrence + grace, shared/domain/pings/schedule.ts) is no arithmetic an
    // UpdateExpression can do: it takes the state machine's path too, reading the item this request hands
    // back — two requests per phone-home, where an interval Logger's is one.
    ConditionExpression: `${proven} AND attribute_not_exists(#schedule) AND #state IN (:new, :up) AND attribute_not_exists(#outbox) AND attribute_not_exists(#runs) AND (attribute_not_exists(#arrivals) OR size(#arrivals) < :arrivalsCap) AND (attribute_not_exists(#lastSeenAt) OR #lastSeenAt <= :now)${ageCheck}`,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
    ReturnValues: 'ALL_NEW',
    ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
  } as const;
}

/** The Logger item's attribute of its recent pings (shared/domain/pings/history.ts), compact entries. */
export const RECENT_PINGS = 'recentPings';
/** Appends `:ping` (a one-entry list) to the recent pings: with `#recentPings` and `:noPings` ([]). */
export const APPEND_PING = '#recentPings = list_append(if_not_exists(#recentPings, :noPings), :ping)';

/** The ping a proof carries to be kept, if any. */
function pingOf(proof: PhoneHomeProof): RecentPing | undefined {
  return 'pingHash' in proof ? proof.ping : undefined;
}

/**
 * A recent ping as the Logger item keeps it: one-letter names, since the `due` index projects every
 * attribute and an item's size is what its writes cost (1 WCU a KB, on the table and on the index).
 */
export function recentPingItem(ping: RecentPing): Item {
  return {
    t: ping.at,
    k: ping.kind,
    ...(ping.exitStatus === undefined ? {} : { x: ping.exitStatus }),
    ...(ping.durationMs === undefined ? {} : { d: ping.durationMs }),
    ...(ping.method === undefined ? {} : { m: ping.method }),
    ...(ping.source === undefined ? {} : { s: ping.source }),
    ...(ping.userAgent === undefined ? {} : { u: ping.userAgent }),
    ...(ping.bodyBytes === undefined ? {} : { b: ping.bodyBytes }),
  };
}

/** The recent ping an item's entry holds (what {@link recentPingItem} wrote). */
export function recentPingFromItem(entry: Item): RecentPing {
  const text = (key: string, name: string) => (typeof entry[key] === 'string' ? { [name]: entry[key] } : {});
  const num = (key: string, name: string) => (typeof entry[key] === 'number' ? { [name]: entry[key] } : {});
  return {
    at: Number(entry.t),
    kind: String(entry.k) as RecentPing['kind'],
    ...num('x', 'exitStatus'),
    ...num('d', 'durationMs'),
    ...text('m', 'method'),
    ...text('s', 'source'),
    ...text('u', 'userAgent'),
    ...num('b', 'bodyBytes'),
  } as RecentPing;
}

/** The attribute a proof is checked against: the token's hash, the ping URL's hash, or the transport. */
function proofAttribute(proof: PhoneHomeProof): string {
  return 'tokenHash' in proof ? 'tokenHash' : 'pingHash' in proof ? 'pingHash' : 'transport';
}

/** The relaying bridge's site a proof names (a relayed record), if any. */
function bridgeOf(proof: PhoneHomeProof): string | undefined {
  return 'bridge' in proof ? proof.bridge : undefined;
}

/**
 * The conditional update writing `after` over `before`: guarded by the revision and deadline read, so a
 * heartbeat recorded meanwhile (which moves the deadline) or another worker's transition wins.
 */
export function transitionUpdate(before: Logger, after: Logger) {
  const sets: string[] = [];
  const removes: string[] = [];
  const names: Record<string, string> = {};
  const values: Item = { ':expectedRevision': before.revision, ':expectedDeadline': before.deadline };
  // Placeholders by position: an attribute name such as `heardAt#GEOCSCLNRA-DEV` is not a valid placeholder.
  for (const [i, [attribute, value]] of Object.entries(mutableAttributes(after)).entries()) {
    names[`#a${i}`] = attribute;
    if (value === undefined) removes.push(`#a${i}`);
    else {
      sets.push(`#a${i} = :a${i}`);
      values[`:a${i}`] = value;
    }
  }
  names['#expectedRevision'] = 'revision';
  names['#expectedDeadline'] = 'deadline';
  let condition = '#expectedRevision = :expectedRevision AND #expectedDeadline = :expectedDeadline';
  const counted = after.pingSeq !== undefined && after.pingSeq !== before.pingSeq;
  const added = counted ? (after.recentPings ?? []).slice((before.recentPings ?? []).length) : [];
  if (added.length > 0) {
    // Appended, never written whole: a chunk moved out meanwhile (which moves no count) stays moved out.
    names['#recentPings'] = RECENT_PINGS;
    sets.push(APPEND_PING);
    values[':noPings'] = [];
    values[':ping'] = added.map(recentPingItem);
  }
  if (counted) {
    // The transition counts a ping (its number in the history): on the count it read, or a concurrent `/log`
    // ping (which moves neither revision nor deadline) would get the same number.
    names['#pingSeq'] = 'pingSeq';
    sets.push('#pingSeq = :pingSeq');
    values[':pingSeq'] = after.pingSeq;
    condition += ` AND ${before.pingSeq === undefined ? 'attribute_not_exists(#pingSeq)' : '#pingSeq = :expectedPingSeq'}`;
    if (before.pingSeq !== undefined) values[':expectedPingSeq'] = before.pingSeq;
  }
  return {
    Key: loggerKey(after),
    UpdateExpression: [
      sets.length ? `SET ${sets.join(', ')}` : '',
      removes.length ? `REMOVE ${removes.join(', ')}` : '',
    ]
      .join(' ')
      .trim(),
    ConditionExpression: condition,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
}

export function loggerFromItem(item: Item): Logger {
  const optional = (name: string) => (typeof item[name] === 'number' ? { [name]: item[name] as number } : {});
  return {
    customer: String(item.customer),
    side: item.side as 'A' | 'B',
    transport: item.transport as Transport,
    eventTimeoutMs: Number(item.eventTimeoutMs),
    heartbeatIntervalMs: Number(item.heartbeatIntervalMs),
    state: item.state as StoredState,
    registeredAt: Number(item.registeredAt),
    deadline: Number(item.deadline),
    revision: Number(item.revision ?? 0),
    outbox: Array.isArray(item.outbox) ? (item.outbox as StateNotice[]) : [],
    ...optional('lastSeenAt'),
    ...optional('downSince'),
    ...optional('dueAt'),
    ...optional('reportedIntervalMs'),
    ...(typeof item.agent === 'string' ? { agent: item.agent } : {}),
    ...optional('remindAt'),
    ...optional('reminders'),
    ...(Array.isArray(item.arrivals) ? { arrivals: (item.arrivals as unknown[]).map(Number) } : {}),
    ...(isObject(item.ack) ? { ack: item.ack as unknown as Acknowledgement } : {}),
    ...(Array.isArray(item.maintenance) ? { maintenance: item.maintenance as MaintenanceWindow[] } : {}),
    ...(isObject(item.phoneHome) ? { phoneHome: item.phoneHome as PhoneHomeConfig } : {}),
    ...(Array.isArray(item.bridges) ? { bridges: (item.bridges as unknown[]).map(String) } : {}),
    ...(typeof item.owner === 'string' ? { owner: item.owner } : {}),
    ...(typeof item.note === 'string' ? { note: item.note } : {}),
    ...(isObject(item.schedule) ? { schedule: item.schedule as unknown as CronSchedule } : {}),
    ...(isObject(item.held) ? { held: item.held as unknown as HeldPages } : {}),
    ...runsFromItem(item),
    ...optional('lastLogAt'),
    ...optional('pingSeq'),
    ...(Array.isArray(item[RECENT_PINGS])
      ? { recentPings: (item[RECENT_PINGS] as Item[]).filter(isObject).map(recentPingFromItem) }
      : {}),
    ...(isObject(item.failure) ? { failure: item.failure as unknown as ReportedFailure } : {}),
    ...hearingsFromItem(item),
  };
}

/** Open runs and the last finished one; a legacy `startedAt` (before rids were paired) is one open run. */
function runsFromItem(item: Item): Pick<Logger, 'runs' | 'lastRun'> {
  const runs = Array.isArray(item.runs)
    ? (item.runs as RunStart[])
    : typeof item.startedAt === 'number'
      ? [{ at: item.startedAt }]
      : [];
  return {
    ...(runs.length > 0 ? { runs } : {}),
    ...(isObject(item.lastRun) ? { lastRun: item.lastRun as unknown as FinishedRun } : {}),
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The attributes that make an item expire at `expiresAtMs` without TTL: `expiresAt` (epoch seconds, also
 * TTL's format), `purgeAt` (ms), and — unless something is still pending on it (an unpublished event) —
 * its place in the `due` index at that time, where the sweeper finds and deletes it.
 */
export function expiring(expiresAtMs: number, shard: string, inDueIndex = true): Item {
  const purgeAt = Math.floor(expiresAtMs / 1000) * 1000;
  return {
    expiresAt: purgeAt / 1000,
    purgeAt,
    ...(inDueIndex ? { dueShard: shard, dueAt: purgeAt } : {}),
  };
}

/** An expiring item past its expiry at `now` (ms); false for an item that does not expire. */
export function isExpired(item: Item, now: number): boolean {
  const purgeAt =
    typeof item.purgeAt === 'number'
      ? item.purgeAt
      : typeof item.expiresAt === 'number'
        ? item.expiresAt * 1000
        : undefined;
  return purgeAt !== undefined && purgeAt <= now;
}

export function eventItem(
  id: LoggerId,
  event: LoggerEvent,
  options: { expiresAt: number; publishRetryAt: number },
): Item {
  return {
    ...eventKey(id, event.id),
    eventId: event.id,
    occurredAt: event.occurredAt,
    severity: event.severity,
    source: event.source,
    message: event.message,
    receivedAt: event.receivedAt,
    ...expiring(options.expiresAt, shardOf(id), false),
    // Until published; then at its expiry (recordEventDelivery), when the sweeper deletes it.
    dueShard: shardOf(id),
    dueAt: options.publishRetryAt,
  };
}

export function eventFromItem(item: Item): LoggerEvent {
  return {
    id: String(item.eventId),
    occurredAt: String(item.occurredAt),
    severity: item.severity as Severity,
    message: String(item.message),
    receivedAt: Number(item.receivedAt),
    ...(typeof item.source === 'string' ? { source: item.source } : {}),
  };
}
