/**
 * Wires the bridge together: modem ports and the import directory feed the spool; the drain loop relays
 * it; the self-heartbeat and status timers run beside. `startBridge` returns a handle to stop it.
 */
import type { BridgeConfig } from './config.js';
import { ImportDirectory } from './import-dir/import-dir.js';
import { consoleLog, type Log } from './log.js';
import { ModemPort, type OpenSerial } from './modem/port.js';
import { createRelayClient } from './relay/client.js';
import { Drainer } from './spool/drain.js';
import { Spool } from './spool/spool.js';
import { sendSelfHeartbeat } from './status/self-heartbeat.js';
import { type BridgeStatus, formatPortLine, writeStatus } from './status/status.js';
import { BRIDGE_AGENT, BRIDGE_VERSION } from './version.js';

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

const iso = (ms: number | undefined): string | undefined =>
  ms === undefined ? undefined : new Date(ms).toISOString();

export async function startBridge(config: BridgeConfig, deps: BridgeDeps = {}): Promise<BridgeHandle> {
  const now = deps.now ?? Date.now;
  const log = deps.log ?? consoleLog(config.logLevel);
  const startedAt = now();
  const spool = await Spool.open(config.stateDir, now);
  const send = createRelayClient({
    apiUrl: config.apiUrl,
    token: config.token,
    bridge: config.site,
    timeoutMs: config.relay.requestTimeoutMs,
    ...(deps.fetch ? { fetch: deps.fetch } : {}),
    now,
  });
  const drainer = new Drainer({
    spool,
    send,
    log,
    backoff: { baseMs: config.relay.backoffBaseMs, maxMs: config.relay.backoffMaxMs },
    batchSize: config.relay.batchSize,
    now,
    ...(deps.random ? { random: deps.random } : {}),
  });

  let stopped = false;
  const timers = new Set<NodeJS.Timeout>();
  const later = (ms: number, fn: () => void): NodeJS.Timeout => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
    return t;
  };

  // ---- drain loop -------------------------------------------------------------------------------------
  let draining: Promise<void> | undefined;
  let drainTimer: NodeJS.Timeout | undefined;
  const runDrain = (): Promise<void> => {
    if (draining) return draining;
    draining = (async () => {
      try {
        const result = await drainer.drainOnce();
        if (result.delivered + result.duplicates + result.deadLettered > 0) {
          log(
            'info',
            'relay',
            `relayed ${result.delivered} records (${result.duplicates} duplicates, ${result.deadLettered} dead-lettered); ${spool.depth} pending`,
          );
          statusSoon();
        }
        scheduleDrain(result.retryInMs ?? config.relay.everyMs);
      } catch (error) {
        log('error', 'relay', `drain failed: ${(error as Error).message}`);
        scheduleDrain(config.relay.everyMs);
      } finally {
        draining = undefined;
      }
    })();
    return draining;
  };
  const scheduleDrain = (ms: number): void => {
    if (stopped) return;
    if (drainTimer) {
      clearTimeout(drainTimer);
      timers.delete(drainTimer);
    }
    drainTimer = later(ms, () => {
      drainTimer = undefined;
      void runDrain();
    });
  };
  /** New records: drain soon, unless the relay asked us to back off. */
  const kick = (): void => {
    const next = drainer.info.nextAttemptAt;
    if (next !== undefined && next > now()) return;
    scheduleDrain(deps.drainDebounceMs ?? 200);
  };

  // ---- status -----------------------------------------------------------------------------------------
  const selfHeartbeatInfo: { lastOkAt?: number; lastError?: string } = {};
  const ports: ModemPort[] = [];
  let importDirectory: ImportDirectory | undefined;
  const status = async (): Promise<BridgeStatus> => ({
    site: config.site,
    version: BRIDGE_VERSION,
    pid: process.pid,
    startedAt: new Date(startedAt).toISOString(),
    updatedAt: new Date(now()).toISOString(),
    statusEveryMs: config.statusEveryMs,
    ports: ports.map((p) => p.snapshot()),
    ...(importDirectory && config.importDirectory
      ? { importDirectory: { ...importDirectory.stats, path: config.importDirectory.path } }
      : {}),
    spool: {
      depth: spool.depth,
      ...(spool.oldestAt !== undefined ? { oldestAt: iso(spool.oldestAt) } : {}),
      deadLetter: (await spool.deadLetters()).length,
    },
    relay: {
      ...(drainer.info.lastSuccessAt !== undefined ? { lastSuccessAt: iso(drainer.info.lastSuccessAt) } : {}),
      ...(drainer.info.lastError ? { lastError: drainer.info.lastError } : {}),
      ...(drainer.info.nextAttemptAt !== undefined ? { nextAttemptAt: iso(drainer.info.nextAttemptAt) } : {}),
      consecutiveFailures: drainer.info.consecutiveFailures,
      delivered: drainer.info.delivered,
    },
    ...(config.selfHeartbeat
      ? {
          selfHeartbeat: {
            ...(selfHeartbeatInfo.lastOkAt !== undefined
              ? { lastOkAt: iso(selfHeartbeatInfo.lastOkAt) }
              : {}),
            ...(selfHeartbeatInfo.lastError ? { lastError: selfHeartbeatInfo.lastError } : {}),
          },
        }
      : {}),
  });
  const saveStatus = async (logIt: boolean): Promise<void> => {
    try {
      const current = await status();
      await writeStatus(config.stateDir, current);
      if (logIt) {
        for (const port of current.ports) log('info', 'status', formatPortLine(port));
        log(
          'info',
          'status',
          `spool ${current.spool.depth} pending, dead-letter ${current.spool.deadLetter}, relay last success ${current.relay.lastSuccessAt ?? 'never'}`,
        );
      }
    } catch (error) {
      log('warn', 'status', `cannot write status: ${(error as Error).message}`);
    }
  };
  let statusPending = false;
  const statusSoon = (): void => {
    if (statusPending || stopped) return;
    statusPending = true;
    later(1_000, () => {
      statusPending = false;
      void saveStatus(false);
    });
  };
  const statusLoop = (): void => {
    later(config.statusEveryMs, () => {
      void saveStatus(true).finally(() => {
        if (!stopped) statusLoop();
      });
    });
  };

  // ---- inputs -----------------------------------------------------------------------------------------
  for (const portConfig of config.ports) {
    const port = new ModemPort({
      config: portConfig,
      spool,
      log,
      onRecord: kick,
      onChange: statusSoon,
      now,
      ...(deps.openSerial ? { openSerial: deps.openSerial } : {}),
    });
    ports.push(port);
    port.start();
  }
  if (config.importDirectory) {
    const dir = config.importDirectory;
    importDirectory = new ImportDirectory({ dir: dir.path, spool, log, onRecord: kick, now });
    await importDirectory.init();
    const imp = importDirectory;
    const poll = (): void => {
      void imp.poll().finally(() => {
        if (!stopped) later(dir.pollEveryMs, poll);
      });
    };
    poll();
  }

  // ---- self heartbeat ---------------------------------------------------------------------------------
  if (config.selfHeartbeat) {
    const hb = config.selfHeartbeat;
    const beat = (): void => {
      void sendSelfHeartbeat({
        apiUrl: config.apiUrl,
        token: hb.token,
        intervalMinutes: hb.intervalMinutes,
        agent: BRIDGE_AGENT,
        timeoutMs: config.relay.requestTimeoutMs,
        ...(deps.fetch ? { fetch: deps.fetch } : {}),
      }).then((result) => {
        if (result.ok) {
          selfHeartbeatInfo.lastOkAt = now();
          delete selfHeartbeatInfo.lastError;
        } else {
          selfHeartbeatInfo.lastError = result.reason;
          log('warn', 'self-heartbeat', `bridge-${config.site}/A heartbeat failed: ${result.reason}`);
        }
        if (!stopped) later(hb.everyMs, beat);
      });
    };
    beat();
  }

  log(
    'info',
    'bridge',
    `${BRIDGE_AGENT} started for site ${config.site}: ${config.ports.length} port(s)${config.importDirectory ? ', import directory' : ''}, ${spool.depth} records spooled`,
  );
  scheduleDrain(spool.depth > 0 ? 0 : config.relay.everyMs);
  statusLoop();
  void saveStatus(false);

  return {
    spool,
    ports,
    ...(importDirectory ? { importDirectory } : {}),
    status,
    drainNow: runDrain,
    async stop() {
      if (stopped) return;
      stopped = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      await Promise.all(ports.map((p) => p.stop()));
      await draining;
      await saveStatus(false);
      log('info', 'bridge', 'stopped');
    },
  };
}
