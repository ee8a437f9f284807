/**
 * The AlarmTracker view of the fleet: customers with both sides, rolled up as AlarmTracker did (one side
 * DOWN = "Partial Impaired", both = "Down"), the worst first. Pure: Loggers and `now` in.
 */
import {
  type Acknowledgement,
  activeWindow,
  displayState,
  type Logger,
  type LoggerState,
  type Side,
} from './logger.js';
import { runningSince } from './pings/runs.js';
import { type CronSchedule, dueOccurrence } from './pings/schedule.js';

export const ROLLUPS = ['Down', 'Partial Impaired', 'Late', 'Maintenance', 'OK', 'New', 'Paused'] as const;
export type Rollup = (typeof ROLLUPS)[number];

export interface SideStatus {
  readonly side: Side;
  readonly state: LoggerState;
  readonly lastSeenAt?: number;
  /** Since the last phone-home (or registration, for a Logger never heard from). */
  readonly silentForMs: number;
  readonly downSince?: number;
  readonly ack?: Acknowledgement;
  /** Whom to call about it (`logger set --owner`). */
  readonly owner?: string;
  /** Inside a maintenance window now: pages are suppressed until `to`. */
  readonly maintenanceUntil?: number;
  /** A cron Logger's schedule, and the run it is due for (shared/domain/pings/schedule.ts). */
  readonly cron?: { readonly schedule: CronSchedule; readonly nextDueAt: number };
  /** A ping URL's job started and not finished yet: since when (its oldest open start, runs.ts). */
  readonly runningSince?: number;
}

export interface CustomerStatus {
  readonly customer: string;
  readonly rollup: Rollup;
  readonly sides: readonly SideStatus[];
}

/** A customer's rollup from its sides' states. */
export function rollupOf(sides: readonly Pick<SideStatus, 'state' | 'maintenanceUntil'>[]): Rollup {
  const count = (state: LoggerState) => sides.filter((s) => s.state === state).length;
  const down = count('DOWN');
  // A simplex customer (one Logger registered) whose only Logger is DOWN is down, not impaired.
  if (down > 0) return down === sides.length ? 'Down' : 'Partial Impaired';
  // A LATE side outside a window is late whatever its twin does: one side's window excuses only that side.
  if (sides.some((s) => s.state === 'LATE' && s.maintenanceUntil === undefined)) return 'Late';
  // In maintenance only when every watched (not paused) side is.
  const watched = sides.filter((s) => s.state !== 'PAUSED');
  if (watched.length > 0 && watched.every((s) => s.maintenanceUntil !== undefined)) return 'Maintenance';
  if (sides.every((s) => s.state === 'PAUSED')) return 'Paused';
  if (sides.every((s) => s.state === 'NEW')) return 'New';
  return 'OK';
}

/** Customers, worst first (Down, Partial Impaired, Late, …), then by name; sides A then B. */
export function fleetStatus(loggers: readonly Logger[], now: number): CustomerStatus[] {
  const byCustomer = new Map<string, SideStatus[]>();
  for (const logger of loggers) {
    const window = activeWindow(logger, now);
    const since = runningSince(logger);
    const side: SideStatus = {
      side: logger.side,
      state: displayState(logger, now),
      silentForMs: Math.max(0, now - (logger.lastSeenAt ?? logger.registeredAt)),
      ...(logger.lastSeenAt === undefined ? {} : { lastSeenAt: logger.lastSeenAt }),
      ...(logger.downSince === undefined || logger.state !== 'DOWN' ? {} : { downSince: logger.downSince }),
      ...(logger.ack ? { ack: logger.ack } : {}),
      ...(logger.owner ? { owner: logger.owner } : {}),
      ...(window ? { maintenanceUntil: window.to } : {}),
      ...(logger.schedule
        ? { cron: { schedule: logger.schedule, nextDueAt: dueOccurrence(logger.schedule, logger.deadline) } }
        : {}),
      ...(since === undefined ? {} : { runningSince: since }),
    };
    byCustomer.set(logger.customer, [...(byCustomer.get(logger.customer) ?? []), side]);
  }
  const customers = [...byCustomer].map(([customer, sides]) => ({
    customer,
    rollup: rollupOf(sides),
    sides: [...sides].sort((a, b) => a.side.localeCompare(b.side)),
  }));
  return customers.sort(
    (a, b) =>
      ROLLUPS.indexOf(a.rollup) - ROLLUPS.indexOf(b.rollup) ||
      // Within a rollup, the longest silence first.
      longest(b) - longest(a) ||
      a.customer.localeCompare(b.customer),
  );
}

function longest(c: CustomerStatus): number {
  return c.rollup === 'OK' ? 0 : Math.max(...c.sides.map((s) => s.silentForMs));
}
