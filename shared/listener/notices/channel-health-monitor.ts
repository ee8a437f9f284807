/**
 * What the HTTP channels' receivers answered since the last sweep, kept in memory for the sweep to record
 * (shared/listener/notices/channel-health.ts). Its own file: the Listener's deps hold one, and the recording use case
 * needs the deps — one file would make an import cycle.
 */
import type {
  ChannelHealthRecord,
  ChannelObservation,
  ChannelRejection,
} from '../../domain/notices/channel-health.js';

/** The record read or written this recently is trusted without reading it again. */
export const HEALTH_TRUSTED_MS = 5 * 60_000;

type Seen = { deliveredAt?: number; failure?: { at: number; reason: string }; rejection?: ChannelRejection };

/** What the channels answered since the last sweep, and the record as this process last knew it. */
export class ChannelHealthMonitor {
  private seen = new Map<string, Seen>();
  private known: { record: ChannelHealthRecord; at: number } | undefined;

  delivered(channel: string, at: number): void {
    this.entry(channel).deliveredAt = at;
  }

  failed(channel: string, at: number, reason: string): void {
    this.entry(channel).failure = { at, reason };
  }

  rejected(channel: string, rejection: ChannelRejection): void {
    this.entry(channel).rejection = rejection;
  }

  /** The observations since the last call, handed over once. */
  drain(): ReadonlyMap<string, ChannelObservation> {
    const seen = this.seen;
    this.seen = new Map();
    return seen;
  }

  /** The record as last read or written, if recent enough to trust. */
  trusted(now: number): ChannelHealthRecord | undefined {
    return this.known && now - this.known.at < HEALTH_TRUSTED_MS ? this.known.record : undefined;
  }

  remember(record: ChannelHealthRecord | undefined, now: number): void {
    this.known = record ? { record, at: now } : undefined;
  }

  private entry(channel: string): Seen {
    const entry = this.seen.get(channel) ?? {};
    this.seen.set(channel, entry);
    return entry;
  }
}
