/**
 * Builds the {@link Target} a command talks to (cli/target.ts): its SDK clients and adapters. Loaded by
 * `onTarget` when a command runs, so that starting the CLI (`--help`, usage mistakes) does not load them.
 */

import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { PairSide } from '../infra/stages.js';
import { ADMIN_LIMITS, dynamoClient } from '../shared/adapters/aws-clients.js';
import { httpChannel, readChannelsFile } from '../shared/adapters/channels/channels-file.js';
import { rejectionReporter } from '../shared/adapters/channels/rejections.js';
import { DynamoAuditLog } from '../shared/adapters/dynamo/dynamo-audit-log.js';
import { dynamoPorts } from '../shared/adapters/dynamo/dynamo-ports.js';
import { DynamoFleet } from '../shared/adapters/dynamo/fleet/dynamo-fleet.js';
import { DynamoPingDirectory } from '../shared/adapters/dynamo/logger/dynamo-ping-directory.js';
import { FileNotifier } from '../shared/adapters/notify/file-notifier.js';
import { listenerPairOf } from '../shared/domain/doctor.js';
import { parseDuration } from '../shared/domain/duration.js';
import { DEFAULT_EVENT_RETENTION_MS } from '../shared/domain/event.js';
import type { MassSilenceSettings } from '../shared/domain/guards/mass-silence.js';
import { noCounters } from '../shared/listener/deps.js';
import type { AuditLog } from '../shared/ports/audit-log.js';
import type { NotificationChannel } from '../shared/ports/channels.js';
import type { Fleet } from '../shared/ports/fleet.js';
import type { LoggerHistory } from '../shared/ports/logger-history.js';
import type { PingDirectory } from '../shared/ports/ping-directory.js';
import type { StorePorts } from '../shared/ports/stores.js';
import { UnreachableError, UsageError } from './errors.js';
import { localClient } from './local/dynamo-local.js';
import { LOCAL_FILE, type LocalTarget } from './local/target-file.js';

export interface TargetOptions {
  readonly dir?: string;
  readonly stage?: string;
  readonly table?: string;
  readonly region?: string;
  /** Which Listener of a pair stage: `a` (default) or `b`. */
  readonly listener?: string;
  /** The old name of `listener`: refused, naming the new one (a Logger's side is in its id). */
  readonly side?: string;
  /** The stages file (`--stages`); default `stages.json` at the repository root (infra/stage-file.ts). */
  readonly stages?: string;
}

/** The store ports of the target's table (`loggers`, `events`, `bridges`…), and what else a command needs. */
export interface Target extends StorePorts {
  /** Ping URLs (shared/ports/ping-directory.ts): given at registration, replaced by rotate-token. */
  readonly pings: PingDirectory;
  /** The fleet as a whole: counts, the status view, bulk import/export. */
  readonly fleet: Fleet;
  /** Each Logger's recent pings and past outages (shared/ports/logger-history.ts). */
  readonly history: LoggerHistory;
  /** The audit record operators' actions are written to (shared/listener/admin.ts). */
  readonly audit: AuditLog;
  /** Where heartbeats go (for the curl example); unknown for a bare `--table`. */
  readonly apiUrl?: string;
  /** For messages: "local Listener at …", "stage dev", "table X in eu-west-1". */
  readonly description: string;
  /** Where the target's notifications go, and the Listener name they carry (absent for a bare `--table`). */
  readonly publishing?: {
    readonly channels: readonly NotificationChannel[];
    readonly listenerName: string;
  };
  /**
   * The target's mass-silence guard and the ops channels it reports on, so that a sweep run by hand (after
   * the sweeper was down, say) holds a storm's pages as the scheduled one would. Absent for a bare --table.
   */
  readonly massSilence?: {
    readonly settings: MassSilenceSettings;
    readonly opsChannels: readonly NotificationChannel[];
  };
  /** The target's reminder period while DOWN (absent = off, or unknown for a bare --table). */
  readonly renotifyEveryMs?: number;
  /** The valid Phone Home pairs of a stage (infra/stages.ts); absent = not configured here. */
  readonly phoneHomePairs?: readonly { readonly phone: string; readonly listener: string }[];
  /** The Listener pair this target is one of (a pair stage, or a local Listener with a twin); absent: none. */
  readonly listenerPair?: { readonly a: string; readonly b: string };
  /** How often the target's sweeper runs (absent: unknown, assume every minute). */
  readonly sweepEveryMs?: number;
  close(): void;
}

