/**
 * The status loop: gathers the bridge's status from its parts, writes `status.json` every `statusEvery`
 * (logging one line per port) and, quietly, about a second after something changed.
 */
import type { ImportStats } from '../import-dir/import-dir.js';
import type { Log } from '../log.js';
import type { PortSnapshot } from '../modem/port.js';
import type { ListenersInfo } from '../relay/listeners.js';
import type { RelayStatusInfo } from '../spool/drain.js';
import type { Spool } from '../spool/spool.js';
import { Timers } from '../timers.js';
import { BRIDGE_VERSION } from '../version.js';
import type { SelfHeartbeatInfo } from './self-heartbeat.js';
import {
  type BridgeStatus,
  formatListenerLine,
  formatPortLine,
  type RelayListenerStatus,
  writeStatus,
} from './status.js';

/** What the status is made of: the bridge's parts, as they report themselves. */
export interface StatusSources {
  readonly spool: Spool;
  readonly relay: { readonly info: RelayStatusInfo };
  /** Which Listener the relay goes to (a pair's primary or backup) and since when. */
  readonly listeners?: { readonly info: ListenersInfo };
  readonly ports: readonly { snapshot(): PortSnapshot }[];
  readonly importDirectory?: { readonly stats: ImportStats; readonly path: string } | undefined;
  readonly selfHeartbeat?: { readonly info: SelfHeartbeatInfo } | undefined;
}

export interface StatusReporterOptions extends StatusSources {
  readonly site: string;
  readonly stateDir: string;
  readonly everyMs: number;
  readonly startedAt: number;
  readonly log: Log;
  readonly now: () => number;
}

const iso = (ms: number | undefined): string | undefined =>
  ms === undefined ? undefined : new Date(ms).toISOString();

function listenerStatus(info: ListenersInfo): RelayListenerStatus {
  return {
    active: info.active,
    url: info.activeUrl,
    since: new Date(info.since).toISOString(),
    primaryUrl: info.primaryUrl,
    ...(info.backupUrl ? { backupUrl: info.backupUrl } : {}),
    failovers: info.failovers,
    failbacks: info.failbacks,
    ...(info.lastProbeAt !== undefined && info.backupUrl ? { lastProbeAt: iso(info.lastProbeAt) } : {}),
    ...(info.lastProbeError ? { lastProbeError: info.lastProbeError } : {}),
    ...(info.active === 'backup' ? { probeWaitMs: info.probeWaitMs } : {}),
  };
}

export class StatusReporter {
  private readonly timers = new Timers();
  private writeSoonPending = false;

  constructor(private readonly o: StatusReporterOptions) {}

  /** Writes the status now, then every `everyMs`. */
  start(): void {
    this.loop();
    void this.write(false);
  }

  /** Something changed: write the status in about a second (one write for a burst of changes). */
  soon(): void {
    if (this.writeSoonPending) return;
    const timer = this.timers.later(1_000, () => {
      this.writeSoonPending = false;
      void this.write(false);
    });
    if (timer) this.writeSoonPending = true;
  }

  async stop(): Promise<void> {
    this.timers.stop();
  }

  async status(): Promise<BridgeStatus> {
    const { spool, relay, importDirectory, selfHeartbeat } = this.o;
    return {
      site: this.o.site,
      version: BRIDGE_VERSION,
      pid: process.pid,
      startedAt: new Date(this.o.startedAt).toISOString(),
      updatedAt: new Date(this.o.now()).toISOString(),
      statusEveryMs: this.o.everyMs,
      ports: this.o.ports.map((p) => p.snapshot()),
      ...(importDirectory
        ? { importDirectory: { ...importDirectory.stats, path: importDirectory.path } }
        : {}),
      spool: {
        depth: spool.depth,
        ...(spool.oldestAt !== undefined ? { oldestAt: iso(spool.oldestAt) } : {}),
        deadLetter: (await spool.deadLetters()).length,
      },
      relay: {
        ...(relay.info.lastSuccessAt !== undefined ? { lastSuccessAt: iso(relay.info.lastSuccessAt) } : {}),
        ...(relay.info.lastError ? { lastError: relay.info.lastError } : {}),
        ...(relay.info.nextAttemptAt !== undefined ? { nextAttemptAt: iso(relay.info.nextAttemptAt) } : {}),
        consecutiveFailures: relay.info.consecutiveFailures,
        delivered: relay.info.delivered,
        refused: relay.info.refused,
        ...(this.o.listeners ? { listener: listenerStatus(this.o.listeners.info) } : {}),
      },
      ...(selfHeartbeat
        ? {
            selfHeartbeat: {
              ...(selfHeartbeat.info.lastOkAt !== undefined
                ? { lastOkAt: iso(selfHeartbeat.info.lastOkAt) }
                : {}),
              ...(selfHeartbeat.info.lastError ? { lastError: selfHeartbeat.info.lastError } : {}),
            },
          }
        : {}),
    };
  }

  /** Writes `status.json` (and logs it when `logIt`); a failed write is a warning, never a crash. */
  async write(logIt: boolean): Promise<void> {
    const { log } = this.o;
    try {
      const current = await this.status();
      await writeStatus(this.o.stateDir, current);
      if (!logIt) return;
      for (const port of current.ports) log('info', 'status', formatPortLine(port));
      log(
        'info',
        'status',
        `spool ${current.spool.depth} pending, dead-letter ${current.spool.deadLetter}, relay last success ${current.relay.lastSuccessAt ?? 'never'}`,
      );
      const listener = current.relay.listener;
      if (listener?.backupUrl) log('info', 'status', formatListenerLine(listener, this.o.now()));
    } catch (error) {
      log('warn', 'status', `cannot write status: ${(error as Error).message}`);
    }
  }

  private loop(): void {
    this.timers.later(this.o.everyMs, () => void this.write(true).finally(() => this.loop()));
  }
}
