import { describe, expect, it } from 'vitest';
import { cronArg, cronOptions } from '../../../cli/commands/logger-settings.js';
import { EXIT, UsageError } from '../../../cli/errors.js';

const HOUR = 3_600_000;

function refusal(f: () => unknown): unknown {
  try {
    f();
  } catch (error) {
    return error;
  }
  throw new Error('not refused');
}

describe('--cron, --tz and --grace', () => {
  it('logger add reads a schedule, the grace defaulting to the note’s hour', () => {
    const patch = cronOptions({ cron: '0 2 * * *', tz: 'Europe/Berlin' }, 'add');
    expect(cronArg(patch ?? {})).toEqual({
      kind: 'cron',
      expression: '0 2 * * *',
      timeZone: 'Europe/Berlin',
      graceMs: HOUR,
    });
    expect(cronOptions({ cron: '0 2 * * *', tz: 'UTC', grace: '90m' }, 'add')).toMatchObject({
      graceMs: 90 * 60_000,
    });
    expect(cronOptions({ timeout: '780m' }, 'add')).toBeUndefined();
  });

  it('excludes --timeout and --interval: a Logger follows one or the other', () => {
    expect(refusal(() => cronOptions({ cron: '0 2 * * *', tz: 'UTC', timeout: '13h' }, 'add'))).toMatchObject(
      {
        message:
          '--cron and --timeout exclude each other: a Logger follows a cron schedule or a timeout — give --cron "<expression>" --tz <zone> [--grace <duration>], or --timeout [--interval]',
        exitCode: EXIT.usage,
      },
    );
    expect(refusal(() => cronOptions({ grace: '1h', interval: '12h' }, 'set'))).toBeInstanceOf(UsageError);
  });

  it('logger add needs --cron and --tz together; logger set may change one part', () => {
    expect(refusal(() => cronOptions({ cron: '0 2 * * *' }, 'add'))).toMatchObject({
      message:
        '--tz is missing — give --cron and --tz together, e.g. --cron "0 2 * * *" --tz Europe/Berlin --grace 1h',
    });
    expect(cronOptions({ grace: '2h' }, 'set')).toEqual({ graceMs: 2 * HOUR });
  });

  it('refuses a misspelt zone naming the nearest one, and a bad expression with the accepted forms', () => {
    expect(refusal(() => cronArg({ expression: '0 2 * * *', timeZone: 'Europe/Berln' }))).toMatchObject({
      message: expect.stringMatching(
        /^--tz "Europe\/Berln" is not an IANA time zone \(did you mean Europe\/Berlin\?\) — write an IANA time zone name as Area\/City/,
      ),
      exitCode: EXIT.usage,
    });
    expect(refusal(() => cronArg({ expression: '0 25 * * *', timeZone: 'UTC' }))).toMatchObject({
      message: expect.stringMatching(/^--cron "0 25 \* \* \*" is not a cron expression — write five fields/),
    });
    expect(refusal(() => cronArg({ expression: '* * * * *', timeZone: 'UTC' }))).toMatchObject({
      message: expect.stringMatching(/fires more often than every 5m — give a job that frequent --interval/),
    });
    expect(refusal(() => cronOptions({ cron: '0 2 * * *', tz: 'UTC', grace: '60' }, 'add'))).toMatchObject({
      message: expect.stringMatching(/^--grace "60" has no unit/),
    });
  });
});
