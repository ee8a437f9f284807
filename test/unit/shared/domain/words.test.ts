import { describe, expect, it } from 'vitest';
import { checkFleetCounter } from '../../../../shared/domain/doctor.js';
import { counted } from '../../../../shared/domain/words.js';

describe('counted', () => {
  it('writes 1 Logger and 2 Loggers, never "Logger(s)"', () => {
    expect(counted(1, 'Logger')).toBe('1 Logger');
    expect(counted(0, 'Logger')).toBe('0 Loggers');
    expect(counted(2, 'new Logger')).toBe('2 new Loggers');
    expect(checkFleetCounter(1, 2)[0]?.message).toContain(
      'the fleet counter says 1 Logger but 2 are registered',
    );
  });
});
