/**
 * Giving a Logger its ping URL (shared/domain/pings/ping.ts), replacing it, and forgetting it with the Logger.
 * The uuid is shown once, like the token; only its hash is stored.
 */
import { LoggerNotFoundError, StoreUnavailableError } from '../../domain/errors.js';
import { formatLoggerId, type LoggerId } from '../../domain/logger.js';
import { hashPingUuid, newPingUuid } from '../../domain/pings/ping.js';
import type { LoggerStore } from '../../ports/logger-store.js';
import type { PingDirectory } from '../../ports/ping-directory.js';
import { removeLogger } from '../admin.js';

/**
 * A new ping URL uuid for Logger `id` (its first, or one replacing the current one, which stops working at
 * once). `current`: the hash it has now as already read (undefined: none; omitted: read it here).
 */
export async function issuePingUrl(
  pings: PingDirectory,
  id: LoggerId,
  current?: { readonly pingHash?: string },
): Promise<string> {
  const before = current ?? (await pings.read(id));
  if (!before) throw new LoggerNotFoundError(formatLoggerId(id));
  const uuid = newPingUuid();
  if (!(await pings.assign(id, before.pingHash, hashPingUuid(uuid)))) {
    throw new StoreUnavailableError(
      `the ping URL of ${formatLoggerId(id)} was replaced by someone else meanwhile; run the command again`,
    );
  }
  return uuid;
}

/** Removes a Logger (admin.ts `removeLogger`) and its ping URL's directory entry; returns the items removed. */
export async function removeLoggerAndPingUrl(
  store: LoggerStore,
  pings: PingDirectory,
  id: LoggerId,
): Promise<number> {
  const pinged = await pings.read(id);
  const removed = await removeLogger(store, id);
  if (pinged?.pingHash) await pings.forget(pinged.pingHash);
  return removed;
}
