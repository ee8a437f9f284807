/** How the CLI words a failure: one line, what went wrong — what to do, and the documented exit code. */
import { describe, expect, it } from 'vitest';
import { EXIT, explain } from '../../../cli/errors.js';
import { LoggerNotFoundError } from '../../../shared/domain/errors.js';

describe('explain', () => {
  it('answers a write command on an unknown Logger as the read commands do: usage, see logger list', () => {
    expect(explain(new LoggerNotFoundError('nosuch/A'))).toEqual({
      line: 'listener: Logger nosuch/A is not registered — see the registered ones with: listener logger list',
      exitCode: EXIT.usage,
    });
  });
});
