/**
 * The bridge registry: the dial-in bridges allowed to relay (their sites, token hashes and refusal
 * tallies) and the markers of the relayed records already applied, so a resend changes nothing. Which
 * sites a modem Logger is bound to is kept on the Logger (logger-store.ts `bindBridges`). DynamoDB
 * implements it (shared/adapters/dynamo/dynamo-bridge-registry.ts).
 */
import type { LoggerId } from '../domain/logger.js';

/** A registered dial-in bridge: its site name and token hash. */
export interface Bridge {
  readonly site: string;
  readonly tokenHash: string;
  readonly registeredAt: number;
  /** Records refused because their Logger is bound to other sites (counted once per relay request). */
  readonly refused?: number;
  readonly lastRefusedAt?: number;
}

export interface BridgeRegistry {
  /** Registers a dial-in bridge; throws `BridgeExistsError` if the site is taken. */
  registerBridge(bridge: Bridge): Promise<void>;
  getBridge(site: string): Promise<Bridge | undefined>;
  /**
   * The registered bridges, by site. Their sites come from the bridges' own Loggers (`bridge-<site>/A`) in
   * the `fleet` index (a key-range query, never a Scan); admin listings only.
   */
  listBridges(): Promise<Bridge[]>;
  /** Replaces a bridge's token hash if it is still `oldHash`; false if it changed or the bridge is gone. */
  replaceBridgeToken(site: string, oldHash: string, newHash: string): Promise<boolean>;
  /** Deletes a bridge's relay credential if its hash is still `tokenHash`; false if it changed or is gone. */
  removeBridge(site: string, tokenHash: string): Promise<boolean>;
  /** Adds `count` refused records to the bridge's tally (one ADD; nothing if the bridge is gone). */
  countRefused(site: string, count: number, now: number): Promise<void>;
  /**
   * Which of these relayed record ids were already applied to the Logger (a resend after a lost answer);
   * with `now`, markers expired by then do not count.
   */
  relayedRecordsSeen(id: LoggerId, recordIds: readonly string[], now?: number): Promise<ReadonlySet<string>>;
  /**
   * Remembers that a relayed record was applied (kept until `expiresAt`); false if it already was, so a
   * bridge resending a record after a lost answer changes nothing.
   */
  claimRelayedRecord(id: LoggerId, recordId: string, expiresAt: number, now?: number): Promise<boolean>;
}
