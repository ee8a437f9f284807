/**
 * The phone-home line record (version `PH1`), the one format the bridge reads from modems and from the
 * import directory. One record per line, 11 fields separated by `|`, the last one a CRC-32:
 *
 *   PH1|<id>|<type>|<customer>|<side>|<at>|<intervalMinutes>|<severity>|<source>|<message>|<crc32>
 *
 *   PH1|hb-20261104-1015|heartbeat|geocust1|A|2026-11-04T10:15:00Z|720||||<crc>
 *   PH1|ev-4711|event|geocust1|B|2026-11-04T10:16:02+01:00||critical|Router A|Router A is down|<crc>
 *
 * `source` and `message` are percent-encoded for `%`, `|` and control characters (e.g. `%7C`, `%0A`), so a
 * record is always one line. The checksum is the CRC-32 (IEEE 802.3, as zlib/PKZIP) of the UTF-8 bytes of
 * everything before the last `|`, written as 8 hex digits (either case). Pure functions only.
 */
import { MAX_EVENT_MESSAGE_BYTES, SEVERITIES, type Severity } from '../shared/domain/event.js';
import { customerSchema, SIDES, type Side } from '../shared/domain/logger.js';
import { loggerTimeSchema, RECORD_ID_PATTERN, type RelayRecord } from '../shared/relay/protocol.js';

export const RECORD_VERSION = 'PH1';
const FIELD_COUNT = 11;
/** Longest line accepted: a 2 KiB message fully percent-encoded plus the other fields. */
export const MAX_RECORD_LINE_BYTES = 8 * 1024;

export interface PhoneHomeRecord {
  readonly id: string;
  readonly type: 'heartbeat' | 'event';
  readonly customer: string;
  readonly side: Side;
  /** The Logger's clock, ISO-8601 as sent. */
  readonly at: string;
  readonly intervalMinutes?: number;
  readonly severity?: Severity;
  readonly source?: string;
  readonly message?: string;
}

/** First word of a `NAK` answer: why a line was refused. */
export type RejectCode = 'format' | 'version' | 'checksum' | 'field' | 'too-long';

export type ParseResult =
  | { readonly ok: true; readonly record: PhoneHomeRecord }
  | { readonly ok: false; readonly code: RejectCode; readonly detail: string };

