/**
 * One outage as the domain records it: a Logger's page (`LOGGER_SILENT`), a reminder, a blind-customer page
 * and its all-clear (`LOGGER_RECOVERED`), as the notifications the channels receive. Pure, fixed clock.
 */
import type { Logger } from '../../shared/domain/logger.js';
import { type StateNotification, stateNotification } from '../../shared/domain/notices/notification.js';
import { phoneHome, sweepLogger } from '../../shared/domain/transitions.js';

export interface Outage {
  readonly page: StateNotification;
  readonly reminder: StateNotification;
  readonly blind: StateNotification;
  readonly allClear: StateNotification;
}

/** `up` goes silent, is swept at its deadline + `late`, reminded once, and phones home `back` ms later. */
export function anOutage(up: Logger, listener: string, late = 60_000, back = 3_600_000): Outage {
  const sweptAt = up.deadline + late;
  const down = sweepLogger(up, sweptAt, { renotifyEveryMs: 1_800_000 });
  if (!down?.notice) throw new Error('the sweep did not page');
  const reminded = sweepLogger({ ...down.next, outbox: [] }, sweptAt + 1_800_000, {
    renotifyEveryMs: 1_800_000,
  });
  if (!reminded?.notice) throw new Error('no reminder');
  const recovered = phoneHome({ ...reminded.next, outbox: [] }, sweptAt + back);
  if (!recovered.notice) throw new Error('no all-clear');
  const blindNotice = {
    ...down.notice,
    id: down.notice.id.replace('#LOGGER_SILENT#', '#CUSTOMER_BLIND#'),
    kind: 'CUSTOMER_BLIND' as const,
  };
  return {
    page: stateNotification(down.next, down.notice, listener),
    reminder: stateNotification(reminded.next, reminded.notice, listener),
    blind: stateNotification(down.next, blindNotice, listener),
    allClear: stateNotification(recovered.next, recovered.notice, listener),
  };
}
