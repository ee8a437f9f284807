/**
 * Healthchecks-compatible ping URLs (`/ping/<uuid>[/<suffix>]`): what a request path means, and the exact
 * answers Healthchecks' open-source server gives (hc/api/urls.py, hc/api/views.py). Pure: no clock, no I/O.
 *
 * The uuid is a secret like a Logger's token: random (UUIDv4), stored only as a SHA-256 hash, replaced by
 * `rotate-token`.
 */
import { createHash, randomUUID } from 'node:crypto';

/** Where ping URLs live on the API, beside `/v1/…` and `/console`. */
export const PING_PATH = '/ping';

/**
 * Bytes of a POST body a ping keeps (Healthchecks' self-hosted PING_BODY_LIMIT default), announced in the
 * `Ping-Body-Limit` header. This slice accepts any body (invalid UTF-8 included) and keeps none yet: the
 * per-Logger ping history that will keep its first bytes is still to come.
 */
export const PING_BODY_LIMIT = 10_000;

/** What a ping says about the job behind it. */
export type PingSignal =
  /** No suffix, a trailing slash, or `/0`: the job succeeded (a phone-home). */
  | { readonly kind: 'success' }
  /** `/start`: the job started. */
  | { readonly kind: 'start' }
  /** `/fail`, or `/<1-255>`: the job failed (with that exit status). */
  | { readonly kind: 'fail'; readonly exitStatus?: number }
  /** `/log`: recorded only. */
  | { readonly kind: 'log' };

/** A ping path understood: the uuid it names, the signal, and an exit status too large to be one. */
export interface PingPath {
  readonly uuid: string;
  readonly signal: PingSignal;
  /** `/<n>` with n > 255: Healthchecks answers 400 `invalid url format`, once it found the uuid. */
  readonly exitStatusTooLarge?: true;
}

/** An answer of the ping endpoint: a status and a short plain-text body, as Healthchecks words them. */
export interface PingAnswer {
  readonly status: 200 | 400 | 404;
  readonly body: 'OK' | 'not found' | 'invalid url format' | 'invalid uuid format';
}

export const PING_ANSWERS = {
  ok: { status: 200, body: 'OK' },
  notFound: { status: 404, body: 'not found' },
  invalidUrl: { status: 400, body: 'invalid url format' },
  invalidRid: { status: 400, body: 'invalid uuid format' },
} as const satisfies Record<string, PingAnswer>;

/** Django's `uuid` path converter: canonical, lower-case, hyphenated (any version). */
const PATH_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** A `rid`: a canonical UUID, upper-case accepted (Healthchecks ≥ 3.10). */
const RID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Django's `int` path converter. */
const EXIT_STATUS = /^[0-9]+$/;

/**
 * What `/ping/<uuid>[/<suffix>]` means; undefined when it is no ping URL Healthchecks routes (a malformed
 * or un-hyphenated uuid, an unknown suffix, a trailing slash after a suffix): a 404 `not found`.
 */
export function parsePingPath(path: string): PingPath | undefined {
  if (!path.startsWith(`${PING_PATH}/`)) return undefined;
  const [uuid = '', suffix, ...rest] = path.slice(PING_PATH.length + 1).split('/');
  if (!PATH_UUID.test(uuid) || rest.length > 0) return undefined;
  if (suffix === undefined || suffix === '') return { uuid, signal: { kind: 'success' } };
  if (suffix === 'start' || suffix === 'log') return { uuid, signal: { kind: suffix } };
  if (suffix === 'fail') return { uuid, signal: { kind: 'fail' } };
  if (!EXIT_STATUS.test(suffix)) return undefined;
  const exitStatus = Number(suffix);
  if (exitStatus > 255) return { uuid, signal: { kind: 'fail' }, exitStatusTooLarge: true };
  return { uuid, signal: exitStatus === 0 ? { kind: 'success' } : { kind: 'fail', exitStatus } };
}

/** Whether a `rid` query value is acceptable (absent is). */
export function validRid(rid: string | undefined): boolean {
  return rid === undefined || RID.test(rid);
}

/**
 * The answer owed before anything is recorded for a ping URL that names a Logger, in Healthchecks' order:
 * an exit status over 255 first, then a bad rid; undefined when the ping is to be recorded.
 */
export function refusal(ping: PingPath, rid: string | undefined): PingAnswer | undefined {
  if (ping.exitStatusTooLarge) return PING_ANSWERS.invalidUrl;
  if (!validRid(rid)) return PING_ANSWERS.invalidRid;
  return undefined;
}

/** A new ping uuid (random UUIDv4): shown once, stored only as {@link hashPingUuid}. */
export function newPingUuid(): string {
  return randomUUID();
}

/** SHA-256 (hex) of a ping uuid: the only form in which it is stored. */
export function hashPingUuid(uuid: string): string {
  return createHash('sha256').update(`ping:${uuid}`, 'utf8').digest('hex');
}

/** The ping URL of `uuid` on the Listener at `apiUrl` (no trailing slash). */
export function pingUrl(apiUrl: string, uuid: string): string {
  return `${apiUrl.replace(/\/+$/, '')}${PING_PATH}/${uuid}`;
}
