import { describe, expect, it } from 'vitest';
import {
  CSV_EXPORT_HEADER,
  CSV_HEADER,
  csvDuration,
  csvLine,
  parseFleetCsv,
  splitCsvLine,
} from '../../../cli/commands/fleet-csv.js';
import { newLogger } from '../../../shared/domain/logger.js';

const MINUTE = 60_000;
const file = (...rows: string[]) => [CSV_HEADER, ...rows].join('\n');

describe('parseFleetCsv', () => {
  it('reads rows with defaults for empty timeout, interval and transport', () => {
    const parsed = parseFleetCsv(file('geocust1,A,780m,720m,https', 'geocust1,b,2h,,modem', 'geocust2,A,,,'));
    expect(parsed.errors).toEqual([]);
    expect(parsed.rows).toEqual([
      {
        line: 2,
        id: { customer: 'geocust1', side: 'A' },
        eventTimeoutMs: 780 * MINUTE,
        heartbeatIntervalMs: 720 * MINUTE,
        transport: 'https',
      },
      {
        line: 3,
        id: { customer: 'geocust1', side: 'B' },
        eventTimeoutMs: 120 * MINUTE,
        heartbeatIntervalMs: 60 * MINUTE,
        transport: 'modem',
      },
      {
        line: 4,
        id: { customer: 'geocust2', side: 'A' },
        eventTimeoutMs: 780 * MINUTE,
        heartbeatIntervalMs: 720 * MINUTE,
        transport: 'https',
      },
    ]);
  });

  it('accepts the columns in any order, CRLF line ends, a BOM, blank lines and quoted fields', () => {
    const parsed = parseFleetCsv(
      '\uFEFFside,customer,transport,interval,timeout\r\n\r\n"A","geocust1",https,"720m",780m\r\n',
    );
    expect(parsed.errors).toEqual([]);
    expect(parsed.rows).toMatchObject([{ line: 3, id: { customer: 'geocust1', side: 'A' } }]);
  });

  it('requires the header', () => {
    expect(parseFleetCsv('geocust1,A,780m,720m,https').errors).toEqual([
      {
        line: 1,
        reason:
          'the first line must be the header customer,side,timeout,interval,transport, optionally with phone,import_system,backup_phone,backup_import_system (found "geocust1,A,780m,720m,https")',
      },
    ]);
    expect(parseFleetCsv('').errors[0]?.reason).toContain('the file is empty');
    expect(parseFleetCsv('customer,side,timeout,interval,transport,extra\n').errors[0]?.line).toBe(1);
  });

  it('reports every bad row with its line number and reason, and keeps no partial result for writing', () => {
    const parsed = parseFleetCsv(
      file(
        'geocust1,A,780m,720m,https', // 2 ok
        'Bad_Name,A,780m,720m,https', // 3 customer
        'geocust2,C,780m,720m,https', // 4 side
        'geocust3,A,13x,720m,https', // 5 timeout
        'geocust4,A,780m,0m,https', // 6 interval
        'geocust5,A,780m,780m,https', // 7 interval not under the timeout
        'geocust6,A,780m,720m,fax', // 8 transport
        'geocust1,a,780m,720m,https', // 9 duplicate of line 2
        'geocust7,A,780m', // 10 too few values
        'BAD,Z,,,', // 11 two problems at once
      ),
    );
    expect(parsed.errors.map((e) => e.line)).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 11]);
    const reason = (line: number) => parsed.errors.find((e) => e.line === line)?.reason;
    expect(reason(3)).toMatch(/^customer "Bad_Name": a customer instance is 1–63 lower-case letters/);
    expect(reason(4)).toBe('side "C": the side is A or B');
    expect(reason(5)).toMatch(/^timeout: "13x" is not a duration/);
    expect(reason(6)).toMatch(/^interval: "0m" is not a duration/);
    expect(reason(7)).toMatch(
      /^geocust5\/A: the heartbeat interval \(13h\) must be shorter than the event timeout/,
    );
    expect(reason(8)).toBe('transport "fax": use https or modem');
    expect(reason(9)).toBe('geocust1/A is already on line 2: list each Logger once');
    expect(reason(10)).toBe('expected 5 values (customer,side,timeout,interval,transport), found 3');
    expect(reason(11)).toMatch(/^customer "BAD": .*; side "Z": the side is A or B$/);
  });

  it('warns about an interval less than 60 minutes under the timeout, without refusing it', () => {
    const parsed = parseFleetCsv(file('geocust1,A,780m,760m,https'));
    expect(parsed.errors).toEqual([]);
    expect(parsed.rows).toHaveLength(1);
    expect(parsed.warnings[0]).toMatchObject({
      line: 2,
      reason: expect.stringContaining('less than 60 minutes under'),
    });
  });
});

