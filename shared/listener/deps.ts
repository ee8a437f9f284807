/**
 * What the Listener's use cases need: the ports, the Listener's name and timings, a clock-free log.
 * Built once per Lambda container (shared/runtime.ts) or per test.
 */

import type { MassSilenceSettings } from '../domain/guards/mass-silence.js';
import type { NotificationChannel } from '../ports/channels.js';
import type { LoggerHistory } from '../ports/logger-history.js';
import type { StorePorts } from '../ports/stores.js';
import type { ChannelHealthMonitor } from './notices/channel-health-monitor.js';

/** The subset of a structured logger the use cases write to (Powertools' Logger fits). */
export interface Log {
  info(message: string, extra?: Record<string, unknown>): void;
  warn(message: string, extra?: Record<string, unknown>): void;
  error(message: string, extra?: Record<string, unknown>): void;
}

/** Counters the use cases report (Powertools' Metrics fits through an adapter). */
export interface Counters {
  count(
    name:
      | 'Heartbeats'
      | 'Events'
      | 'AlarmsRaised'
      | 'AlarmsCleared'
      | 'NotificationsFailed'
      /** Notices a receiver refused for good (a revoked key, a deleted webhook): never retried. */
      | 'NotificationsRejected'
      | 'SweepItemsFailed',
    value?: number,
  ): void;
  /** A level rather than a count (seconds, or a number of Loggers), recorded as is. */
  gauge?(name: 'PendingNotificationMaxAgeSeconds' | 'WatchedLoggers', value: number): void;
}

/**
 * One field per store port (`loggers`, `watchlist`, `events`, `bridges`, `records`: shared/ports/stores.ts),
 * the channels and the settings. Each use case takes only the fields it uses (a `Pick` of this), so a test
 * fakes only what it touches.
 */
export interface ListenerDeps extends StorePorts {
  /** Every channel a notification goes out on; each delivers (and is retried) on its own. */
  readonly channels: readonly NotificationChannel[];
  readonly listenerName: string;
  readonly outboxRetryMs: number;
  readonly eventRetentionMs: number;
  /**
   * How long a request path (heartbeat, ping, event) waits on the channels for what it publishes inline;
   * absent = REQUEST_PATH_BUDGET_MS (shared/listener/notices/outbox.ts). A slower receiver's notice goes on in the sweep.
   */
  readonly requestPathBudgetMs?: number;
  /** Remind about a DOWN, unacknowledged Logger this often; absent = never (the default). */
  readonly renotifyEveryMs?: number;
  /** The mass-silence guard's settings; absent = off (every silent Logger pages at once). */
  readonly massSilence?: MassSilenceSettings;
  /**
   * How often the scheduled sweeper runs. Present only in the sweeper's runtime: each sweep then leaves a
   * beacon and watches the twin (shared/listener/sweep/twin-watch.ts); a sweep run by hand does neither.
   */
  readonly sweepEveryMs?: number;
  /** The other Listener of a pair (`TWIN_LISTENER_NAME`); absent = none, or the one paired on the beacon. */
  readonly twinListenerName?: string;
  /** Where ops hear about the Listener's own side (MASS_SILENCE, LISTENER_SILENT): never the reps' alarm topic. */
  readonly opsChannels?: readonly NotificationChannel[];
  /** What the HTTP channels' receivers answered, recorded by each sweep (shared/listener/notices/channel-health.ts). */
  readonly channelHealth?: ChannelHealthMonitor;
  readonly log: Log;
  readonly counters: Counters;
  /** Where past outages and pings are kept (shared/domain/pings/history.ts); absent = not kept (some tests). */
  readonly history?: LoggerHistory;
}

/** A log and counters that drop everything, for tools and tests that do not care. */
export const quietLog: Log = { info() {}, warn() {}, error() {} };
export const noCounters: Counters = { count() {} };
