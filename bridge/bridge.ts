/**
 * The bridge's composition root: modem lines and the import directory feed the spool; the drain loop relays
 * it; the self-heartbeat and the status loop run beside. Each part owns its loop (start/stop);
 * `startBridge` only wires them and returns a handle to stop them all.
 */
import { counted } from '../shared/domain/words.js';
import type { BridgeConfig } from './config.js';
import type { ImportDirectory } from './import-dir/import-dir.js';
import { ImportWatcher } from './import-dir/watcher.js';
import { consoleLog, type Log } from './log.js';
import { ModemPort, type OpenSerial } from './modem/port.js';
import { createRelayClient, probeListener } from './relay/client.js';
import { FailoverPolicy } from './relay/failover.js';
import { RelayListeners } from './relay/listeners.js';
import { DrainLoop } from './spool/drain-loop.js';
import { Spool } from './spool/spool.js';
import { StatusReporter } from './status/reporter.js';
import { SelfHeartbeat } from './status/self-heartbeat.js';
import type { BridgeStatus } from './status/status.js';
import { BRIDGE_AGENT } from './version.js';

export interface BridgeDeps {
  readonly log?: Log;
  readonly fetch?: typeof fetch;
  readonly random?: () => number;
  readonly now?: () => number;
  readonly openSerial?: OpenSerial;
  /** Delay between a new record and the drain it triggers (gathers one call's records into one batch). */
  readonly drainDebounceMs?: number;
}

export interface BridgeHandle {
  readonly spool: Spool;
  readonly ports: readonly ModemPort[];
  readonly importDirectory?: ImportDirectory;
  status(): Promise<BridgeStatus>;
  /** Runs a drain now (tests, shutdown). */
  drainNow(): Promise<void>;
  stop(): Promise<void>;
}

export async function startBridge(config: BridgeConfig, deps: BridgeDeps = {}): Promise<BridgeHandle> {
  const now = deps.now ?? Date.now;
  const log = deps.log ?? consoleLog(config.logLevel);
  const startedAt = now();
  const spool = await Spool.open(config.stateDir, now);
  const changed = (): void => status.soon();
  const listeners = relayListeners(config, deps, log, now, changed);
  const relay = { ...relayOptions(config, deps), send: listeners.send };
  const drain = new DrainLoop({ ...relay, spool, log, now, onRelayed: changed });
  const inputs = { spool, log, now, onRecord: () => drain.kick() };
  const ports = config.ports.map(
    (port) => new ModemPort({ ...inputs, config: port, onChange: changed, openSerial: deps.openSerial }),
  );
  const dir = config.importDirectory;
  const importDirectory = dir && new ImportWatcher({ ...inputs, ...dir });
  const selfHeartbeat = selfHeartbeatOf(config, deps, log, now, () => listeners.activeUrl());
  const sources = { spool, relay: drain, listeners, ports, importDirectory, selfHeartbeat };
  const status = new StatusReporter({ ...statusOptions(config, startedAt), ...sources, log, now });

  for (const port of ports) port.start();
  await importDirectory?.start();
  selfHeartbeat?.start();
  log('info', 'bridge', startedLine(config, spool.depth));
  drain.start();
  listeners.start();
  status.start();

  const parts = [status, drain, listeners, importDirectory, selfHeartbeat, ...ports];
  let stopped = false;
  return {
    spool,
    ports,
    ...(importDirectory ? { importDirectory: importDirectory.directory } : {}),
    status: () => status.status(),
    drainNow: () => drain.drainNow(),
    async stop() {
      if (stopped) return;
      stopped = true;
      await stopAll(parts, status, log);
    },
  };
}

/**
 * Every part clears its timers at once (before its first await), then the ports close and a drain under
 * way ends; the last status is written after them.
 */
async function stopAll(
  parts: readonly ({ stop(): Promise<void> } | undefined)[],
  status: StatusReporter,
  log: Log,
): Promise<void> {
  await Promise.all(parts.map((part) => part?.stop()));
  await status.write(false);
  log('info', 'bridge', 'stopped');
}

/** The Listener, or a pair's primary and backup, each with its own relay client; failover between them. */
function relayListeners(
  config: BridgeConfig,
  deps: BridgeDeps,
  log: Log,
  now: () => number,
  onSwitch: () => void,
): RelayListeners {
  const { apiUrl, backupApiUrl, token, site, relay } = config;
  const endpoint = (url: string) => ({
    apiUrl: url,
    send: createRelayClient({
      apiUrl: url,
      token,
      bridge: site,
      timeoutMs: relay.requestTimeoutMs,
      fetch: deps.fetch,
      now,
    }),
  });
  const settings = {
    failoverAfterFailures: relay.failoverAfterFailures,
    probeEveryMs: relay.probePrimaryEveryMs,
  };
  return new RelayListeners({
    endpoints: {
      primary: endpoint(apiUrl),
      ...(backupApiUrl ? { backup: endpoint(backupApiUrl) } : {}),
    },
    policy: new FailoverPolicy(settings, backupApiUrl !== undefined, now),
    probe: (url) => probeListener({ apiUrl: url, timeoutMs: relay.requestTimeoutMs, fetch: deps.fetch }),
    log,
    onSwitch,
  });
}

function relayOptions(config: BridgeConfig, deps: BridgeDeps) {
  const { relay } = config;
  return {
    backoff: { baseMs: relay.backoffBaseMs, maxMs: relay.backoffMaxMs },
    batchSize: relay.batchSize,
    everyMs: relay.everyMs,
    debounceMs: deps.drainDebounceMs ?? 200,
    random: deps.random,
  };
}

function selfHeartbeatOf(
  config: BridgeConfig,
  deps: BridgeDeps,
  log: Log,
  now: () => number,
  activeUrl: () => string,
): SelfHeartbeat | undefined {
  const { apiUrl, site, relay, selfHeartbeat } = config;
  if (!selfHeartbeat) return undefined;
  const timeoutMs = relay.requestTimeoutMs;
  return new SelfHeartbeat({
    ...selfHeartbeat,
    apiUrl,
    activeUrl,
    site,
    agent: BRIDGE_AGENT,
    timeoutMs,
    fetch: deps.fetch,
    log,
    now,
  });
}

function statusOptions(config: BridgeConfig, startedAt: number) {
  return { site: config.site, stateDir: config.stateDir, everyMs: config.statusEveryMs, startedAt };
}

function startedLine(config: BridgeConfig, spooled: number): string {
  const inputs = `${counted(config.ports.length, 'port')}${config.importDirectory ? ', import directory' : ''}`;
  return `${BRIDGE_AGENT} started for site ${config.site}: ${inputs}, ${spooled} records spooled`;
}