export async function resolveTarget(options: TargetOptions): Promise<Target> {
  if (options.side !== undefined) {
    throw new UsageError(
      "--side is now --listener (a Logger's side is in its id)",
      `write --listener ${options.side}`,
    );
  }
  if (options.stage && options.table) {
    throw new UsageError('--stage and --table given together', 'pass one of them');
  }
  if (options.stage) {
    const { resolveStage } = await import('./stage-target.js');
    const { cliStages, requireStage } = await import('./stage-settings.js');
    const config = requireStage(cliStages(options.stages), options.stage);
    const side = pairSide(options, config.pair !== undefined);
    const stage = await resolveStage(options.stage, {
      ...(options.region ? { region: options.region } : {}),
      ...(side ? { side } : {}),
      ...(options.stages ? { stagesFile: options.stages } : {}),
    });
    const region = stage.region ?? options.region;
    const clientConfig = region ? { region } : {};
    // Only a stage publishes through SNS and EventBridge: their SDK clients load for it alone.
    const [{ eventBridgeClient, snsClient }, { EventBridgeNotifier }, { SnsNotifier }] = await Promise.all([
      import('../shared/adapters/notify/aws-channels.js'),
      import('../shared/adapters/notify/eventbridge-notifier.js'),
      import('../shared/adapters/notify/sns-notifier.js'),
    ]);
    const bus = new EventBridgeNotifier(eventBridgeClient(clientConfig, ADMIN_LIMITS), stage.eventBusName);
    // SMS as the stage's functions send them: Transactional, with its sender ID / origination number.
    const sender = { senderId: config.sms.senderId, originationNumber: config.sms.originationNumber };
    const sns = (topicArn: string) =>
      new SnsNotifier(snsClient(clientConfig, ADMIN_LIMITS), topicArn, undefined, sender);
    const channels = [bus, sns(stage.alarmTopicArn)];
    const renotify =
      config && config.renotifyEvery !== 'off' ? parseDuration(config.renotifyEvery) : undefined;
    // As the sweeper Lambda reports (shared/runtime.ts): the bus, and the ops topic instead of the reps'.
    const opsChannels = [bus, sns(stage.opsTopicArn)];
    return {
      ...awsTarget(
        stage.tableName,
        region,
        describeStage(options.stage, side, stage.listenerName),
        stage.apiUrl,
      ),
      publishing: { channels, listenerName: stage.listenerName ?? options.stage },
      ...(renotify === undefined ? {} : { renotifyEveryMs: renotify }),
      ...(config
        ? {
            massSilence: {
              settings: {
                minLoggers: config.massSilence.minLoggers,
                fraction: config.massSilence.fraction,
                windowMs: parseDuration(config.massSilence.window),
                holdMs: parseDuration(config.massSilence.hold),
              },
              opsChannels,
            },
          }
        : {}),
      ...(config
        ? { phoneHomePairs: config.phoneHomePairs, sweepEveryMs: parseDuration(config.sweepRate) }
        : {}),
      ...(config?.pair
        ? { listenerPair: { a: config.pair.a.listenerName, b: config.pair.b.listenerName } }
        : {}),
    };
  }
  if (options.listener !== undefined) {
    throw new UsageError('--listener picks a Listener of a pair stage', 'pass it with --stage <pair stage>');
  }
  if (options.table) return awsTarget(options.table, options.region, `table ${options.table}`);
  return localTarget(options.dir ?? '.listener');
}

