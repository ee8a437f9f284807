/**
 * Wires the ports to their AWS (or local) adapters from the validated configuration. Clients are built
 * once per Lambda container, on first use, and reused by every invocation.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SNSClient } from '@aws-sdk/client-sns';
import { DynamoLoggerStore } from './adapters/dynamo-logger-store.js';
import { EventBridgeNotifier } from './adapters/eventbridge-notifier.js';
import { FileNotifier } from './adapters/file-notifier.js';
import { SnsNotifier } from './adapters/sns-notifier.js';
import { type ListenerConfig, loadConfig } from './config.js';
import type { ListenerDeps } from './listener/deps.js';
import { listenerLog, metricCounters } from './observability.js';
import type { NotificationChannel } from './ports.js';

/** Everything a handler needs: the use cases' dependencies, the configuration and the clock. */
export interface Runtime extends ListenerDeps {
  readonly config: ListenerConfig;
  readonly now: () => number;
}

/** Builds the runtime for `config`. DynamoDB's endpoint follows the SDK's AWS_ENDPOINT_URL_DYNAMODB (local mode). */
export function createRuntime(config: ListenerConfig = loadConfig()): Runtime {
  // Each channel delivers on its own (see shared/listener/delivery.ts): order does not matter.
  const channels: NotificationChannel[] = [];
  // Ops notices (MASS_SILENCE) share the file and the bus, and have their own topic: never the reps' one.
  const opsChannels: NotificationChannel[] = [];
  if (config.notificationsFile) channels.push(new FileNotifier(config.notificationsFile));
  if (config.eventBusName)
    channels.push(new EventBridgeNotifier(new EventBridgeClient({}), config.eventBusName));
  opsChannels.push(...channels);
  const sns = config.alarmTopicArn || config.opsTopicArn ? new SNSClient({}) : undefined;
  if (sns && config.alarmTopicArn) channels.push(new SnsNotifier(sns, config.alarmTopicArn));
  if (sns && config.opsTopicArn) opsChannels.push(new SnsNotifier(sns, config.opsTopicArn));
  return {
    config,
    store: new DynamoLoggerStore(new DynamoDBClient({}), config.tableName),
    channels,
    opsChannels,
    massSilence: config.massSilence,
    listenerName: config.listenerName,
    outboxRetryMs: config.outboxRetryMs,
    eventRetentionMs: config.eventRetentionMs,
    ...(config.renotifyEveryMs === undefined ? {} : { renotifyEveryMs: config.renotifyEveryMs }),
    log: listenerLog,
    counters: metricCounters,
    now: Date.now,
  };
}

let shared: Runtime | undefined;

/** The container's runtime, created on first use (cold start) from the environment. */
export function runtime(): Runtime {
  shared ??= createRuntime();
  return shared;
}
