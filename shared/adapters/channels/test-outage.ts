/** The outage `listener channel test` sends: a TEST Logger's page and its all-clear, a minute apart. */
import { newLogger } from '../../domain/logger.js';
import { type StateNotification, stateNotification } from '../../domain/notices/notification.js';
import { phoneHome, sweepLogger } from '../../domain/transitions.js';

export function testOutage(
  now: number,
  customer = 'listener-test',
): { page: StateNotification; allClear: StateNotification } {
  const registered = newLogger(
    { customer, side: 'A' },
    { eventTimeoutMs: 60_000, heartbeatIntervalMs: 60_000, transport: 'https' },
    now - 120_000,
  );
  const down = sweepLogger(registered, now - 60_000);
  const up = down && phoneHome({ ...down.next, outbox: [] }, now);
  if (!down?.notice || !up?.notice) throw new Error('the test outage did not page');
  return {
    page: stateNotification(down.next, down.notice, 'TEST'),
    allClear: stateNotification(up.next, up.notice, 'TEST'),
  };
}