// ---- CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320) --------------------------------------------

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 of the UTF-8 bytes of `text` (or of raw bytes), as zlib computes it. `crc32('123456789') = 0xCBF43926`. */
export function crc32(input: string | Uint8Array): number {
  const bytes = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
  let crc = 0xffffffff;
  for (const byte of bytes) crc = (CRC_TABLE[(crc ^ byte) & 0xff] as number) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** The checksum field for `body` (everything before the last `|`): 8 upper-case hex digits. */
export function checksumOf(body: string): string {
  return crc32(body).toString(16).toUpperCase().padStart(8, '0');
}

// ---- text field escaping ------------------------------------------------------------------------------

/** Percent-encodes `%`, `|` and control characters (C0, DEL) so a text field stays on one line. */
export function encodeText(text: string): string {
  let out = '';
  for (const ch of text) {
    const code = ch.charCodeAt(0);
    const encode = ch === '%' || ch === '|' || code < 0x20 || code === 0x7f;
    out += encode ? `%${code.toString(16).toUpperCase().padStart(2, '0')}` : ch;
  }
  return out;
}

/** Reverses {@link encodeText}; `undefined` for a malformed escape. */
export function decodeText(text: string): string | undefined {
  if (!/^(?:[^%]|%[0-9A-Fa-f]{2})*$/.test(text)) return undefined;
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

// ---- format / parse -----------------------------------------------------------------------------------

/** Writes a record as one line (without line terminator), checksum included. */
export function formatRecord(record: PhoneHomeRecord): string {
  const fields = [
    RECORD_VERSION,
    record.id,
    record.type,
    record.customer,
    record.side,
    record.at,
    record.intervalMinutes === undefined ? '' : String(record.intervalMinutes),
    record.severity ?? '',
    record.source === undefined ? '' : encodeText(record.source),
    record.message === undefined ? '' : encodeText(record.message),
  ];
  const body = fields.join('|');
  return `${body}|${checksumOf(body)}`;
}

const fail = (code: RejectCode, detail: string): ParseResult => ({ ok: false, code, detail });

/** Parses one line (trailing CR/LF and blanks ignored). Never throws. */
export function parseRecord(rawLine: string): ParseResult {
  const line = rawLine.replace(/[\r\n\s]+$/, '').replace(/^\s+/, '');
  if (Buffer.byteLength(line, 'utf8') > MAX_RECORD_LINE_BYTES) {
    return fail('too-long', `a record line is at most ${MAX_RECORD_LINE_BYTES} bytes`);
  }
  const version = /^PH(\d+)\|/.exec(line);
  if (!version) return fail('format', `a record starts with ${RECORD_VERSION}|`);
  if (`PH${version[1]}` !== RECORD_VERSION) {
    return fail('version', `record version PH${version[1]} is not supported (expected ${RECORD_VERSION})`);
  }
  const cut = line.lastIndexOf('|');
  const body = line.slice(0, cut);
  const sum = line.slice(cut + 1);
  if (!/^[0-9A-Fa-f]{8}$/.test(sum)) return fail('format', 'the last field is an 8-digit hex CRC-32');
  if (sum.toUpperCase() !== checksumOf(body)) return fail('checksum', 'CRC-32 mismatch');

  const fields = body.split('|');
  if (fields.length !== FIELD_COUNT - 1) {
    return fail('format', `a ${RECORD_VERSION} record has ${FIELD_COUNT} fields, got ${fields.length + 1}`);
  }
  const [
    ,
    id = '',
    type = '',
    customer = '',
    side = '',
    at = '',
    interval = '',
    severity = '',
    source = '',
    message = '',
  ] = fields;

  if (!RECORD_ID_PATTERN.test(id)) return fail('field', 'id');
  if (type !== 'heartbeat' && type !== 'event') return fail('field', 'type');
  if (!customerSchema.safeParse(customer).success) return fail('field', 'customer');
  if (!(SIDES as readonly string[]).includes(side)) return fail('field', 'side');
  if (!loggerTimeSchema.safeParse(at).success) return fail('field', 'at');

  const decodedSource = decodeText(source);
  const decodedMessage = decodeText(message);
  if (decodedSource === undefined) return fail('field', 'source');
  if (decodedMessage === undefined) return fail('field', 'message');
  if (decodedSource.length > 256) return fail('field', 'source');
  if (Buffer.byteLength(decodedMessage, 'utf8') > MAX_EVENT_MESSAGE_BYTES) return fail('too-long', 'message');

  if (type === 'heartbeat') {
    let intervalMinutes: number | undefined;
    if (interval !== '') {
      if (!/^\d{1,5}$/.test(interval) || Number(interval) < 1 || Number(interval) > 10_080) {
        return fail('field', 'intervalMinutes');
      }
      intervalMinutes = Number(interval);
    }
    // NAK names the field (README: `NAK field <name>`): a heartbeat carries no severity, source or message.
    if (severity !== '') return fail('field', 'severity (a heartbeat carries none)');
    if (decodedSource !== '') return fail('field', 'source (a heartbeat carries none)');
    if (decodedMessage !== '') return fail('field', 'message (a heartbeat carries none)');
    return {
      ok: true,
      record: { id, type, customer, side: side as Side, at, ...(intervalMinutes ? { intervalMinutes } : {}) },
    };
  }

  if (interval !== '') return fail('field', 'intervalMinutes');
  if (!(SEVERITIES as readonly string[]).includes(severity)) return fail('field', 'severity');
  if (decodedMessage === '') return fail('field', 'message');
  return {
    ok: true,
    record: {
      id,
      type,
      customer,
      side: side as Side,
      at,
      severity: severity as Severity,
      ...(decodedSource !== '' ? { source: decodedSource } : {}),
      message: decodedMessage,
    },
  };
}

/** The relay's view of a parsed line record (pure). */
export function toRelayRecord(record: PhoneHomeRecord): RelayRecord {
  const common = { id: record.id, customer: record.customer, side: record.side, at: record.at };
  if (record.type === 'heartbeat') {
    return {
      ...common,
      type: 'heartbeat',
      ...(record.intervalMinutes !== undefined ? { intervalMinutes: record.intervalMinutes } : {}),
    };
  }
  return {
    ...common,
    type: 'event',
    severity: record.severity ?? 'info',
    ...(record.source !== undefined ? { source: record.source } : {}),
    message: record.message ?? '',
  };
}
