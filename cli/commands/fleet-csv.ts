/**
 * The fleet CSV of `listener logger import|export`: `customer,side,timeout,interval,transport`, one Logger a
 * line after a required header, and optionally a modem Logger's Phone Home configuration
 * (`phone,import_system,backup_phone,backup_import_system`). Parsing checks every row and reports every bad
 * one with its line number.
 */
import { parseDuration } from '../../shared/domain/duration.js';
import {
  customerSchema,
  DEFAULT_EVENT_TIMEOUT_MS,
  formatLoggerId,
  type Logger,
  type LoggerId,
  type PhoneHomeConfig,
  type PhoneHomeTarget,
  sideSchema,
  TRANSPORTS,
  type Transport,
} from '../../shared/domain/logger.js';
import { checkSettings, defaultInterval } from '../../shared/listener/register.js';
import { IMPORT_SYSTEM, PHONE_NUMBER } from './logger-settings.js';

export const CSV_COLUMNS = ['customer', 'side', 'timeout', 'interval', 'transport'] as const;
/** Optional: a modem Logger's CSCPhoneNumber/CSCImportSystemName and the backups (empty: keep what is recorded). */
export const PHONE_HOME_COLUMNS = ['phone', 'import_system', 'backup_phone', 'backup_import_system'] as const;
type Column = (typeof CSV_COLUMNS)[number] | (typeof PHONE_HOME_COLUMNS)[number];
const KNOWN: readonly string[] = [...CSV_COLUMNS, ...PHONE_HOME_COLUMNS];

/** A valid row: a Logger and the settings it should have. */
export interface FleetRow {
  /** 1-based line number in the file (the header is line 1). */
  readonly line: number;
  readonly id: LoggerId;
  readonly eventTimeoutMs: number;
  readonly heartbeatIntervalMs: number;
  readonly transport: Transport;
  /** Absent: the row names none (the columns are missing or empty), and a recorded one is kept. */
  readonly phoneHome?: PhoneHomeConfig;
}

export interface RowProblem {
  readonly line: number;
  readonly reason: string;
}

export interface ParsedFleet {
  readonly rows: readonly FleetRow[];
  /** Every bad row; when there is any, nothing may be written. */
  readonly errors: readonly RowProblem[];
  /** Rows that are valid but break the reference note's advice (registered anyway). */
  readonly warnings: readonly RowProblem[];
}

/** Parses and validates a whole fleet CSV (no I/O). */
export function parseFleetCsv(text: string): ParsedFleet {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const errors: RowProblem[] = [];
  const warnings: RowProblem[] = [];
  const rows: FleetRow[] = [];
  const header = splitCsvLine(lines[0] ?? '').map((h) => h.toLowerCase());
  const missing = CSV_COLUMNS.filter((c) => !header.includes(c));
  const unknown = header.filter((h) => !KNOWN.includes(h));
  if (missing.length > 0 || unknown.length > 0 || new Set(header).size !== header.length) {
    const found = lines[0]?.trim() ? `found "${lines[0].trim().slice(0, 80)}"` : 'the file is empty';
    return {
      rows,
      warnings,
      errors: [
        {
          line: 1,
          reason: `the first line must be the header ${CSV_COLUMNS.join(',')}, optionally with ${PHONE_HOME_COLUMNS.join(',')} (${found})`,
        },
      ],
    };
  }
  const column = (values: readonly string[], name: Column) => values[header.indexOf(name)]?.trim() ?? '';
  const seen = new Map<string, number>();
  lines.forEach((text, index) => {
    const line = index + 1;
    if (index === 0 || text.trim() === '') return;
    const values = splitCsvLine(text);
    if (values.length !== header.length) {
      errors.push({
        line,
        reason: `expected ${header.length} values (${header.join(',')}), found ${values.length}`,
      });
      return;
    }
    const row = parseRow(line, (name) => column(values, name));
    if ('reason' in row) {
      errors.push(row);
      return;
    }
    const id = formatLoggerId(row.id);
    const earlier = seen.get(id);
    if (earlier !== undefined) {
      errors.push({ line, reason: `${id} is already on line ${earlier}: list each Logger once` });
      return;
    }
    seen.set(id, line);
    try {
      for (const warning of checkSettings(row)) warnings.push({ line, reason: `${id}: ${warning}` });
      rows.push(row);
    } catch (error) {
      errors.push({ line, reason: `${id}: ${(error as Error).message}` });
    }
  });
  return { rows, errors, warnings };
}

