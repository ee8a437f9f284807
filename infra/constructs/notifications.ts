import { Aws, Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { EventBus } from 'aws-cdk-lib/aws-events';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { type CfnSubscription, type ITopicSubscription, Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription, SmsSubscription, UrlSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { DETAIL_TYPES } from '../../shared/domain/notices/notification.js';
import {
  type NotificationKind,
  type StageConfig,
  type SubscriptionFilter,
  severitiesFrom,
} from '../stages.js';

/** KMS actions a publisher to an encrypted topic needs, named exactly: no `GenerateDataKey*`. */
export const TOPIC_KEY_ACTIONS = ['kms:GenerateDataKey', 'kms:Decrypt'];

/**
 * Where the Listener's notifications go: the alarm topic (pages on-call, filtered per subscriber), the ops
 * topic (alarms about the Listener itself) and the EventBridge bus for domain events.
 */
export class Notifications extends Construct {
  /** Pages about Loggers: LOGGER_SILENT, LOGGER_RECOVERED, LOGGER_EVENT. */
  readonly alarmTopic: Topic;
  /** CloudWatch alarms about the Listener: kept apart so a noisy fleet never hides a broken sweeper. */
  readonly opsTopic: Topic;
  /** Encrypts the alarm topic; publishers need {@link TOPIC_KEY_ACTIONS} on it. */
  readonly key: Key;
  /**
   * Encrypts the ops topic, a key of its own (the stage's `opsTopicKey: 'own-key'`) or none: CloudWatch
   * alarms publish with it, and disabling the alarm topic's key must not silence the alarm reporting it.
   */
  readonly opsKey: Key | undefined;
  readonly bus: EventBus;

  constructor(scope: Construct, id: string, config: StageConfig) {
    super(scope, id);
    const retain = config.removalPolicy === 'retain';
    const topicKey = (keyId: string, what: string) =>
      new Key(this, keyId, {
        description: `Phone Home Listener ${config.stage}: ${what}`,
        enableKeyRotation: true,
        removalPolicy: retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
        pendingWindow: Duration.days(retain ? 30 : 7),
      });

    this.key = topicKey('TopicKey', 'SNS alarm topic');
    // A customer-managed key, because the AWS-managed SNS key cannot grant CloudWatch alarms the right
    // to publish to the encrypted ops topic.
    this.opsKey = config.opsTopicKey === 'own-key' ? topicKey('OpsTopicKey', 'SNS ops topic') : undefined;
    // Only this stage's alarms, in this account, may use the key (no confused deputy).
    const fromOwnAlarms = ownAlarmsCondition(config.stage);
    this.opsKey?.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CloudWatchAlarmsPublishToOpsTopic',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: TOPIC_KEY_ACTIONS,
        resources: ['*'], // in a key policy `*` means this key
        conditions: fromOwnAlarms,
      }),
    );

    this.alarmTopic = new Topic(this, 'AlarmTopic', {
      displayName: `Phone Home ${config.listenerName}`,
      masterKey: this.key,
      enforceSSL: true,
    });
    this.opsTopic = new Topic(this, 'OpsTopic', {
      displayName: `Phone Home ${config.listenerName} ops`,
      ...(this.opsKey ? { masterKey: this.opsKey } : {}),
      enforceSSL: true,
    });
    if (!this.opsKey) {
      Validations.of(this.opsTopic).acknowledge({
        id: 'AwsSolutions-SNS2',
        reason:
          "The stage chose opsTopicKey 'none': alarm texts about the Listener carry no secrets, and an unencrypted ops topic cannot be silenced by a disabled key.",
      });
    }
    // enforceSSL alone leaves the policy with a Deny only: CloudWatch needs an explicit Allow to publish.
    this.opsTopic.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CloudWatchAlarmsPublish',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.opsTopic.topicArn],
        conditions: fromOwnAlarms,
      }),
    );

    const subscribe = (subscription: ITopicSubscription, filter: SubscriptionFilter | undefined) => {
      const created = this.alarmTopic.addSubscription(subscription);
      // Written raw: the L2 filter type cannot express `$or`, which minSeverity needs (see filterPolicy).
      const policy = filterPolicy(filter);
      if (policy) (created.node.defaultChild as CfnSubscription).filterPolicy = policy;
    };
    for (const { address, filter } of config.alarmEmails) subscribe(new EmailSubscription(address), filter);
    for (const { number, filter } of config.alarmSms) subscribe(new SmsSubscription(number), filter);
    for (const address of config.opsEmails) this.opsTopic.addSubscription(new EmailSubscription(address));
    for (const number of config.opsSms) this.opsTopic.addSubscription(new SmsSubscription(number));
    for (const url of config.opsHttps) this.opsTopic.addSubscription(new UrlSubscription(url));

    this.bus = new EventBus(this, 'Bus', { eventBusName: `phone-home-listener-${config.stage}` });
  }
}

/** The alarm-name prefix of a stage: every alarm of `Monitoring` is named `<prefix>-<what>`. */
export function alarmNamePrefix(stage: string): string {
  return `PhoneHomeListener-${stage}`;
}

/** Conditions limiting a CloudWatch service-principal grant to this account's alarms of this stage. */
function ownAlarmsCondition(stage: string) {
  return {
    StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
    ArnLike: {
      'aws:SourceArn': `arn:${Aws.PARTITION}:cloudwatch:${Aws.REGION}:${Aws.ACCOUNT_ID}:alarm:${alarmNamePrefix(stage)}-*`,
    },
  };
}

/** Kinds that are state changes of a Logger (everything but forwarded events). */
const STATE_KINDS = (Object.keys(DETAIL_TYPES) as NotificationKind[]).filter(
  (kind) => kind !== 'LOGGER_EVENT',
);

/**
 * The SNS filter policy for a subscriber, on the message attributes every publish carries (`kind`,
 * `customer`, `side`, `severity`). Undefined = everything. `minSeverity` selects forwarded events only:
 * state changes (silent, blind, recovered) pass whatever their severity, so a paged rep always gets the
 * all-clear (severity info).
 */
export function filterPolicy(filter: SubscriptionFilter | undefined): Record<string, unknown> | undefined {
  if (filter === undefined) return undefined;
  const policy: Record<string, unknown> = {};
  if (filter.customers) policy.customer = [...filter.customers];
  const kinds = filter.kinds ?? (Object.keys(DETAIL_TYPES) as NotificationKind[]);
  if (filter.minSeverity && kinds.includes('LOGGER_EVENT')) {
    const states = STATE_KINDS.filter((kind) => kinds.includes(kind));
    const events = { kind: ['LOGGER_EVENT'], severity: severitiesFrom(filter.minSeverity) };
    policy.$or = states.length > 0 ? [{ kind: states }, events] : [events];
  } else if (filter.kinds) {
    policy.kind = [...filter.kinds];
  }
  return Object.keys(policy).length > 0 ? policy : undefined;
}
