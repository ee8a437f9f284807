import { describe, expect, it } from 'vitest';
import { UnknownLoggerError, ValidationError } from '../../../../shared/domain/errors.js';
import { HttpError } from '../../../../shared/http/http-error.js';
import { bearerToken, readJsonBody } from '../../../../shared/http/request.js';
import {
  checkMessageSizes,
  EVENTS_MAX_BYTES,
  eventsBody,
  heartbeatBody,
} from '../../../../shared/http/schemas.js';
import { httpEvent } from '../../fixtures.js';

const JSON_HEADERS = { 'content-type': 'application/json' };
const anEvent = (overrides: Record<string, unknown> = {}) => ({
  id: 'evt-1',
  occurredAt: '2026-11-24T17:00:00Z',
  severity: 'error',
  message: 'CSFS: Removed Remote Resource',
  ...overrides,
});

function jsonEvent(body: unknown, headers: Record<string, string> = JSON_HEADERS) {
  return httpEvent({ headers, body: JSON.stringify(body) });
}

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

function validationMessage(fn: () => unknown): string {
  const error = thrown(fn);
  expect(error).toBeInstanceOf(ValidationError);
  return (error as Error).message;
}

describe('readJsonBody', () => {
  it('parses a valid events body', () => {
    const body = readJsonBody(jsonEvent({ events: [anEvent()] }), eventsBody, { maxBytes: EVENTS_MAX_BYTES });
    expect(body.events).toEqual([anEvent()]);
  });

  it('answers 413 for a body over the limit, counting bytes not characters', () => {
    const body = JSON.stringify({ agent: 'é'.repeat(10) }); // 22 characters, 32 bytes
    const error = thrown(() =>
      readJsonBody(httpEvent({ headers: JSON_HEADERS, body }), heartbeatBody, { maxBytes: 30 }),
    );
    expect(error).toBeInstanceOf(HttpError);
    expect((error as HttpError).statusCode).toBe(413);
    expect((error as HttpError).message).toContain('30 bytes');
  });

  it('accepts a body of exactly the limit', () => {
    const body = JSON.stringify({ agent: 'abc' });
    const parsed = readJsonBody(httpEvent({ headers: JSON_HEADERS, body }), heartbeatBody, {
      maxBytes: Buffer.byteLength(body),
    });
    expect(parsed).toEqual({ agent: 'abc' });
  });

  it('checks the size before the content type', () => {
    const error = thrown(() =>
      readJsonBody(
        httpEvent({ headers: { 'content-type': 'text/plain' }, body: 'x'.repeat(100) }),
        heartbeatBody,
        {
          maxBytes: 10,
        },
      ),
    );
    expect((error as HttpError).statusCode).toBe(413);
  });

  it.each([
    ['text/plain', { 'content-type': 'text/plain' }],
    ['form data', { 'content-type': 'application/x-www-form-urlencoded' }],
    ['application/jsonp', { 'content-type': 'application/jsonp' }],
    ['no content type', {}],
  ])('answers 415 for %s', (_what, headers) => {
    const error = thrown(() =>
      readJsonBody(jsonEvent({ events: [anEvent()] }, headers), eventsBody, { maxBytes: 1e6 }),
    );
    expect(error).toBeInstanceOf(HttpError);
    expect((error as HttpError).statusCode).toBe(415);
    expect((error as HttpError).message).toContain('application/json');
  });

  it.each(['application/json; charset=utf-8', 'Application/JSON'])(
    'accepts the content type %j',
    (contentType) => {
      const body = readJsonBody(jsonEvent({}, { 'content-type': contentType }), heartbeatBody, {
        maxBytes: 1e6,
      });
      expect(body).toEqual({});
    },
  );

  it('accepts a Content-Type header spelt with capitals', () => {
    expect(
      readJsonBody(jsonEvent({}, { 'Content-Type': 'application/json' }), heartbeatBody, { maxBytes: 1e6 }),
    ).toEqual({});
  });

  it('reads an empty optional body as {} without needing a content type', () => {
    expect(readJsonBody(httpEvent({}), heartbeatBody, { maxBytes: 1e6, optional: true })).toEqual({});
    expect(readJsonBody(httpEvent({ body: '' }), heartbeatBody, { maxBytes: 1e6, optional: true })).toEqual(
      {},
    );
  });

  it('still validates an empty optional body against the schema', () => {
    expect(
      validationMessage(() => readJsonBody(httpEvent({}), eventsBody, { maxBytes: 1e6, optional: true })),
    ).toMatch(/^events: /);
  });

  it('decodes a base64 body', () => {
    const body = Buffer.from(JSON.stringify({ events: [anEvent({ message: 'Grüße' })] }), 'utf8').toString(
      'base64',
    );
    const event = httpEvent({ headers: JSON_HEADERS, body, isBase64Encoded: true });
    expect(readJsonBody(event, eventsBody, { maxBytes: 1e6 }).events[0]?.message).toBe('Grüße');
  });

  it('measures a base64 body by its decoded size', () => {
    const json = JSON.stringify({ agent: 'abcdefghij' });
    const body = Buffer.from(json).toString('base64');
    const event = httpEvent({ headers: JSON_HEADERS, body, isBase64Encoded: true });
    expect(readJsonBody(event, heartbeatBody, { maxBytes: json.length })).toEqual({ agent: 'abcdefghij' });
  });

  it('rejects malformed JSON with a ValidationError', () => {
    const event = httpEvent({ headers: JSON_HEADERS, body: '{"events": [' });
    expect(validationMessage(() => readJsonBody(event, eventsBody, { maxBytes: 1e6 }))).toBe(
      'the body is not valid JSON',
    );
  });

  it('names the field of a schema error', () => {
    const event = jsonEvent({ events: [anEvent({ severity: 'fatal' })] });
    expect(validationMessage(() => readJsonBody(event, eventsBody, { maxBytes: 1e6 }))).toBe(
      'events.0.severity: must be one of info, warning, error, critical',
    );
  });

  it('names the index of the bad event', () => {
    const event = jsonEvent({ events: [anEvent(), anEvent({ occurredAt: 'yesterday' })] });
    expect(validationMessage(() => readJsonBody(event, eventsBody, { maxBytes: 1e6 }))).toMatch(
      /^events\.1\.occurredAt: must be an ISO-8601 time/,
    );
  });

  it('rejects an unknown top-level field, naming it', () => {
    const event = jsonEvent({ events: [anEvent()], colour: 'red' });
    expect(validationMessage(() => readJsonBody(event, eventsBody, { maxBytes: 1e6 }))).toContain('colour');
  });

  it('rejects an unknown field inside an event, naming the event', () => {
    const event = jsonEvent({ events: [anEvent({ sevrity: 'error' })] });
    const message = validationMessage(() => readJsonBody(event, eventsBody, { maxBytes: 1e6 }));
    expect(message).toMatch(/^events\.0: /);
    expect(message).toContain('sevrity');
  });

  it('rejects a misspelt heartbeat field', () => {
    const event = jsonEvent({ intervalMinute: 720 });
    expect(validationMessage(() => readJsonBody(event, heartbeatBody, { maxBytes: 1e6 }))).toContain(
      'intervalMinute',
    );
  });

  it('rejects a batch of 0 events', () => {
    expect(
      validationMessage(() => readJsonBody(jsonEvent({ events: [] }), eventsBody, { maxBytes: 1e6 })),
    ).toBe('events: must hold at least one event');
  });

  it('rejects a batch of 101 events and accepts 100', () => {
    const events = (n: number) => Array.from({ length: n }, (_, i) => anEvent({ id: `evt-${i}` }));
    expect(
      validationMessage(() =>
        readJsonBody(jsonEvent({ events: events(101) }), eventsBody, { maxBytes: 1e6 }),
      ),
    ).toMatch(/^events: must hold at most 100 events/);
    expect(
      readJsonBody(jsonEvent({ events: events(100) }), eventsBody, { maxBytes: 1e6 }).events,
    ).toHaveLength(100);
  });

  it('rejects a JSON body that is not an object', () => {
    expect(
      validationMessage(() => readJsonBody(jsonEvent([anEvent()]), eventsBody, { maxBytes: 1e6 })),
    ).toMatch(/^body: /);
  });
});

