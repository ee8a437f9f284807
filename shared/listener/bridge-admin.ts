/**
 * Operators' use cases on dial-in bridges: rotating a bridge's relay token, removing a bridge, and binding
 * modem Loggers to the bridge sites allowed to relay for them. Each change is a conditional write on what
 * was read: two operators racing cannot both hand out a working token or silently overwrite a binding.
 */
import { BridgeNotFoundError, LoggerNotFoundError, ValidationError } from '../domain/errors.js';
import { formatLoggerId, type Logger, type LoggerId } from '../domain/logger.js';
import { generateBridgeToken, hashToken } from '../domain/token.js';
import type { BridgeRegistry } from '../ports/bridge-registry.js';
import type { LoggerStore } from '../ports/logger-store.js';
import { type Operator, record } from './admin.js';

/** The bridge's own Logger (shared/listener/register.ts). */
export function bridgeLoggerId(site: string): LoggerId {
  return { customer: `bridge-${site}`, side: 'A' };
}

/**
 * Gives the bridge of `site` a new relay token (shown once). The old one is dead at once: the hash is
 * replaced only if it is still the one read, and the relay reads the bridge strongly consistent.
 */
export async function rotateBridgeToken(bridges: BridgeRegistry, site: string): Promise<string> {
  const current = await bridges.getBridge(site);
  if (!current) throw new BridgeNotFoundError(site);
  const token = generateBridgeToken(site);
  if (!(await bridges.replaceBridgeToken(site, current.tokenHash, hashToken(token)))) {
    throw new Error(
      `the token of bridge ${site} was rotated or removed by someone else meanwhile — run the command again`,
    );
  }
  return token;
}

export interface BridgeRemoval {
  /** Items of the bridge's own Logger removed (0: it was already gone). */
  readonly selfLoggerItems: number;
  /**
   * Modem Loggers bound to the site. Their bindings stay: their records are refused from every bridge
   * until an operator binds them to another site, or a bridge of the same site is added again.
   */
  readonly boundLoggers: readonly LoggerId[];
}

/**
 * Removes the bridge of `site`: its relay credential (dead at once; conditional on the hash read) and its
 * own Logger `bridge-<site>/A`, so a decommissioned bridge does not page as silent.
 */
export async function removeBridge(
  { loggers, bridges }: { readonly loggers: LoggerStore; readonly bridges: BridgeRegistry },
  site: string,
): Promise<BridgeRemoval> {
  const current = await bridges.getBridge(site);
  if (!current) throw new BridgeNotFoundError(site);
  if (!(await bridges.removeBridge(site, current.tokenHash))) {
    throw new Error(
      `bridge ${site} was changed by someone else meanwhile (its token rotated?) — run the command again`,
    );
  }
  const self = bridgeLoggerId(site);
  const selfLoggerItems = (await loggers.get(self)) ? await loggers.remove(self) : 0;
  // An admin listing (never on a hot path), as `logger list` reads it.
  const boundLoggers = (await loggers.list())
    .filter((l) => l.bridges?.includes(site))
    .map(({ customer, side }) => ({ customer, side }));
  return { selfLoggerItems, boundLoggers };
}

/** Concurrent operators can make a binding write lose a race a few times in a row, not forever. */
const MAX_ATTEMPTS = 5;

export interface BindingChange {
  readonly logger: Logger;
  readonly before?: readonly string[];
  /** Absent: bound to no site (any bridge may relay for it). */
  readonly after?: readonly string[];
  /** Sites bound that have no registered bridge (their records cannot arrive until one is added). */
  readonly unregistered: readonly string[];
}

/**
 * Sets the bridge sites that may relay for modem Logger `id` (`sites` undefined: none, so any bridge may
 * again), conditional on the binding read; recorded in the audit log when it changed.
 */
export async function bindLogger(
  op: Operator & { readonly bridges: BridgeRegistry },
  id: LoggerId,
  sites: readonly string[] | undefined,
): Promise<BindingChange> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const logger = await op.loggers.get(id);
    if (!logger) throw new LoggerNotFoundError(formatLoggerId(id));
    if (logger.transport !== 'modem') {
      throw new ValidationError(
        `Logger ${formatLoggerId(id)} phones home over ${logger.transport}, not through a bridge: only modem Loggers are bound to bridge sites`,
      );
    }
    const before = logger.bridges?.length ? logger.bridges : undefined;
    const after = sites?.length ? sites : undefined;
    const unregistered = await unregisteredSites(op.bridges, after ?? []);
    if (sameSites(before, after))
      return { logger, ...(before ? { before, after: before } : {}), unregistered };
    if (await op.loggers.bindBridges(id, before, after)) {
      await record(op, id, 'bridge-bind', `${describe(before)} → ${describe(after)}`);
      const bound = after ? { ...logger, bridges: after } : withoutBridges(logger);
      return { logger: bound, ...(before ? { before } : {}), ...(after ? { after } : {}), unregistered };
    }
  }
  throw new Error(`the bridges of ${formatLoggerId(id)} are being changed by others — run the command again`);
}

function withoutBridges({ bridges: _unbound, ...logger }: Logger): Logger {
  return logger;
}

/** `acme-dc1, acme-dc2`, or `any bridge` for none. */
export function describe(sites: readonly string[] | undefined): string {
  return sites?.length ? sites.join(', ') : 'any bridge';
}

function sameSites(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  return (a ?? []).join(',') === (b ?? []).join(',');
}

async function unregisteredSites(bridges: BridgeRegistry, sites: readonly string[]): Promise<string[]> {
  const found = await Promise.all(sites.map((site) => bridges.getBridge(site)));
  return sites.filter((_, i) => !found[i]);
}
