import { describe, expect, it } from 'vitest';
import { consoleState, fleetView, parseFilter } from '../../../../shared/console/fleet-view.js';
import { fleetBody } from '../../../../shared/console/pages/fleet.js';
import type { Logger } from '../../../../shared/domain/logger.js';
import { aLogger, HOUR, MINUTE, T0, upLogger } from '../../fixtures.js';

const at = (customer: string, side: 'A' | 'B', logger: Logger): Logger => ({ ...logger, customer, side });
const NOW = T0 + 10 * HOUR;

describe('the state the console shows', () => {
  it('shows a Logger past its deadline as LATE before the sweep declares it DOWN', () => {
    expect(consoleState(upLogger(NOW - 779 * MINUTE), NOW)).toBe('LATE'); // past the interval
    expect(consoleState(upLogger(NOW - 781 * MINUTE), NOW)).toBe('LATE'); // past the deadline
    expect(consoleState(aLogger({}, NOW - 781 * MINUTE), NOW)).toBe('LATE'); // NEW, never heard, overdue
    expect(consoleState(aLogger({}, NOW - HOUR), NOW)).toBe('NEW');
    expect(consoleState(upLogger(NOW - HOUR), NOW)).toBe('UP');
  });
});

describe('the fleet view', () => {
  const fleet = [
    at('ok', 'A', upLogger(NOW - HOUR)),
    at('ok', 'B', upLogger(NOW - HOUR)),
    at('paused', 'A', aLogger({ state: 'PAUSED' })),
    at('late', 'A', upLogger(NOW - 781 * MINUTE)),
    at('late', 'B', upLogger(NOW - HOUR)),
    at('down-short', 'A', aLogger({ state: 'DOWN', lastSeenAt: NOW - 14 * HOUR, downSince: NOW - HOUR })),
    at('down-long', 'B', aLogger({ state: 'DOWN', lastSeenAt: NOW - 20 * HOUR, downSince: NOW - 7 * HOUR })),
    at('fresh', 'A', aLogger({}, NOW - MINUTE)),
  ];

  it('lists DOWN first (longest silence first), then LATE, PAUSED, NEW and UP, with counts over the fleet', () => {
    const view = fleetView(fleet, NOW);
    expect(view.customers.map((c) => c.customer)).toEqual([
      'down-long',
      'down-short',
      'late',
      'paused',
      'fresh',
      'ok',
    ]);
    expect(view.counts).toEqual({ DOWN: 2, LATE: 1, PAUSED: 1, NEW: 1, UP: 3 });
    expect(view.customers.find((c) => c.customer === 'late')?.sides[0]).toMatchObject({ overdue: true });
  });

  it('filters by part of a customer name and by a state any side is in', () => {
    expect(fleetView(fleet, NOW, { customer: 'down' }).customers.map((c) => c.customer)).toEqual([
      'down-long',
      'down-short',
    ]);
    expect(fleetView(fleet, NOW, { state: 'UP' }).customers.map((c) => c.customer)).toEqual(['late', 'ok']);
    expect(parseFilter(new URLSearchParams('customer=GEO&state=nonsense'))).toEqual({ customer: 'geo' });
  });

  it('renders a mass silence banner first when one is active, and nothing when none is', () => {
    const quiet = fleetBody(fleetView(fleet, NOW)).text;
    expect(quiet).not.toContain('Mass silence');
    const loud = fleetBody(fleetView(fleet, NOW, {}, { since: NOW - HOUR, loggers: 40 })).text;
    expect(loud.indexOf('Mass silence')).toBeLessThan(loud.indexOf('fleet-rows'));
    expect(loud).toContain('40 Loggers went silent together');
  });
});
