import { describe, expect, it } from 'vitest';
import { UnknownLoggerError, ValidationError } from '../../../../shared/domain/errors.js';
import { HttpError } from '../../../../shared/http/http-error.js';
import {
  bearerToken,
  fieldPath,
  readJsonBody,
  readJsonBodyOnceAuthenticated,
} from '../../../../shared/http/request.js';
import {
  checkEventsBatch,
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
    expect((error as HttpError).message).toBe('the body is over 30 bytes, the limit for this route');
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
    expect((error as HttpError).message).toContain('"Content-Type: application/json"');
  });

  it('says a wrong content type is not JSON without repeating it', () => {
    const error = thrown(() =>
      readJsonBody(jsonEvent({}, { 'content-type': 'text/x-MARKER' }), heartbeatBody, { maxBytes: 1e6 }),
    ) as HttpError;
    expect(error.message).toBe(
      'the Content-Type header is not JSON; send the body as JSON with "Content-Type: application/json"',
    );
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

  it('answers an empty required body with 400 saying what to send', () => {
    expect(validationMessage(() => readJsonBody(httpEvent({}), eventsBody, { maxBytes: 1e6 }))).toBe(
      'the body is empty; send a JSON object with "Content-Type: application/json"',
    );
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
      'events[0].severity: must be one of info, warning, error, critical',
    );
  });

  it('names the index of the bad event', () => {
    const event = jsonEvent({ events: [anEvent(), anEvent({ occurredAt: 'yesterday' })] });
    expect(validationMessage(() => readJsonBody(event, eventsBody, { maxBytes: 1e6 }))).toMatch(
      /^events\[1\]\.occurredAt: must be an ISO-8601 time/,
    );
  });

  it('rejects an unknown top-level field by listing the allowed ones, not naming it', () => {
    const event = jsonEvent({ events: [anEvent()], colour: 'red' });
    const message = validationMessage(() => readJsonBody(event, eventsBody, { maxBytes: 1e6 }));
    expect(message).toBe('body: has a field it does not know; the allowed fields are events');
  });

  it('rejects an unknown field inside an event, naming the event and the allowed fields', () => {
    const event = jsonEvent({ events: [anEvent({ sevrity: 'error' })] });
    const message = validationMessage(() => readJsonBody(event, eventsBody, { maxBytes: 1e6 }));
    expect(message).toBe(
      'events[0]: has a field it does not know; the allowed fields are id, occurredAt, severity, source, message',
    );
  });

  it('rejects a misspelt heartbeat field without repeating it', () => {
    const event = jsonEvent({ intervalMinute: 720 });
    const message = validationMessage(() => readJsonBody(event, heartbeatBody, { maxBytes: 1e6 }));
    expect(message).toBe(
      'body: has a field it does not know; the allowed fields are sentAt, intervalMinutes, agent',
    );
  });

  it('describes a bad value by its rule, never repeating the value', () => {
    const marker = 'MARKER-9f2c';
    const bodies = [
      { events: [anEvent({ severity: marker })] },
      { events: [anEvent({ occurredAt: marker })] },
      { events: [anEvent({ id: `${marker}!` })] },
      { events: [anEvent({ message: 7 })] },
      { events: marker },
    ];
    for (const body of bodies) {
      expect(
        validationMessage(() => readJsonBody(jsonEvent(body), eventsBody, { maxBytes: 1e6 })),
      ).not.toContain(marker);
    }
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

describe('checkEventsBatch', () => {
  const body = (...messages: string[]) => ({
    events: messages.map((message, i) => ({
      ...anEvent({ id: `evt-${i}` }),
      severity: 'info' as const,
      message,
    })),
  });

  it('accepts messages of up to 2048 UTF-8 bytes', () => {
    const ok = body('a'.repeat(2_048), 'é'.repeat(1_024));
    expect(checkEventsBatch(ok)).toBe(ok);
  });

  it('answers 413 naming events.N.message for a message over 2048 bytes', () => {
    const error = thrown(() => checkEventsBatch(body('short', 'a'.repeat(2_049))));
    expect(error).toBeInstanceOf(HttpError);
    expect((error as HttpError).statusCode).toBe(413);
    expect((error as HttpError).message).toMatch(/^events\[1\]\.message is 2049 bytes/);
  });

  it('counts multi-byte characters by their UTF-8 bytes, not their length', () => {
    const euros = '€'.repeat(683); // 683 characters, 2049 bytes
    const error = thrown(() => checkEventsBatch(body(euros)));
    expect((error as HttpError).statusCode).toBe(413);
    expect((error as HttpError).message).toContain('events[0].message is 2049 bytes');
    const emoji = '😀'.repeat(513); // 1026 UTF-16 units, 2052 bytes
    expect((thrown(() => checkEventsBatch(body(emoji))) as HttpError).message).toContain('events[0].message');
  });

  it('answers 400 naming both positions when an id repeats inside a batch, the same way every time', () => {
    const batch = {
      events: ['a', 'b', 'c', 'b', 'a'].map((id) => ({ ...anEvent({ id }), severity: 'info' as const })),
    };
    const message = validationMessage(() => checkEventsBatch(batch));
    expect(message).toBe('events[3].id repeats events[1].id; each event in a batch needs its own id');
    expect(validationMessage(() => checkEventsBatch(batch))).toBe(message);
  });

  it('accepts a batch whose ids are all different', () => {
    const batch = { events: ['a', 'b'].map((id) => ({ ...anEvent({ id }), severity: 'info' as const })) };
    expect(checkEventsBatch(batch)).toBe(batch);
  });
});

describe('fieldPath', () => {
  it.each([
    [[], 'body'],
    [['events'], 'events'],
    [['events', 3, 'id'], 'events[3].id'],
    [['records', 0], 'records[0]'],
  ])('writes %j as %s', (path, text) => {
    expect(fieldPath(path)).toBe(text);
  });
});

describe('readJsonBodyOnceAuthenticated', () => {
  const refuse = async () => {
    throw new UnknownLoggerError();
  };
  const accept = async () => undefined;

  it('does not authenticate a good body (the one conditional write will)', async () => {
    let calls = 0;
    const body = await readJsonBodyOnceAuthenticated(
      jsonEvent({ agent: 'x' }),
      heartbeatBody,
      { maxBytes: 1e6 },
      async () => {
        calls++;
      },
    );
    expect(body).toEqual({ agent: 'x' });
    expect(calls).toBe(0);
  });

  it.each([
    ['bad JSON', httpEvent({ headers: JSON_HEADERS, body: '{' }), 400],
    ['a wrong content type', httpEvent({ headers: { 'content-type': 'text/plain' }, body: '{}' }), 415],
    ['an oversized body', httpEvent({ headers: JSON_HEADERS, body: `{"agent":"${'a'.repeat(100)}"}` }), 413],
    ['a schema-invalid body', jsonEvent({ intervalMinutes: -1 }), 400],
  ])('answers 401 for %s when the token fails, else its 4xx', async (_what, event, status) => {
    const options = { maxBytes: 64 };
    await expect(readJsonBodyOnceAuthenticated(event, heartbeatBody, options, refuse)).rejects.toBeInstanceOf(
      UnknownLoggerError,
    );
    const error = await readJsonBodyOnceAuthenticated(event, heartbeatBody, options, accept).catch((e) => e);
    expect(error instanceof HttpError ? error.statusCode : error instanceof ValidationError ? 400 : 0).toBe(
      status,
    );
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
