/**
 * Local mode's notifier: every notification becomes one JSON line in a file (what SNS and EventBridge
 * would have received) and a readable `ALARM …` / `CLEARED …` / `EVENT …` line on stdout.
 */
import { appendFile } from 'node:fs/promises';
import {
  consoleLine,
  eventDetail,
  type Notification,
  pagesOnCall,
  smsText,
  subject,
} from '../../domain/notices/notification.js';
import type { NotificationChannel } from '../../ports/channels.js';
import { printable } from '../../printable.js';

/** Local mode's `file` channel. */
export class FileNotifier implements NotificationChannel {
  readonly name = 'file';

  constructor(
    private readonly path: string,
    private readonly print: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
  ) {}

  async publish(notifications: readonly Notification[]): Promise<void> {
    if (notifications.length === 0) return;
    const lines = notifications.map((n) =>
      JSON.stringify({
        kind: n.kind,
        id: n.id,
        pages: pagesOnCall(n),
        subject: subject(n),
        sms: smsText(n),
        detail: eventDetail(n),
      }),
    );
    await appendFile(this.path, `${lines.join('\n')}\n`, 'utf8');
    for (const n of notifications) this.print(printable(consoleLine(n))); // an event's message is the Logger's text
  }
}
