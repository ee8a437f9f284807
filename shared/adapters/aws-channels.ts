/**
 * The SNS and EventBridge channels with their bounded SDK clients (aws-clients.ts). Loaded on first
 * publish through `import()` (see shared/runtime.ts): as a module of its own, esbuild still tree-shakes
 * the SDK packages it names, which a dynamic import of the packages themselves would keep whole.
 */
import type { Notification } from '../domain/notification.js';
import type { NotificationChannel } from '../ports.js';
import { eventBridgeClient, snsClient } from './aws-clients.js';
import { EventBridgeNotifier } from './eventbridge-notifier.js';
import { SnsNotifier } from './sns-notifier.js';

/** `emailLinks`: the lines alarm emails add (the console's links; see shared/console/auth/links.ts). */
export function snsChannel(
  topicArn: string,
  emailLinks?: (n: Notification) => Promise<string[]>,
): NotificationChannel {
  return new SnsNotifier(snsClient(), topicArn, emailLinks);
}

export function eventBridgeChannel(busName: string): NotificationChannel {
  return new EventBridgeNotifier(eventBridgeClient(), busName);
}
