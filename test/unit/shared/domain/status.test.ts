/** The AlarmTracker view: rollup per customer and the order operators read it in. */
import { describe, expect, it } from 'vitest';
import type { Logger } from '../../../../shared/domain/logger.js';
import { fleetStatus, rollupOf } from '../../../../shared/domain/status.js';
import { aLogger, HOUR, MINUTE, T0 } from '../../fixtures.js';

const now = T0 + 20 * HOUR;
const up = (customer: string, side: 'A' | 'B', silentFor = HOUR): Logger =>
  aLogger({
    customer,
    side,
    state: 'UP',
    lastSeenAt: now - silentFor,
    deadline: now - silentFor + 780 * MINUTE,
  });
const down = (customer: string, side: 'A' | 'B', silentFor = 14 * HOUR): Logger =>
  aLogger({
    customer,
    side,
    state: 'DOWN',
    lastSeenAt: now - silentFor,
    downSince: now - HOUR,
    deadline: now - HOUR,
  });

describe('customer rollup', () => {
  it('is Partial Impaired with one side DOWN and Down with both', () => {
    expect(rollupOf([{ state: 'DOWN' }, { state: 'UP' }])).toBe('Partial Impaired');
    expect(rollupOf([{ state: 'DOWN' }, { state: 'DOWN' }])).toBe('Down');
    expect(rollupOf([{ state: 'DOWN' }])).toBe('Down'); // simplex: its only Logger
    expect(rollupOf([{ state: 'LATE' }, { state: 'UP' }])).toBe('Late');
    expect(rollupOf([{ state: 'UP' }, { state: 'UP' }])).toBe('OK');
  });
});

describe('fleet status', () => {
  it('lists DOWN customers first, then LATE, with both sides and how long each has been silent', () => {
    const fleet = [
      up('alpha', 'A'),
      up('alpha', 'B'),
      up('bravo', 'A', 13 * HOUR), // past its 720-minute interval: LATE
      up('bravo', 'B'),
      down('charlie', 'A'),
      up('charlie', 'B'),
      down('delta', 'A'),
      down('delta', 'B'),
    ];
    const status = fleetStatus(fleet, now);
    expect(status.map((c) => [c.customer, c.rollup])).toEqual([
      ['delta', 'Down'],
      ['charlie', 'Partial Impaired'],
      ['bravo', 'Late'],
      ['alpha', 'OK'],
    ]);
    expect(status[1]?.sides).toEqual([
      expect.objectContaining({ side: 'A', state: 'DOWN', silentForMs: 14 * HOUR }),
      expect.objectContaining({ side: 'B', state: 'UP', silentForMs: HOUR }),
    ]);
  });
});

describe('maintenance rollup', () => {
  const until = now + HOUR;
  it('is Late when one side has a window and the other is LATE without one', () => {
    expect(rollupOf([{ state: 'UP', maintenanceUntil: until }, { state: 'LATE' }])).toBe('Late');
    expect(rollupOf([{ state: 'LATE', maintenanceUntil: until }, { state: 'LATE' }])).toBe('Late');
  });

  it('is Maintenance only when every watched side is in a window (a paused side is not watched)', () => {
    expect(
      rollupOf([
        { state: 'LATE', maintenanceUntil: until },
        { state: 'UP', maintenanceUntil: until },
      ]),
    ).toBe('Maintenance');
    expect(rollupOf([{ state: 'LATE', maintenanceUntil: until }, { state: 'PAUSED' }])).toBe('Maintenance');
    expect(rollupOf([{ state: 'UP', maintenanceUntil: until }, { state: 'UP' }])).toBe('OK');
  });
});