/** The Listener of a pair stage `--listener` names (default a); a usage mistake for a stage that is not a pair. */
function pairSide(options: TargetOptions, isPair: boolean): PairSide | undefined {
  if (!isPair) {
    if (options.listener === undefined) return undefined;
    throw new UsageError(`stage ${options.stage} is not a Listener pair`, 'leave out --listener');
  }
  if (options.listener === undefined) return 'a';
  if (options.listener === 'a' || options.listener === 'b') return options.listener;
  throw new UsageError(
    `--listener ${options.listener} is not a Listener of a pair (a or b)`,
    "pass --listener a or --listener b; a modem Logger's Phone Home Listener is --import-system",
  );
}

function describeStage(stage: string, side: PairSide | undefined, listenerName: string | undefined): string {
  return side ? `stage ${stage} Listener ${side} (${listenerName ?? 'Listener'})` : `stage ${stage}`;
}

function awsTarget(table: string, region: string | undefined, description: string, apiUrl?: string): Target {
  const client = dynamoClient(region ? { region } : {}, ADMIN_LIMITS);
  return {
    ...dynamoPorts(client, table),
    pings: new DynamoPingDirectory(client, table),
    fleet: new DynamoFleet(client, table),
    audit: new DynamoAuditLog(client, table, DEFAULT_EVENT_RETENTION_MS),
    ...(apiUrl ? { apiUrl } : {}),
    description,
    close: () => client.destroy(),
  };
}

function localTarget(dir: string): Target {
  const file = join(resolve(dir), LOCAL_FILE);
  const start = 'start one with "npm start", or pass --stage <name> or --table <name> for AWS';
  if (!existsSync(file))
    throw new UnreachableError(`no local Listener is running (${file} not found)`, start);
  const local = JSON.parse(readFileSync(file, 'utf8')) as LocalTarget;
  if (!isRunning(local.pid)) {
    throw new UnreachableError(
      `no local Listener is running (${file} is left from pid ${local.pid}, which has stopped)`,
      start,
    );
  }
  const client = localClient(local.dynamodbEndpoint);
  const channels: NotificationChannel[] = [
    new FileNotifier(local.notificationsFile, (line) => process.stderr.write(`${line}\n`)),
    // The Listener's HTTP channels too: a notice a hand-run sweep delivered on the file alone would leave
    // the outbox before PagerDuty, Slack… had it.
    ...localHttpChannels(local),
  ];
  return {
    ...dynamoPorts(client, local.tableName),
    pings: new DynamoPingDirectory(client, local.tableName),
    fleet: new DynamoFleet(client, local.tableName),
    audit: new DynamoAuditLog(client, local.tableName, DEFAULT_EVENT_RETENTION_MS),
    apiUrl: local.apiUrl,
    description: `local Listener at ${local.apiUrl}`,
    // The CLI's stdout is its command output (maybe --json): ALARM/CLEARED lines go to stderr.
    publishing: { channels, listenerName: local.listenerName },
    // Local mode reports to ops in the same notifications file.
    ...(local.massSilence ? { massSilence: { settings: local.massSilence, opsChannels: channels } } : {}),
    ...(local.renotifyEveryMs === undefined ? {} : { renotifyEveryMs: local.renotifyEveryMs }),
    ...(local.sweepEveryMs === undefined ? {} : { sweepEveryMs: local.sweepEveryMs }),
    ...(local.twinListenerName
      ? { listenerPair: listenerPairOf(local.listenerName, local.twinListenerName) }
      : {}),
    close: () => client.destroy(),
  };
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // alive, someone else's
  }
}

/** The HTTP channels of the local Listener's channels file (`listener local --channels`), as it delivers. */
function localHttpChannels(local: LocalTarget): NotificationChannel[] {
  if (!local.channelsFile) return [];
  const log = {
    info() {},
    warn: (message: string) => process.stderr.write(`warning: ${message}\n`),
    error: (message: string) => process.stderr.write(`error: ${message}\n`),
  };
  const onRejected = rejectionReporter(log, noCounters, local.notificationsFile);
  return readChannelsFile(local.channelsFile).channels.map((c) => httpChannel(c, { onRejected }));
}
