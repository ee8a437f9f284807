import { describe, expect, it } from 'vitest';
import { newLogger } from '../../../../shared/domain/logger.js';
import { hasSettings, withSettings } from '../../../../shared/domain/settings.js';
import { pause } from '../../../../shared/domain/transitions.js';

const MINUTE = 60_000;
const T0 = Date.UTC(2026, 10, 24, 12);
const settings = {
  eventTimeoutMs: 780 * MINUTE,
  heartbeatIntervalMs: 720 * MINUTE,
  transport: 'https' as const,
};
const fresh = () => newLogger({ customer: 'geocust1', side: 'A' }, settings, T0);

describe('withSettings', () => {
  it('changes nothing when the settings are the same', () => {
    expect(withSettings(fresh(), settings)).toBeUndefined();
    expect(hasSettings(fresh(), settings)).toBe(true);
  });

  it('moves a watched Logger’s deadline and due time with the new timeout, from its last phone-home', () => {
    const seen = {
      ...fresh(),
      state: 'UP' as const,
      lastSeenAt: T0 + 10 * MINUTE,
      deadline: T0 + 790 * MINUTE,
      dueAt: T0 + 790 * MINUTE,
    };
    const after = withSettings(seen, {
      ...settings,
      eventTimeoutMs: 120 * MINUTE,
      heartbeatIntervalMs: 60 * MINUTE,
    });
    expect(after).toMatchObject({
      eventTimeoutMs: 120 * MINUTE,
      heartbeatIntervalMs: 60 * MINUTE,
      deadline: T0 + 130 * MINUTE,
      dueAt: T0 + 130 * MINUTE,
      revision: 0,
    });
  });

  it('leaves a due time that is not the deadline (a pending retry, a maintenance window) where it is', () => {
    const retrying = { ...fresh(), dueAt: T0 + 1 };
    expect(withSettings(retrying, { ...settings, transport: 'modem' })).toMatchObject({
      transport: 'modem',
      dueAt: T0 + 1,
    });
  });

  it('keeps a paused Logger paused and undue', () => {
    const paused = pause(fresh());
    const after = withSettings(paused, { ...settings, eventTimeoutMs: 900 * MINUTE });
    expect(after).toMatchObject({ state: 'PAUSED', eventTimeoutMs: 900 * MINUTE, deadline: paused.deadline });
    expect(after?.dueAt).toBeUndefined();
  });
});
