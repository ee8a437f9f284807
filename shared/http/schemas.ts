/**
 * The HTTP API's request bodies (zod) and size limits. Unknown fields are rejected, so a misspelt field is
 * a clear 400 (listing the allowed fields) rather than silently ignored.
 */
import * as z from 'zod/mini';
import { ValidationError } from '../domain/errors.js';
import { MAX_EVENT_MESSAGE_BYTES, MAX_EVENTS_PER_BATCH, SEVERITIES } from '../domain/event.js';
import type { PhoneHomeReport } from '../domain/transitions.js';
import { MAX_RELAY_BODY_BYTES, MAX_RELAY_RECORDS } from '../relay/protocol.js';
import { strictObject } from '../strict-schema.js';
import { payloadTooLarge } from './http-error.js';

export const HEARTBEAT_MAX_BYTES = 16 * 1024;
export const EVENTS_MAX_BYTES = 256 * 1024;

const isoTime = z.iso.datetime({
  offset: true,
  error: 'must be an ISO-8601 time, e.g. 2026-11-24T17:00:00Z',
});
const text = (max: number) =>
  z
    .string({ error: 'must be text' })
    .check(z.minLength(1, 'must not be empty'), z.maxLength(max, `must be at most ${max} characters`));

/** `POST /v1/heartbeat` body (optional): what the Logger says about itself; never used for deadlines. */
export const heartbeatBody = strictObject({
  sentAt: z.optional(isoTime),
  intervalMinutes: z.optional(
    z
      .number({ error: 'must be a number of minutes' })
      .check(z.positive('must be more than 0'), z.lte(7 * 24 * 60, 'must be at most 10080 (7 days)')),
  ),
  agent: z.optional(text(200)),
});
export type HeartbeatBody = z.output<typeof heartbeatBody>;

/** What a heartbeat body reports to the state machine (the interval in ms; `sentAt` is never used). */
export function heartbeatReport(body: HeartbeatBody): PhoneHomeReport {
  return {
    ...(body.intervalMinutes === undefined ? {} : { intervalMs: Math.round(body.intervalMinutes * 60_000) }),
    ...(body.agent === undefined ? {} : { agent: body.agent }),
  };
}

const eventSchema = strictObject({
  id: z
    .string({ error: 'is required: a unique id for this event' })
    .check(z.regex(/^[A-Za-z0-9._:-]{1,128}$/, 'must be 1–128 letters, digits or . _ : -')),
  occurredAt: isoTime,
  severity: z.enum(SEVERITIES, { error: `must be one of ${SEVERITIES.join(', ')}` }),
  source: z.optional(text(200)),
  message: z.string({ error: 'is required' }).check(z.minLength(1, 'must not be empty')),
});

/** `POST /v1/events` body: 1–100 events. */
export const eventsBody = strictObject({
  events: z
    .array(eventSchema, { error: 'is required: a list of 1–100 events' })
    .check(
      z.minLength(1, 'must hold at least one event'),
      z.maxLength(MAX_EVENTS_PER_BATCH, `must hold at most ${MAX_EVENTS_PER_BATCH} events; split the batch`),
    ),
});
export type EventsBody = z.output<typeof eventsBody>;

/**
 * What the schema cannot say about a batch: each message fits 2 KiB (UTF-8; else 413 naming the event) and
 * each event has its own id (else 400 naming both positions). The first problem in batch order is answered,
 * so the same batch always gets the same answer. (The same id in a LATER batch is a replay: "duplicate".)
 */
export function checkEventsBatch(body: EventsBody): EventsBody {
  const firstIndexOf = new Map<string, number>();
  body.events.forEach((event, index) => {
    const bytes = Buffer.byteLength(event.message, 'utf8');
    if (bytes > MAX_EVENT_MESSAGE_BYTES) {
      throw payloadTooLarge(
        `events[${index}].message is ${bytes} bytes; the limit is ${MAX_EVENT_MESSAGE_BYTES} bytes`,
      );
    }
    const first = firstIndexOf.get(event.id);
    if (first !== undefined) {
      throw new ValidationError(
        `events[${index}].id repeats events[${first}].id; each event in a batch needs its own id`,
      );
    }
    firstIndexOf.set(event.id, index);
  });
  return body;
}

/**
 * `POST /v1/relay` envelope. Each record is validated on its own (shared/listener/relay.ts), so one bad
 * record is answered `rejected` instead of refusing its whole batch.
 */
export const relayBody = strictObject({
  bridge: z.optional(text(64)),
  records: z
    .array(z.unknown(), { error: 'is required: a list of 1–100 records' })
    .check(
      z.minLength(1, 'must hold at least one record'),
      z.maxLength(MAX_RELAY_RECORDS, `must hold at most ${MAX_RELAY_RECORDS} records; split the batch`),
    ),
});
export const RELAY_MAX_BYTES = MAX_RELAY_BODY_BYTES;
