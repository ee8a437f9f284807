/**
 * How a receiver's permanent refusal is reported: loudly, once per notice — an error log line and the
 * `NotificationsRejected` counter, and in local mode a JSON line in `channel-rejections.jsonl` next to the
 * notifications file (what `listener channel list` shows). The notice itself counts as done on that channel.
 */
import { appendFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Counters, Log } from '../../listener/deps.js';
import type { Rejection } from './http-channel.js';

export const REJECTIONS_FILE = 'channel-rejections.jsonl';

export function rejectionReporter(
  log: Log,
  counters: Counters,
  notificationsFile: string | undefined,
): (rejection: Rejection) => void {
  return (rejection) => {
    counters.count('NotificationsRejected');
    log.error('a channel refused a notification for good; it is not retried: check its key or URL', {
      channel: rejection.channel,
      notification: rejection.notification,
      status: rejection.status,
    });
    if (!notificationsFile) return;
    const line = JSON.stringify({ at: new Date().toISOString(), ...rejection });
    appendFileSync(join(dirname(notificationsFile), REJECTIONS_FILE), `${line}\n`, 'utf8');
  };
}
