/**
 * The bridge's status: written as `<stateDir>/status.json` every `statusEvery` (and after calls), logged one
 * line per port, and printed by `listener bridge status`. Formatting is pure.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { formatDuration } from '../../shared/domain/duration.js';
import type { ImportStats } from '../import-dir/import-dir.js';
import type { PortSnapshot } from '../modem/port.js';
import { atomicWrite } from '../spool/spool.js';

export const STATUS_FILE = 'status.json';

export interface BridgeStatus {
  readonly site: string;
  readonly version: string;
  readonly pid: number;
  readonly startedAt: string;
  readonly updatedAt: string;
  /** How often the file is rewritten; a file older than three times this is stale. */
  readonly statusEveryMs: number;
  readonly ports: readonly PortSnapshot[];
  readonly importDirectory?: ImportStats & { readonly path: string };
  readonly spool: { readonly depth: number; readonly oldestAt?: string; readonly deadLetter: number };
  readonly relay: {
    readonly lastSuccessAt?: string;
    readonly lastError?: string;
    readonly nextAttemptAt?: string;
    readonly consecutiveFailures: number;
    readonly delivered: number;
    /** Records refused because their Logger is bound to other bridge sites; absent from older bridges. */
    readonly refused?: number;
    /** Which Listener the relay goes to; absent in a status written by an older bridge. */
    readonly listener?: RelayListenerStatus;
  };
  readonly selfHeartbeat?: { readonly lastOkAt?: string; readonly lastError?: string };
}

/** The Listener the relay goes to: the primary, or a pair's backup while the primary does not answer. */
export interface RelayListenerStatus {
  readonly active: 'primary' | 'backup';
  readonly url: string;
  /** When it became the active one (bridge start, failover or failback). */
  readonly since: string;
  readonly primaryUrl: string;
  readonly backupUrl?: string;
  readonly failovers: number;
  readonly failbacks: number;
  /** While on the backup: the last time the primary was asked, and why it did not answer. */
  readonly lastProbeAt?: string;
  readonly lastProbeError?: string;
  /** While on the backup: how long between asks (longer than the probe period while the primary flaps). */
  readonly probeWaitMs?: number;
}

export async function writeStatus(stateDir: string, status: BridgeStatus): Promise<void> {
  await atomicWrite(stateDir, STATUS_FILE, `${JSON.stringify(status, null, 2)}\n`);
}

export async function readStatus(stateDir: string): Promise<BridgeStatus | undefined> {
  try {
    return JSON.parse(await readFile(join(stateDir, STATUS_FILE), 'utf8')) as BridgeStatus;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

const ago = (iso: string | undefined, now: number): string =>
  iso ? `${iso} (${formatDuration(Math.max(0, now - Date.parse(iso)))} ago)` : 'never';

/** One line per port: calls, records, NAKs, resets. */
export function formatPortLine(port: PortSnapshot): string {
  const s = port.stats;
  const last = s.lastCallAt ? new Date(s.lastCallAt).toISOString() : 'never';
  return [
    `port ${port.name} ${port.path}`,
    port.open ? port.state : `closed${port.lastError ? ` (${port.lastError})` : ''}`,
    `calls ${s.calls}`,
    `failed ${s.failedCalls}`,
    `records ${s.records}`,
    `naks ${s.naks}`,
    `hung ${s.hungModem}`,
    `resets ${s.resets}`,
    `last call ${last}`,
  ].join('  ');
}

/**
 * `listener primary https://… since … (2h ago); backup https://…` or, failed over,
 * `listener BACKUP https://… since … (5m ago): the primary https://… does not answer (last asked …: …)`.
 */
export function formatListenerLine(listener: RelayListenerStatus, now: number): string {
  const since = ago(listener.since, now);
  const switches =
    listener.failovers > 0 ? `  failovers ${listener.failovers}, failbacks ${listener.failbacks}` : '';
  if (listener.active === 'primary') {
    const backup = listener.backupUrl ? `; backup ${listener.backupUrl}` : '';
    return `listener primary ${listener.url} since ${since}${backup}${switches}`;
  }
  const every = listener.probeWaitMs ? `; asked every ${Math.round(listener.probeWaitMs / 1000)}s` : '';
  const probe = listener.lastProbeAt
    ? ` (last asked ${ago(listener.lastProbeAt, now)}${listener.lastProbeError ? `: ${listener.lastProbeError}` : ''}${every})`
    : '';
  return `listener BACKUP ${listener.url} since ${since}: the primary ${listener.primaryUrl} does not answer${probe}${switches}`;
}

/** True when the file has not been rewritten for three status periods: the bridge is probably not running. */
export function isStale(status: BridgeStatus, now: number): boolean {
  return now - Date.parse(status.updatedAt) > 3 * status.statusEveryMs;
}

export function formatStatus(status: BridgeStatus, now: number): string[] {
  const lines = [
    `bridge ${status.site} (phone-home-bridge/${status.version}, pid ${status.pid}) status at ${ago(status.updatedAt, now)}${isStale(status, now) ? '  STALE: is the bridge running?' : ''}`,
    ...status.ports.map(formatPortLine),
  ];
  const imp = status.importDirectory;
  if (imp) {
    lines.push(
      `import ${imp.path}  taken ${imp.taken}  done ${imp.done}  rejected ${imp.rejected}${imp.lastError ? `  error: ${imp.lastError}` : ''}`,
    );
  }
  lines.push(
    `spool ${status.spool.depth} pending (oldest ${status.spool.oldestAt ?? '-'})  dead-letter ${status.spool.deadLetter}`,
  );
  lines.push(
    `relay last success ${ago(status.relay.lastSuccessAt, now)}  delivered ${status.relay.delivered}` +
      (status.relay.refused ? `  refused ${status.relay.refused} (Loggers bound to other sites)` : '') +
      (status.relay.lastError
        ? `  failing x${status.relay.consecutiveFailures}: ${status.relay.lastError}, next try ${status.relay.nextAttemptAt ?? '-'}`
        : ''),
  );
  if (status.relay.listener) lines.push(formatListenerLine(status.relay.listener, now));
  if (status.selfHeartbeat) {
    lines.push(
      `self-heartbeat last ok ${ago(status.selfHeartbeat.lastOkAt, now)}${status.selfHeartbeat.lastError ? `  error: ${status.selfHeartbeat.lastError}` : ''}`,
    );
  }
  return lines;
}