describe('checkMessageSizes', () => {
  const body = (...messages: string[]) => ({
    events: messages.map((message, i) => ({
      ...anEvent({ id: `evt-${i}` }),
      severity: 'info' as const,
      message,
    })),
  });

  it('accepts messages of up to 2048 UTF-8 bytes', () => {
    const ok = body('a'.repeat(2_048), 'é'.repeat(1_024));
    expect(checkMessageSizes(ok)).toBe(ok);
  });

  it('answers 413 naming events.N.message for a message over 2048 bytes', () => {
    const error = thrown(() => checkMessageSizes(body('short', 'a'.repeat(2_049))));
    expect(error).toBeInstanceOf(HttpError);
    expect((error as HttpError).statusCode).toBe(413);
    expect((error as HttpError).message).toMatch(/^events\.1\.message is 2049 bytes/);
  });

  it('counts multi-byte characters by their UTF-8 bytes, not their length', () => {
    const euros = '€'.repeat(683); // 683 characters, 2049 bytes
    const error = thrown(() => checkMessageSizes(body(euros)));
    expect((error as HttpError).statusCode).toBe(413);
    expect((error as HttpError).message).toContain('events.0.message is 2049 bytes');
    const emoji = '😀'.repeat(513); // 1026 UTF-16 units, 2052 bytes
    expect((thrown(() => checkMessageSizes(body(emoji))) as HttpError).message).toContain('events.0.message');
  });
});

describe('bearerToken', () => {
  const withAuth = (value: string) => httpEvent({ headers: { authorization: value } });

  it('reads the token of "Authorization: Bearer <token>"', () => {
    expect(bearerToken(withAuth('Bearer phl.geocust1.A.secret'))).toBe('phl.geocust1.A.secret');
  });

  it('accepts any case of "Bearer", extra spaces and a capitalised header name', () => {
    expect(bearerToken(withAuth('bearer   tok  '))).toBe('tok');
    expect(bearerToken(httpEvent({ headers: { Authorization: 'Bearer tok' } }))).toBe('tok');
  });

  it.each([
    ['a missing header', undefined],
    ['an empty header', ''],
    ['Basic auth', 'Basic Z2VvOnNlY3JldA=='],
    ['"Bearer" alone', 'Bearer'],
    ['"Bearer " with no token', 'Bearer '],
    ['a bare token', 'phl.geocust1.A.secret'],
    ['two tokens', 'Bearer one two'],
  ])('answers 401 for %s', (_what, value) => {
    const event = value === undefined ? httpEvent({}) : withAuth(value);
    expect(() => bearerToken(event)).toThrow(UnknownLoggerError);
  });
});
