/**
 * `listener test-page`: one TEST notice to every subscriber of a Listener's alarm and ops topics, so that
 * on-call proves pages arrive before anyone relies on them. Subscribers with a filter policy (a rep who
 * hears only about their customers) get the notice through message attributes their policy accepts; the
 * notice says TEST in its subject and text, and carries `test: true`.
 */
import {
  GetSubscriptionAttributesCommand,
  ListSubscriptionsByTopicCommand,
  PublishCommand,
  type SNSClient,
} from '@aws-sdk/client-sns';
import { type SmsSender, smsAttributes } from '../../shared/adapters/notify/sns-notifier.js';

/** An SNS filter policy on message attributes, as the stack writes them (exact strings, `$or`). */
type FilterPolicy = Record<string, unknown>;

/** Who the test should have reached, or why not. */
export interface TestDelivery {
  readonly topic: string;
  readonly protocol: string;
  readonly endpoint: string;
  /** How many TEST notices its filter accepts (an unfiltered subscriber gets one per distinct filter). */
  readonly notices: number;
  /** Why it gets none: its subscription is not confirmed, or its filter policy is beyond exact strings. */
  readonly missed?: 'pending confirmation' | 'filter too complex to match';
}

/** Whether `policy` accepts `attributes` (exact-string values and `$or`, what infra/constructs/notifications.ts writes). */
export function accepts(policy: FilterPolicy, attributes: Readonly<Record<string, string>>): boolean {
  return Object.entries(policy).every(([key, allowed]) =>
    key === '$or'
      ? (allowed as FilterPolicy[]).some((branch) => accepts(branch, attributes))
      : Array.isArray(allowed) && allowed.some((value) => value === attributes[key]),
  );
}

/** Attributes `policy` accepts (its first allowed value of each key, its first `$or` branch); undefined if none can be made. */
export function attributesAccepted(policy: FilterPolicy): Record<string, string> | undefined {
  const attributes: Record<string, string> = {};
  for (const [key, allowed] of Object.entries(policy)) {
    if (key === '$or') {
      const first = Array.isArray(allowed) ? attributesAccepted(allowed[0] as FilterPolicy) : undefined;
      if (!first) return undefined;
      Object.assign(attributes, first);
      continue;
    }
    const value = Array.isArray(allowed)
      ? allowed.find((v): v is string => typeof v === 'string')
      : undefined;
    if (value === undefined) return undefined;
    attributes[key] = value;
  }
  return accepts(policy, attributes) ? attributes : undefined;
}

/** The notice: TEST in the subject and every text, who sent it and when, and that nothing needs doing. */
export function testNotice(listenerName: string, stage: string, at: Date) {
  const text = `TEST from Phone Home Listener ${listenerName} (stage ${stage}), sent by listener test-page at ${at.toISOString()}: no action needed. If you read this, pages reach you.`;
  return {
    Subject: `TEST: Phone Home Listener ${listenerName} can reach you`,
    MessageStructure: 'json',
    Message: JSON.stringify({ default: text, email: text, sms: text }),
  };
}

/**
 * Publishes the TEST notice to each topic once per distinct filter among its confirmed subscribers (once
 * for all the unfiltered ones), and says for every subscriber whether it should have received it.
 */
export async function sendTestPage(
  sns: SNSClient,
  topics: readonly { readonly name: string; readonly arn: string }[],
  notice: ReturnType<typeof testNotice>,
  sender: SmsSender = {},
): Promise<TestDelivery[]> {
  const deliveries: TestDelivery[] = [];
  for (const topic of topics) {
    const confirmed: { who: Omit<TestDelivery, 'notices'>; policy: FilterPolicy }[] = [];
    const toSend = new Map<string, Record<string, string>>();
    let NextToken: string | undefined;
    do {
      const page = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: topic.arn, NextToken }));
      for (const sub of page.Subscriptions ?? []) {
        const who = { topic: topic.name, protocol: sub.Protocol ?? '?', endpoint: sub.Endpoint ?? '?' };
        if (!sub.SubscriptionArn || sub.SubscriptionArn === 'PendingConfirmation') {
          deliveries.push({ ...who, notices: 0, missed: 'pending confirmation' });
          continue;
        }
        const { Attributes = {} } = await sns.send(
          new GetSubscriptionAttributesCommand({ SubscriptionArn: sub.SubscriptionArn }),
        );
        const policy = Attributes.FilterPolicy ? (JSON.parse(Attributes.FilterPolicy) as FilterPolicy) : {};
        const attributes = attributesAccepted(policy);
        if (!attributes) {
          deliveries.push({ ...who, notices: 0, missed: 'filter too complex to match' });
          continue;
        }
        // A notice already planned that this filter accepts serves it too: fewer duplicates for the others.
        if (![...toSend.values()].some((planned) => accepts(policy, planned))) {
          toSend.set(JSON.stringify(attributes), attributes);
        }
        confirmed.push({ who, policy });
      }
      NextToken = page.NextToken;
    } while (NextToken);
    const sent = [...toSend.values()];
    for (const attributes of sent) {
      const all = { ...attributes, test: 'true', ...smsAttributes(sender) };
      await sns.send(
        new PublishCommand({
          TopicArn: topic.arn,
          ...notice,
          MessageAttributes: Object.fromEntries(
            Object.entries(all).map(([name, value]) => [name, { DataType: 'String', StringValue: value }]),
          ),
        }),
      );
    }
    for (const { who, policy } of confirmed) {
      deliveries.push({ ...who, notices: sent.filter((attributes) => accepts(policy, attributes)).length });
    }
  }
  return deliveries;
}
