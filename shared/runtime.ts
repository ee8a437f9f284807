/**
 * Wires the ports to their AWS (or local) adapters from the validated configuration. Clients are built
 * once per Lambda container, on first use, and reused by every invocation.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { dynamoClient } from './adapters/aws-clients.js';
import { readChannelsFile, watchedHttpChannel } from './adapters/channels/channels-file.js';
import { observedFetch } from './adapters/channels/observed-fetch.js';
import { rejectionReporter } from './adapters/channels/rejections.js';
import { type ChannelTestResult, testStageChannel } from './adapters/channels/stage/channel-test.js';
import { StageHttpChannel } from './adapters/channels/stage/stage-channel.js';
import type { StageChannel } from './adapters/channels/stage/stage-channels.js';
import { DynamoConsoleKeys } from './adapters/dynamo/dynamo-console-items.js';
import { dynamoPorts } from './adapters/dynamo/dynamo-ports.js';
import { FileNotifier } from './adapters/notify/file-notifier.js';
import { LazyChannel } from './adapters/notify/lazy-channel.js';
import { type ListenerConfig, loadConfig } from './config.js';
import { emailLinks } from './console/auth/links.js';
import type { Notification } from './domain/notices/notification.js';
import type { ListenerDeps } from './listener/deps.js';
import { ChannelHealthMonitor } from './listener/notices/channel-health-monitor.js';
import { countChannelFailure, listenerLog, metricCounters } from './observability.js';
import type { NotificationChannel } from './ports/channels.js';

/** Everything a handler needs: the use cases' dependencies, the configuration and the clock. */
export interface Runtime extends ListenerDeps {
  readonly config: ListenerConfig;
  readonly now: () => number;
  /** A stage's channel test (`listener channel test --stage`, run by the sweeper); absent without channels. */
  readonly testChannel?: (name: string) => Promise<ChannelTestResult>;
}

/** Builds the runtime for `config`. DynamoDB's endpoint follows the SDK's AWS_ENDPOINT_URL_DYNAMODB (local mode). */
export function createRuntime(config: ListenerConfig = loadConfig()): Runtime {
  const dynamo = dynamoClient();
  // Each channel delivers on its own (see shared/listener/notices/delivery.ts): order does not matter.
  const channels: NotificationChannel[] = [];
  const opsChannels: NotificationChannel[] = [];
  const channelHealth = new ChannelHealthMonitor();
  if (config.notificationsFile) channels.push(new FileNotifier(config.notificationsFile));
  // The SNS and EventBridge clients load on first publish (LazyChannel): most invocations never publish.
  const { eventBusName, alarmTopicArn } = config;
  const aws = () => import('./adapters/notify/aws-channels.js');
  if (eventBusName) {
    channels.push(new LazyChannel('eventbridge', async () => (await aws()).eventBridgeChannel(eventBusName)));
  }
  if (alarmTopicArn) {
    const links = consoleLinks(config, dynamo);
    channels.push(new LazyChannel('sns', async () => (await aws()).snsChannel(alarmTopicArn, links)));
  }
  if (config.channelsFile) {
    // Local mode's HTTP channels (PagerDuty, Slack, …); the file was checked by `listener local` already.
    // Their receivers' answers go to the health monitor too: each sweep records what changed.
    const onRejected = rejectionReporter(listenerLog, metricCounters, config.notificationsFile);
    for (const channel of readChannelsFile(config.channelsFile).channels) {
      channels.push(watchedHttpChannel(channel, channelHealth, { onRejected }));
    }
  }
  const stage = config.stageChannels ? stageChannels(config.stageChannels, channelHealth) : [];
  channels.push(...stage);
  // Ops notices (MASS_SILENCE, LISTENER_SILENT) share the file and the bus, and have their own topic: never the reps' one.
  opsChannels.push(...channels.filter((c) => c.name !== 'sns'));
  const { opsTopicArn } = config;
  if (opsTopicArn) {
    opsChannels.push(new LazyChannel('sns', async () => (await aws()).snsChannel(opsTopicArn)));
  }
  return {
    config,
    ...dynamoPorts(dynamo, config.tableName),
    channels,
    opsChannels,
    channelHealth,
    massSilence: config.massSilence,
    listenerName: config.listenerName,
    sweepEveryMs: config.sweepEveryMs,
    ...(config.twinListenerName ? { twinListenerName: config.twinListenerName } : {}),
    outboxRetryMs: config.outboxRetryMs,
    eventRetentionMs: config.eventRetentionMs,
    ...(config.renotifyEveryMs === undefined ? {} : { renotifyEveryMs: config.renotifyEveryMs }),
    log: listenerLog,
    counters: metricCounters,
    now: Date.now,
    ...(stage.length > 0 ? { testChannel: (name: string) => testStageChannel(stage, name, Date.now()) } : {}),
  };
}

/**
 * A deployed stage's channels, secrets read through the Parameters and Secrets extension on first delivery.
 * Each failed delivery, and each notice refused for good, counts `ChannelDeliveryFailed` for its channel.
 */
function stageChannels(configs: readonly StageChannel[], health: ChannelHealthMonitor): StageHttpChannel[] {
  const report = rejectionReporter(listenerLog, metricCounters, undefined);
  return configs.map(
    (c) =>
      new StageHttpChannel(c, {
        log: listenerLog,
        // The receivers' answers go to the health monitor as in local mode: the sweep records what changed.
        fetch: observedFetch(health, c.name),
        onFailed: countChannelFailure,
        onRejected: (rejection) => {
          report(rejection);
          countChannelFailure(rejection.channel);
          const { status, excerpt, notification } = rejection;
          health.rejected(rejection.channel, { at: Date.now(), status, excerpt, notification });
        },
      }),
  );
}

/**
 * The console links an email carries: the Logger's page and, for an alarm, a signed one-time acknowledge
 * link — signed with the console's key when the console has created it (read only, never created here).
 */
function consoleLinks(config: ListenerConfig, dynamo: DynamoDBClient) {
  const { consoleUrl } = config;
  if (!consoleUrl) return undefined;
  const keys = new DynamoConsoleKeys(dynamo, config.tableName);
  return async (n: Notification) => {
    const key = await keys.key(false).catch(() => undefined);
    return emailLinks(n, consoleUrl, key, Date.now());
  };
}

let shared: Runtime | undefined;

/** The container's runtime, created on first use (cold start) from the environment. */
export function runtime(): Runtime {
  shared ??= createRuntime();
  return shared;
}
