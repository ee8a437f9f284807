import { crc32 as zlibCrc32 } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checksumOf,
  crc32,
  formatRecord,
  type PhoneHomeRecord,
  parseRecord,
  toRelayRecord,
} from '../../../bridge/record.js';
import { relayRecordSchema } from '../../../shared/relay/protocol.js';

const heartbeat: PhoneHomeRecord = {
  id: 'hb-20261104-1015',
  type: 'heartbeat',
  customer: 'geocust1',
  side: 'A',
  at: '2026-11-04T10:15:00Z',
  intervalMinutes: 720,
};
const event: PhoneHomeRecord = {
  id: 'ev-4711',
  type: 'event',
  customer: 'geocust1',
  side: 'B',
  at: '2026-11-04T10:16:02+01:00',
  severity: 'critical',
  source: 'Router A',
  message: 'Router A is down | 50% of calls\nrerouted',
};

/** A line with a body we choose and a correct checksum. */
const signed = (body: string): string => `${body}|${checksumOf(body)}`;

describe('CRC-32', () => {
  it('matches the IEEE 802.3 check value and zlib', () => {
    expect(crc32('123456789')).toBe(0xcbf43926);
    expect(crc32('')).toBe(0);
    fc.assert(fc.property(fc.string(), (text) => crc32(text) === zlibCrc32(Buffer.from(text, 'utf8'))));
  });
});

describe('PH1 line records', () => {
  it('writes the documented heartbeat example', () => {
    const line = formatRecord(heartbeat);
    // The checksum was computed independently: python3 -c "import zlib; print('%08X' % zlib.crc32(b'PH1|…|720|||'))"
    expect(line).toBe('PH1|hb-20261104-1015|heartbeat|geocust1|A|2026-11-04T10:15:00Z|720||||B9CDD7C5');
  });

  it('percent-encodes "|", "%" and line breaks in the message so a record stays one line', () => {
    const line = formatRecord(event);
    expect(line).not.toMatch(/[\r\n]/);
    expect(line).toContain('Router A is down %7C 50%25 of calls%0Arerouted');
    expect(parseRecord(line)).toEqual({ ok: true, record: event });
  });

  it('parses what it writes, for any valid record', () => {
    const record = fc.oneof(
      fc.record({
        id: fc.stringMatching(/^[A-Za-z0-9._:-]{1,128}$/),
        type: fc.constant('heartbeat' as const),
        customer: fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,62}$/),
        side: fc.constantFrom('A' as const, 'B' as const),
        at: fc.constant('2026-11-04T10:15:00.123Z'),
        intervalMinutes: fc.integer({ min: 1, max: 10_080 }),
      }),
      fc.record({
        id: fc.stringMatching(/^[A-Za-z0-9._:-]{1,128}$/),
        type: fc.constant('event' as const),
        customer: fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,62}$/),
        side: fc.constantFrom('A' as const, 'B' as const),
        at: fc.constant('2026-11-04T10:15:00-05:00'),
        severity: fc.constantFrom('info' as const, 'warning' as const, 'error' as const, 'critical' as const),
        source: fc.string({ minLength: 1, maxLength: 50 }),
        message: fc.string({ minLength: 1, maxLength: 500, unit: 'grapheme' }),
      }),
    );
    fc.assert(
      fc.property(record, (r) => {
        const parsed = parseRecord(`${formatRecord(r)}\r\n`);
        expect(parsed).toEqual({ ok: true, record: r });
        expect(relayRecordSchema.safeParse(toRelayRecord(r)).success).toBe(true);
      }),
    );
  });

  it('accepts a lower-case checksum', () => {
    const line = formatRecord(heartbeat);
    expect(parseRecord(line.slice(0, -8) + line.slice(-8).toLowerCase()).ok).toBe(true);
  });

  it('refuses a record whose checksum does not match (one flipped character)', () => {
    const line = formatRecord(heartbeat).replace('geocust1', 'geocust2');
    expect(parseRecord(line)).toMatchObject({ ok: false, code: 'checksum' });
  });

  it('names the reason for each kind of bad line', () => {
    expect(parseRecord('hello')).toMatchObject({ ok: false, code: 'format' });
    expect(parseRecord(signed('PH2|x|heartbeat|c|A|2026-11-04T10:15:00Z|||'))).toMatchObject({
      ok: false,
      code: 'version',
    });
    expect(parseRecord('PH1|x|heartbeat|c|A|2026-11-04T10:15:00Z|||')).toMatchObject({
      ok: false,
      code: 'format',
    });
    expect(parseRecord(signed('PH1|x|heartbeat|c|A|2026-11-04T10:15:00Z||'))).toMatchObject({
      ok: false,
      code: 'format',
    });
    const field = (body: string) => parseRecord(signed(body));
    expect(field('PH1|bad id|heartbeat|c|A|2026-11-04T10:15:00Z||||')).toMatchObject({
      code: 'field',
      detail: 'id',
    });
    expect(field('PH1|x|ping|c|A|2026-11-04T10:15:00Z||||')).toMatchObject({ code: 'field', detail: 'type' });
    expect(field('PH1|x|heartbeat|GeoCust|A|2026-11-04T10:15:00Z||||')).toMatchObject({
      code: 'field',
      detail: 'customer',
    });
    expect(field('PH1|x|heartbeat|c|C|2026-11-04T10:15:00Z||||')).toMatchObject({
      code: 'field',
      detail: 'side',
    });
    expect(field('PH1|x|heartbeat|c|A|yesterday||||')).toMatchObject({ code: 'field', detail: 'at' });
    expect(field('PH1|x|heartbeat|c|A|2026-11-04T10:15:00Z|0|||')).toMatchObject({
      detail: 'intervalMinutes',
    });
    expect(field('PH1|x|event|c|A|2026-11-04T10:15:00Z||fatal||boom')).toMatchObject({ detail: 'severity' });
    expect(field('PH1|x|event|c|A|2026-11-04T10:15:00Z||error||')).toMatchObject({ detail: 'message' });
    expect(field('PH1|x|event|c|A|2026-11-04T10:15:00Z||error||100%')).toMatchObject({ detail: 'message' });
  });

  it('allows a 2048-byte message and refuses 2049 bytes', () => {
    const ok = formatRecord({ ...event, message: 'é'.repeat(1024) });
    expect(parseRecord(ok).ok).toBe(true);
    const tooLong = formatRecord({ ...event, message: `${'é'.repeat(1024)}x` });
    expect(parseRecord(tooLong)).toMatchObject({ ok: false, code: 'too-long' });
  });

  it('never throws on arbitrary input', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const text = Buffer.from(bytes).toString('utf8');
        expect(parseRecord(text).ok === true || parseRecord(text).ok === false).toBe(true);
        expect(parseRecord(`PH1|${text}`).ok).toBe(false);
      }),
    );
  });

  it('converts a heartbeat and an event to relay records', () => {
    expect(toRelayRecord(heartbeat)).toEqual({
      id: 'hb-20261104-1015',
      type: 'heartbeat',
      customer: 'geocust1',
      side: 'A',
      at: '2026-11-04T10:15:00Z',
      intervalMinutes: 720,
    });
    expect(toRelayRecord(event)).toEqual({
      id: 'ev-4711',
      type: 'event',
      customer: 'geocust1',
      side: 'B',
      at: '2026-11-04T10:16:02+01:00',
      severity: 'critical',
      source: 'Router A',
      message: event.message,
    });
  });
});
