/**
 * The Listener's own records, one item each: the sweeper's last run, the mass-silence record, each
 * Listener's sweep beacon and what it last judged of its twin, and how its notification channels are doing. DynamoDB implements it
 * (shared/adapters/dynamo/dynamo-listener-records.ts).
 */

import type { FleetRhythm, MassSilence } from '../domain/guards/mass-silence.js';
import type { SweepBeacon, TwinWatch } from '../domain/guards/twin-watch.js';
import type { ChannelHealthRecord } from '../domain/notices/channel-health.js';

/** What one sweep did. */
export interface SweepReport {
  /** Items the due index returned (its reads grow with this, not with the fleet). */
  readonly due: number;
  /** Loggers this sweep declared DOWN (and paged), or whose held pages it paged at a hold's end. */
  readonly raised: number;
  /** Loggers declared DOWN with their pages held by a mass silence (absent: none). */
  readonly held?: number;
  /** Items another worker (a heartbeat, another sweeper) got to first, or stale index entries. */
  readonly skipped: number;
  /** Expired items (events, markers, audit entries, used links) this sweep deleted (absent: none). */
  readonly pruned?: number;
  /** Notifications (pending notices or events) this sweep published. */
  readonly published: number;
  /**
   * Items whose handling failed, including alarms written but not yet delivered on every channel; they
   * stay due and are retried.
   */
  readonly failed: number;
  /** The sweep stopped starting new items at its time budget; the next run continues with the rest. */
  readonly cutShort?: boolean;
  /** Age of the oldest undelivered notification the sweep saw (ms; 0 if none). */
  readonly oldestPendingMs?: number;
  readonly durationMs: number;
}

/** The sweeper's record of its last run (for `listener doctor`). */
export interface SweeperStatus {
  readonly lastRunAt: number;
  readonly report: SweepReport;
}

/** A `false` from a write means "another sweeper got there first": re-read and decide again. */
export interface ListenerRecords {
  /**
   * Records the sweeper's last run (one write per sweep). `listenerName`: a side of a Listener pair, whose
   * record is its own (without it, the single Listener's).
   */
  recordSweep(status: SweeperStatus, listenerName?: string): Promise<void>;
  getSweeperStatus(listenerName?: string): Promise<SweeperStatus | undefined>;
  /** The mass-silence record (the quiet one if never written). */
  getMassSilence(): Promise<MassSilence>;
  /** Writes `after` if the record is still `before` (same revision); false if another worker wrote first. */
  writeMassSilence(before: MassSilence, after: MassSilence): Promise<boolean>;
  /**
   * The mass-silence record and the fleet's rhythm from the fleet counter item, in one request (the guard
   * reads both every sweep); no rhythm when the counter predates it.
   */
  getMassSilenceAndRhythm(): Promise<{ silence: MassSilence; rhythm?: FleetRhythm }>;
  /**
   * Records a sweep on the Listener's beacon (one write per sweep) and returns the beacon as it was before
   * (its previous sweep, and a twin another Listener recorded on it: {@link pairBeacon}).
   */
  recordBeacon(listenerName: string, lastSweepAt: number, sweepEveryMs: number): Promise<SweepBeacon>;
  /** A Listener's beacon (strongly consistent); undefined if it never swept nor was paired. */
  getBeacon(listenerName: string): Promise<SweepBeacon | undefined>;
  /** Records `twin` on `listenerName`'s beacon, so that Listener watches it too (local mode's pairing). */
  pairBeacon(listenerName: string, twin: string): Promise<void>;
  /** What `watcher` last judged of `twin` (a fresh watch if never written). */
  getTwinWatch(watcher: string, twin: string): Promise<TwinWatch>;
  /** Writes `after` if the watch is still `before` (same revision); false if another sweep wrote first. */
  writeTwinWatch(before: TwinWatch, after: TwinWatch): Promise<boolean>;
  /** How `listenerName`'s notification channels are doing (an empty record if never written). */
  getChannelHealth(listenerName: string): Promise<ChannelHealthRecord>;
  /** Writes `after` if the record is still `before` (same revision); false if another sweep wrote first. */
  writeChannelHealth(before: ChannelHealthRecord, after: ChannelHealthRecord): Promise<boolean>;
}
