/**
 * Pages on-call people through the alarm SNS topic: state changes and error/critical events. One
 * `MessageStructure: 'json'` publish per notification carries the SMS and email texts, and string message
 * attributes that subscription filter policies select on.
 */
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import {
  emailText,
  messageAttributes,
  type Notification,
  pagesOnCall,
  smsText,
  subject,
} from '../../domain/notices/notification.js';
import { counted } from '../../domain/words.js';
import { type NotificationChannel, PartialDelivery } from '../../ports/channels.js';

/** How SMS subscribers get a page: the sender ID or origination number some countries require. */
export interface SmsSender {
  readonly senderId?: string | undefined;
  readonly originationNumber?: string | undefined;
}

/**
 * The per-message SMS settings SNS reads from reserved attributes. Always `Transactional`: the account
 * default is Promotional, which carriers may drop or delay under load, and a page is not marketing.
 */
export function smsAttributes(sender: SmsSender = {}): Record<string, string> {
  return {
    'AWS.SNS.SMS.SMSType': 'Transactional',
    ...(sender.senderId ? { 'AWS.SNS.SMS.SenderID': sender.senderId } : {}),
    ...(sender.originationNumber ? { 'AWS.MM.SMS.OriginationNumber': sender.originationNumber } : {}),
  };
}

/** The SNS Publish input for a notification (exported for tests and for the infra filter policies). */
export function snsPublishInput(
  topicArn: string,
  n: Notification,
  links: readonly string[] = [],
  sender: SmsSender = {},
) {
  const attributes = { ...messageAttributes(n), ...smsAttributes(sender) };
  const email = emailText(n, links);
  return {
    TopicArn: topicArn,
    Subject: subject(n),
    MessageStructure: 'json',
    Message: JSON.stringify({ default: email, email, sms: smsText(n) }),
    MessageAttributes: Object.fromEntries(
      Object.entries(attributes).map(([name, value]) => [name, { DataType: 'String', StringValue: value }]),
    ),
  };
}

/** The `sns` channel: pages (state changes, error/critical events); other notifications need no page. */
export class SnsNotifier implements NotificationChannel {
  readonly name = 'sns';

  constructor(
    private readonly client: SNSClient,
    private readonly topicArn: string,
    /** Lines the email adds (the console's Logger page and acknowledge links); never fails a page. */
    private readonly emailLinks: (n: Notification) => Promise<string[]> = async () => [],
    private readonly smsSender: SmsSender = {},
  ) {}

  async publish(notifications: readonly Notification[]): Promise<void> {
    const pages = notifications.filter(pagesOnCall);
    const results = await Promise.allSettled(
      pages.map(async (n) => {
        const links = await this.emailLinks(n).catch(() => []);
        return this.client.send(new PublishCommand(snsPublishInput(this.topicArn, n, links, this.smsSender)));
      }),
    );
    const failed = results.flatMap((r, i) =>
      r.status === 'rejected' ? [{ index: i, reason: r.reason }] : [],
    );
    if (failed.length === 0) return;
    const failedIds = new Set(failed.map((f) => pages[f.index]?.id));
    throw new PartialDelivery(
      notifications.map((n) => n.id).filter((id) => !failedIds.has(id)),
      `SNS publish failed for ${failed.length} of ${counted(pages.length, 'notification')}`,
      { cause: failed[0]?.reason },
    );
  }
}