describe('the Phone Home columns (optional)', () => {
  const header = `${CSV_HEADER},phone,import_system,backup_phone,backup_import_system`;

  it("reads a modem Logger's numbers with their import system names; empty ones record nothing", () => {
    const parsed = parseFleetCsv(
      [
        header,
        'geocust1,B,780m,,modem,"9,19191234567",GEOCSCLNRA,"9,14081234567",GEOCSCLNRB',
        'geocust2,B,780m,,modem,,,,',
      ].join('\n'),
    );
    expect(parsed.errors).toEqual([]);
    expect(parsed.rows[0]?.phoneHome).toEqual({
      primary: { phone: '9,19191234567', listener: 'GEOCSCLNRA' },
      backup: { phone: '9,14081234567', listener: 'GEOCSCLNRB' },
    });
    expect(parsed.rows[1]).not.toHaveProperty('phoneHome');
  });

  it('refuses half a pair and numbers on an HTTPS Logger, naming the column', () => {
    const parsed = parseFleetCsv(
      [header, 'geocust1,A,780m,,modem,"9,1919",,,', 'geocust2,A,780m,,https,"9,1919",GEOCSCLNRA,,'].join(
        '\n',
      ),
    );
    expect(parsed.errors).toEqual([
      { line: 2, reason: 'import_system is empty: give phone and import_system together' },
      { line: 3, reason: 'phone numbers are for modem Loggers: set transport to modem' },
    ]);
  });
});

describe('export lines', () => {
  it("quote a modem Logger's phone numbers, and import reads them back", () => {
    const phoneHome = {
      primary: { phone: '9,19191234567', listener: 'GEOCSCLNRA' },
      backup: { phone: '9,14081234567', listener: 'GEOCSCLNRB' },
    };
    const logger = newLogger(
      { customer: 'geocust1', side: 'B' },
      { eventTimeoutMs: 780 * MINUTE, heartbeatIntervalMs: 720 * MINUTE, transport: 'modem', phoneHome },
      0,
    );
    const line = csvLine(logger);
    expect(line).toBe('geocust1,B,780m,720m,modem,"9,19191234567",GEOCSCLNRA,"9,14081234567",GEOCSCLNRB');
    expect(parseFleetCsv([CSV_EXPORT_HEADER, line].join('\n')).rows[0]?.phoneHome).toEqual(phoneHome);
  });

  it('write what import reads back', () => {
    const logger = newLogger(
      { customer: 'geocust1', side: 'B' },
      { eventTimeoutMs: 2 * 60 * MINUTE, heartbeatIntervalMs: 90_000, transport: 'modem' },
      0,
    );
    const line = csvLine(logger);
    expect(line).toBe('geocust1,B,120m,90s,modem,,,,');
    expect(parseFleetCsv([CSV_EXPORT_HEADER, line].join('\n')).rows[0]).toMatchObject({
      id: { customer: 'geocust1', side: 'B' },
      eventTimeoutMs: logger.eventTimeoutMs,
      heartbeatIntervalMs: logger.heartbeatIntervalMs,
      transport: 'modem',
    });
  });

  it('round durations that are not whole seconds up, so a re-import never shortens a timeout', () => {
    expect(csvDuration(1_500)).toBe('2s');
    expect(csvDuration(780 * MINUTE)).toBe('780m');
  });

  it('split quoted fields with commas and doubled quotes', () => {
    expect(splitCsvLine('"a,b", "c""d" ,e')).toEqual(['a,b', 'c"d', 'e']);
  });
});