function parseRow(line: number, value: (name: Column) => string): FleetRow | RowProblem {
  const problems: string[] = [];
  const customer = customerSchema.safeParse(value('customer'));
  if (!customer.success)
    problems.push(`customer "${value('customer')}": ${customer.error.issues[0]?.message}`);
  const side = sideSchema.safeParse(value('side').toUpperCase());
  if (!side.success) problems.push(`side "${value('side')}": the side is A or B`);
  const duration = (name: 'timeout' | 'interval', fallback: () => number | undefined) => {
    const text = value(name);
    if (text === '') return fallback();
    try {
      return parseDuration(text);
    } catch (error) {
      problems.push(`${name}: ${(error as Error).message}`);
      return undefined;
    }
  };
  const eventTimeoutMs = duration('timeout', () => DEFAULT_EVENT_TIMEOUT_MS);
  const heartbeatIntervalMs = duration('interval', () =>
    eventTimeoutMs === undefined ? undefined : defaultInterval(eventTimeoutMs),
  );
  const transport = value('transport') || 'https';
  if (!TRANSPORTS.includes(transport as Transport)) {
    problems.push(`transport "${transport}": use ${TRANSPORTS.join(' or ')}`);
  }
  const phoneHome = phoneHomeOf(value, transport, problems);
  if (
    problems.length > 0 ||
    !customer.success ||
    !side.success ||
    eventTimeoutMs === undefined ||
    heartbeatIntervalMs === undefined
  ) {
    return { line, reason: problems.join('; ') };
  }
  return {
    line,
    id: { customer: customer.data, side: side.data },
    eventTimeoutMs,
    heartbeatIntervalMs,
    transport: transport as Transport,
    ...(phoneHome ? { phoneHome } : {}),
  };
}

/** The optional Phone Home columns: each number with its import system name, modem Loggers only. */
function phoneHomeOf(
  value: (name: Column) => string,
  transport: string,
  problems: string[],
): PhoneHomeConfig | undefined {
  const target = (phone: Column, system: Column): PhoneHomeTarget | undefined => {
    const [number, name] = [value(phone), value(system)];
    if (number === '' && name === '') return undefined;
    if (number === '' || name === '') {
      problems.push(`${number === '' ? phone : system} is empty: give ${phone} and ${system} together`);
    } else if (!PHONE_NUMBER.test(number)) {
      problems.push(`${phone} "${number}": write it as dialled, e.g. 9,19191234567`);
    } else if (!IMPORT_SYSTEM.test(name)) {
      problems.push(`${system} "${name}": write the Listener's import system name, e.g. GEOCSCLNRA`);
    } else return { phone: number, listener: name };
    return undefined;
  };
  const primary = target('phone', 'import_system');
  const backup = target('backup_phone', 'backup_import_system');
  if (!primary && !backup) return undefined;
  if (transport !== 'modem') {
    problems.push('phone numbers are for modem Loggers: set transport to modem');
    return undefined;
  }
  return { ...(primary ? { primary } : {}), ...(backup ? { backup } : {}) };
}

/** Splits one CSV line; a field may be wrapped in double quotes (`""` inside is one quote). */
export function splitCsvLine(text: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"' && field.trim() === '') {
      quoted = true;
      field = '';
    } else if (char === ',') {
      fields.push(field.trim());
      field = '';
    } else field += char;
  }
  fields.push(field.trim());
  return fields;
}

/** A duration as import reads it back: whole minutes (`780m`) when it is some, else seconds (`45s`). */
export function csvDuration(ms: number): string {
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1_000 === 0) return `${ms / 1_000}s`;
  // Not writable by the CLI; rounded up so that a re-import never shortens a timeout.
  return `${Math.ceil(ms / 1_000)}s`;
}

/** The required header: what import needs. */
export const CSV_HEADER = CSV_COLUMNS.join(',');
/** What export writes: the required columns and the Phone Home ones. */
export const CSV_EXPORT_HEADER = KNOWN.join(',');

/** One Logger as an export line (under {@link CSV_EXPORT_HEADER}). */
export function csvLine(logger: Logger): string {
  const { primary, backup } = logger.phoneHome ?? {};
  return [
    logger.customer,
    logger.side,
    csvDuration(logger.eventTimeoutMs),
    csvDuration(logger.heartbeatIntervalMs),
    logger.transport,
    primary?.phone ?? '',
    primary?.listener ?? '',
    backup?.phone ?? '',
    backup?.listener ?? '',
  ]
    .map(csvField)
    .join(',');
}

/** A field quoted when it holds a comma or a quote: phone numbers do (`9,19191234567`). */
function csvField(value: string): string {
  return /[",]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}
