/**
 * The relay HTTP contract between an on-prem dial-in bridge and the cloud Listener.
 *
 * `POST <apiUrl>/v1/relay` with `Authorization: Bearer <bridge token>` and `Content-Type: application/json`,
 * body {@link RelayRequest}. A 200 answer carries one {@link RelayResult} per record, in order. The whole
 * batch is refused with 400 (malformed), 413 (too large) or 415 (wrong content type) and a
 * {@link RelayErrorBody}; 401 means the bridge token is unknown; 429/5xx mean "retry later" (503 may carry
 * `Retry-After: <seconds>`).
 *
 * Shared by the bridge's relay client and the relay Lambda, so both validate the same shapes. Pure: zod
 * schemas (zod/mini: the relay Lambda bundles them, see shared/strict-schema.ts), types and constants only.
 */
import * as z from 'zod/mini';
import { MAX_EVENT_MESSAGE_BYTES, SEVERITIES } from '../domain/event.js';
import { customerSchema, sideSchema } from '../domain/logger.js';
import { strictObject } from '../strict-schema.js';

/** The relay endpoint, relative to the API base URL. */
export const RELAY_PATH = '/v1/relay';
/** At most this many records per request. */
export const MAX_RELAY_RECORDS = 100;
/** At most this many bytes (UTF-8 JSON body) per request. */
export const MAX_RELAY_BODY_BYTES = 256 * 1024;
/** Record ids: what the Logger (or the bridge) chose; the relay deduplicates on `(customer, side, id)`. */
export const RECORD_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;

const utf8Bytes = (text: string): number => Buffer.byteLength(text, 'utf8');

export const recordIdSchema = z
  .string({ error: 'a record id is text' })
  .check(
    z.regex(RECORD_ID_PATTERN, 'a record id is 1–128 characters of A–Z, a–z, 0–9, ".", "_", ":" or "-"'),
  );
export const severitySchema = z.enum(SEVERITIES, {
  error: 'the severity is info, warning, error or critical',
});
/** ISO-8601 date-time with `Z` or an offset, as the Logger's clock wrote it. */
export const loggerTimeSchema = z.iso.datetime({
  offset: true,
  error: 'an ISO-8601 date-time with Z or an offset, e.g. 2026-11-04T10:15:00Z',
});
export const messageSchema = z.string({ error: 'the message is text' }).check(
  z.minLength(1, 'the message must not be empty'),
  z.refine((text) => utf8Bytes(text) <= MAX_EVENT_MESSAGE_BYTES, {
    message: `the message is at most ${MAX_EVENT_MESSAGE_BYTES} bytes (UTF-8)`,
  }),
);
export const sourceSchema = z
  .string({ error: 'the source is text' })
  .check(
    z.minLength(1, 'the source must not be empty'),
    z.maxLength(256, 'the source is at most 256 characters'),
  );
const WHOLE_MINUTES = 'intervalMinutes is a whole number of minutes';
const INTERVAL_RANGE = 'intervalMinutes is from 1 to 10080 (7 days)';
export const intervalMinutesSchema = z
  .number({ error: WHOLE_MINUTES })
  .check(z.int({ error: WHOLE_MINUTES }), z.gte(1, INTERVAL_RANGE), z.lte(7 * 24 * 60, INTERVAL_RANGE));

const base = {
  id: recordIdSchema,
  customer: customerSchema,
  side: sideSchema,
  at: loggerTimeSchema,
  /**
   * When the bridge received the record (its clock, ISO-8601). A record spooled through an outage is
   * applied at this time (bounded to the Logger's timeout before the Listener's now), not at delivery.
   */
  receivedAt: z.optional(
    z.iso.datetime({ offset: true, error: 'receivedAt is an ISO-8601 date-time, e.g. 2026-11-04T10:15:00Z' }),
  ),
};

export const relayHeartbeatSchema = strictObject({
  ...base,
  type: z.literal('heartbeat'),
  intervalMinutes: z.optional(intervalMinutesSchema),
});

export const relayEventSchema = strictObject({
  ...base,
  type: z.literal('event'),
  severity: severitySchema,
  source: z.optional(sourceSchema),
  message: messageSchema,
});

/** One phone-home record relayed by a bridge: a heartbeat, or an alarm event (which needs severity and message). */
export const relayRecordSchema = z.discriminatedUnion('type', [relayHeartbeatSchema, relayEventSchema], {
  error: 'type is "heartbeat" or "event"',
});

export const relayRequestSchema = strictObject({
  /**
   * The bridge's site name. The token alone identifies the bridge: a site other than the token's is
   * refused as a whole (403), so a bridge cannot speak as another.
   */
  bridge: z.optional(
    z
      .string({ error: 'the bridge is its site name' })
      .check(
        z.minLength(1, 'the bridge is its site name'),
        z.maxLength(64, 'the bridge is at most 64 characters'),
      ),
  ),
  records: z
    .array(relayRecordSchema, { error: 'records is a list of 1–100 records' })
    .check(
      z.minLength(1, 'send at least one record'),
      z.maxLength(MAX_RELAY_RECORDS, `send at most ${MAX_RELAY_RECORDS} records per request`),
    ),
});

/**
 * `accepted`, `duplicate` (settled: the Listener has it), `rejected` (an invalid record, or an unknown Logger
 * or one of another transport) and `refused` (the Logger is bound to other bridge sites: this bridge may not
 * speak for it). Neither of the last two is stored or counts as a phone-home.
 */
export const RELAY_STATUSES = ['accepted', 'duplicate', 'rejected', 'refused'] as const;
export type RelayStatus = (typeof RELAY_STATUSES)[number];

export const relayResultSchema = z.object({
  id: z.string(),
  status: z.enum(RELAY_STATUSES),
  /** Why a record was rejected or refused (set for `rejected` and `refused`). */
  reason: z.optional(z.string()),
});

export const relayResponseSchema = z.object({ results: z.array(relayResultSchema) });

/** The body of a 400/413/415 (and other error) answer. `recordId` names the offending record when known. */
export const relayErrorBodySchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    recordId: z.optional(z.string()),
  }),
});

export type RelayHeartbeat = z.infer<typeof relayHeartbeatSchema>;
export type RelayEvent = z.infer<typeof relayEventSchema>;
export type RelayRecord = z.infer<typeof relayRecordSchema>;
export type RelayRequest = z.infer<typeof relayRequestSchema>;
export type RelayResult = z.infer<typeof relayResultSchema>;
export type RelayResponse = z.infer<typeof relayResponseSchema>;
export type RelayErrorBody = z.infer<typeof relayErrorBodySchema>;

/** Statuses after which the bridge may forget a record: the Listener has it. */
export function isSettled(status: RelayStatus): boolean {
  return status === 'accepted' || status === 'duplicate';
}

/** The UTF-8 size of a request body as the bridge will send it. */
export function relayBodyBytes(request: RelayRequest): number {
  return utf8Bytes(JSON.stringify(request));
}
