/**
 * The SNS and EventBridge channels with their bounded SDK clients (limits as in aws-clients.ts). Loaded on
 * first publish through `import()` (see shared/runtime.ts): as a module of its own, esbuild still
 * tree-shakes the SDK packages it names, which a dynamic import of the packages themselves would keep
 * whole, and splits it into a chunk of its own that a cold start does not read (infra/constructs/bundle.ts).
 * Nothing the functions import statically may import this module or the SNS/EventBridge clients.
 */
import { EventBridgeClient, type EventBridgeClientConfig } from '@aws-sdk/client-eventbridge';
import { SNSClient, type SNSClientConfig } from '@aws-sdk/client-sns';
import type { Notification } from '../../domain/notices/notification.js';
import type { NotificationChannel } from '../../ports/channels.js';
import { limited, NOTIFIER_LIMITS, withDeadline } from '../aws-clients.js';
import { EventBridgeNotifier } from './eventbridge-notifier.js';
import { SnsNotifier } from './sns-notifier.js';

/** `emailLinks`: the lines alarm emails add (the console's links; see shared/console/auth/links.ts). */
export function snsChannel(
  topicArn: string,
  emailLinks?: (n: Notification) => Promise<string[]>,
): NotificationChannel {
  // The stage's SMS sender settings (infra/constructs/functions.ts), absent where none is needed.
  const sender = {
    senderId: process.env.SMS_SENDER_ID,
    originationNumber: process.env.SMS_ORIGINATION_NUMBER,
  };
  return new SnsNotifier(snsClient(), topicArn, emailLinks, sender);
}

export function eventBridgeChannel(busName: string): NotificationChannel {
  return new EventBridgeNotifier(eventBridgeClient(), busName);
}

export function snsClient(config: SNSClientConfig = {}, limits = NOTIFIER_LIMITS): SNSClient {
  return withDeadline(new SNSClient({ ...limited(limits), ...config }), limits, 'SNS');
}

export function eventBridgeClient(
  config: EventBridgeClientConfig = {},
  limits = NOTIFIER_LIMITS,
): EventBridgeClient {
  return withDeadline(new EventBridgeClient({ ...limited(limits), ...config }), limits, 'EventBridge');
}
