/**
 * What the console shows about the fleet, computed from the Loggers and `now` (pure). A Logger past its
 * deadline that the sweeper has not declared DOWN yet shows LATE (with `overdue`), so a page between two
 * sweeps never shows a silent Logger as fine.
 */
import {
  type Acknowledgement,
  activeWindow,
  displayState,
  formatLoggerId,
  type Logger,
  type Side,
} from '../domain/logger.js';

/** The states the console shows, in the order the fleet lists them. */
export const CONSOLE_STATES = ['DOWN', 'LATE', 'PAUSED', 'NEW', 'UP'] as const;
export type ConsoleState = (typeof CONSOLE_STATES)[number];

/** A mass silence (many Loggers at once: the Listener's or a carrier's fault), when one is active. */
export interface MassSilence {
  readonly since: number;
  readonly loggers: number;
  readonly reason?: string;
}

export interface SideView {
  readonly id: string;
  readonly side: Side;
  readonly state: ConsoleState;
  /** Past its deadline, not yet swept: the alarm comes with the next sweep. */
  readonly overdue: boolean;
  readonly lastSeenAt?: number;
  readonly deadline: number;
  readonly silentForMs: number;
  readonly downSince?: number;
  readonly ack?: Acknowledgement;
  readonly maintenanceUntil?: number;
}

export interface CustomerView {
  readonly customer: string;
  /** The worst state of its sides. */
  readonly state: ConsoleState;
  readonly sides: readonly SideView[];
}

export interface FleetFilter {
  /** Part of a customer name (case-insensitive). */
  readonly customer?: string;
  /** Customers with at least one side in this state. */
  readonly state?: ConsoleState;
}

export interface FleetView {
  readonly now: number;
  /** Loggers per state, over the whole fleet (not the filter). */
  readonly counts: Readonly<Record<ConsoleState, number>>;
  readonly customers: readonly CustomerView[];
  /** Customers in the fleet, before filtering. */
  readonly totalCustomers: number;
  readonly filter: FleetFilter;
  readonly massSilence?: MassSilence;
}

/** The state a person should see now (see the module comment). */
export function consoleState(logger: Logger, now: number): ConsoleState {
  if (logger.state === 'NEW') return now > logger.deadline ? 'LATE' : 'NEW';
  const shown = displayState(logger, now);
  return shown === 'UP' && now > logger.deadline ? 'LATE' : shown;
}

const ORDER = new Map(CONSOLE_STATES.map((s, i) => [s, i]));
const rank = (s: ConsoleState) => ORDER.get(s) ?? 0;

export function sideView(logger: Logger, now: number): SideView {
  const state = consoleState(logger, now);
  const window = activeWindow(logger, now);
  return {
    id: formatLoggerId(logger),
    side: logger.side,
    state,
    overdue: (logger.state === 'NEW' || logger.state === 'UP') && now > logger.deadline,
    deadline: logger.deadline,
    silentForMs: Math.max(0, now - (logger.lastSeenAt ?? logger.registeredAt)),
    ...(logger.lastSeenAt === undefined ? {} : { lastSeenAt: logger.lastSeenAt }),
    ...(logger.state === 'DOWN' && logger.downSince !== undefined ? { downSince: logger.downSince } : {}),
    ...(logger.ack ? { ack: logger.ack } : {}),
    ...(window ? { maintenanceUntil: window.to } : {}),
  };
}

/** Customers worst first (DOWN, LATE, PAUSED, NEW, UP), the longest silence first within a state. */
export function fleetView(
  loggers: readonly Logger[],
  now: number,
  filter: FleetFilter = {},
  massSilence?: MassSilence,
): FleetView {
  const counts = Object.fromEntries(CONSOLE_STATES.map((s) => [s, 0])) as Record<ConsoleState, number>;
  const byCustomer = new Map<string, SideView[]>();
  for (const logger of loggers) {
    const side = sideView(logger, now);
    counts[side.state]++;
    const sides = byCustomer.get(logger.customer);
    if (sides) sides.push(side);
    else byCustomer.set(logger.customer, [side]);
  }
  const needle = filter.customer?.toLowerCase();
  const customers: (CustomerView & { silence: number })[] = [];
  for (const [customer, sides] of byCustomer) {
    if (needle && !customer.includes(needle)) continue;
    if (filter.state && !sides.some((s) => s.state === filter.state)) continue;
    sides.sort((a, b) => a.side.localeCompare(b.side));
    let state: ConsoleState = 'UP';
    let silence = 0;
    for (const s of sides) {
      if (rank(s.state) < rank(state)) state = s.state;
      if (s.state !== 'UP' && s.silentForMs > silence) silence = s.silentForMs;
    }
    customers.push({ customer, state, sides, silence });
  }
  customers.sort(
    (a, b) => rank(a.state) - rank(b.state) || b.silence - a.silence || (a.customer < b.customer ? -1 : 1),
  );
  return {
    now,
    counts,
    customers: customers.map(({ silence: _, ...c }) => c),
    totalCustomers: byCustomer.size,
    filter,
    ...(massSilence ? { massSilence } : {}),
  };
}

/** Parses the fleet page's query (`?customer=geo&state=DOWN`); anything unrecognised is ignored. */
export function parseFilter(query: URLSearchParams): FleetFilter {
  const customer = (query.get('customer') ?? '').trim().toLowerCase().slice(0, 63);
  const state = query.get('state') ?? '';
  return {
    ...(customer ? { customer } : {}),
    ...((CONSOLE_STATES as readonly string[]).includes(state) ? { state: state as ConsoleState } : {}),
  };
}
