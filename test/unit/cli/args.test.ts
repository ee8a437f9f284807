import { describe, expect, it } from 'vitest';
import { customerArg, loggerArg, wholeNumberFlag } from '../../../cli/args.js';
import { EXIT, UsageError } from '../../../cli/errors.js';

const LIMIT = { min: 1, max: 1000, example: 50 };

describe('wholeNumberFlag', () => {
  it('reads a whole number within the range, its bounds included', () => {
    expect(wholeNumberFlag('--limit', '50', LIMIT)).toBe(50);
    expect(wholeNumberFlag('--limit', '1', LIMIT)).toBe(1);
    expect(wholeNumberFlag('--limit', ' 1000 ', LIMIT)).toBe(1000);
    expect(wholeNumberFlag('--events', '0', { min: 0, max: 100, example: 10 })).toBe(0);
  });

  it.each(['0', '1001', '2.5', '-3', '1e3', '0x10', '', 'ten'])(
    'refuses "%s" as a usage mistake naming the flag, its range and an example',
    (text) => {
      const refused = (() => {
        try {
          wholeNumberFlag('--limit', text, LIMIT);
        } catch (error) {
          return error;
        }
      })();
      expect(refused).toBeInstanceOf(UsageError);
      expect(refused).toMatchObject({
        message: `--limit "${text}" is not a whole number from 1 to 1000 — e.g. --limit 50`,
        exitCode: EXIT.usage,
      });
    },
  );
});

describe('loggerArg and customerArg', () => {
  const refusal = (f: () => unknown) => {
    try {
      f();
    } catch (error) {
      return error;
    }
    return undefined;
  };

  it('says ids are lower-case and shows the lower-case one for an upper-case customer', () => {
    expect(refusal(() => loggerArg('GEOCUST1/A'))).toMatchObject({
      message: '"GEOCUST1/A" is not a Logger id: customer names are lower-case — write geocust1/A',
      exitCode: EXIT.usage,
    });
    expect(refusal(() => customerArg('GeoCust1'))).toMatchObject({
      message: 'customer "GeoCust1" is not a customer name: customer names are lower-case — write geocust1',
    });
    expect(loggerArg('geocust1/a')).toEqual({ customer: 'geocust1', side: 'A' });
  });
});
