/**
 * The store ports together, one field per aggregate: what `dynamoPorts` builds
 * (shared/adapters/dynamo/dynamo-ports.ts) and `ListenerDeps` holds. A use case takes only the ones it uses.
 */
import type { BridgeRegistry } from './bridge-registry.js';
import type { EventLog } from './event-log.js';
import type { ListenerRecords } from './listener-records.js';
import type { LoggerStore } from './logger-store.js';
import type { Watchlist } from './watchlist.js';

export interface StorePorts {
  /** The Loggers' own items: registration, phone-homes, transitions, tokens, bridge bindings. */
  readonly loggers: LoggerStore;
  /** What falls due by deadline: the sweeper's and the mass-silence guard's reads. */
  readonly watchlist: Watchlist;
  /** The events Loggers send and their delivery. */
  readonly events: EventLog;
  /** The dial-in bridges and the relayed records already applied. */
  readonly bridges: BridgeRegistry;
  /** The Listener's own records: sweeper status, mass silence, sweep beacons, twin watch. */
  readonly records: ListenerRecords;
}

/** Only the store ports of `holder` (a CLI target, a runtime), for a use case's dependencies. */
export function storePorts({ loggers, watchlist, events, bridges, records }: StorePorts): StorePorts {
  return { loggers, watchlist, events, bridges, records };
}
