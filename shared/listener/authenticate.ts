/**
 * Checking a caller's token with a read, for requests that must be authenticated before their body is
 * looked at. (A heartbeat with a good body needs no such read: its one conditional write checks the token.)
 */
import { UnknownBridgeError, UnknownLoggerError } from '../domain/errors.js';
import type { LoggerId } from '../domain/logger.js';
import { hashToken, loggerIdOfToken, provesStored, siteOfBridgeToken } from '../domain/token.js';
import type { Bridge } from '../ports/bridge-registry.js';
import type { ListenerDeps } from './deps.js';

/** The Logger owning `token`; {@link UnknownLoggerError} for a malformed, unknown or wrong token alike. */
export async function authenticateLogger(
  deps: Pick<ListenerDeps, 'loggers'>,
  token: string,
): Promise<LoggerId> {
  const id = loggerIdOfToken(token);
  const stored = await deps.loggers.getWithToken(id);
  if (!provesStored(stored, hashToken(token))) throw new UnknownLoggerError();
  return id;
}

/** The bridge owning `token`; {@link UnknownBridgeError} for a malformed, unknown or wrong token alike. */
export async function authenticateBridge(
  deps: Pick<ListenerDeps, 'bridges'>,
  token: string,
): Promise<Bridge> {
  const bridge = await deps.bridges.getBridge(siteOfBridgeToken(token));
  if (!provesStored(bridge, hashToken(token)) || !bridge) throw new UnknownBridgeError();
  return bridge;
}
