import { Aws, Duration, RemovalPolicy } from 'aws-cdk-lib';
import type { EventBus } from 'aws-cdk-lib/aws-events';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { Key } from 'aws-cdk-lib/aws-kms';
import { Architecture, Function as LambdaFunction, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Topic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { KEY_ITEM as ACK_LINK_KEY_ITEM } from '../../shared/adapters/dynamo/dynamo-console-items.js';
import { bridgeKey, PK_PREFIX } from '../../shared/adapters/dynamo/logger/dynamo-items.js';
import { pingEntryKey } from '../../shared/adapters/dynamo/logger/dynamo-ping-directory.js';
import { FLEET_INDEX, STATE_INDEX } from '../../shared/adapters/dynamo/table-schema.js';
import { FUNCTION_NAMES, type FunctionName } from '../../shared/http/routes.js';
import type { StageConfig } from '../stages.js';
import { functionCode, HANDLER } from './bundle.js';
import { secretsExtension, useChannels } from './channels.js';
import { TOPIC_KEY_ACTIONS } from './notifications.js';
import type { Store } from './store.js';

/** DynamoDB actions a function may take on the table's items (named, never `dynamodb:*`). */
export type ItemAction =
  | 'dynamodb:GetItem'
  | 'dynamodb:BatchGetItem'
  | 'dynamodb:PutItem'
  | 'dynamodb:UpdateItem'
  | 'dynamodb:DeleteItem';

/**
 * Item families by partition key (shared/adapters/dynamo/table-schema.ts), as `dynamodb:LeadingKeys`
 * patterns: a role limited to some cannot read or write the others (another bridge's or the Listener's own
 * records, blind records, used links), whatever its code does.
 */
export const ITEM_FAMILIES = {
  /** A Logger, its events and its relayed-record markers: `LOGGER#<customer>/<side>`. */
  loggers: `${PK_PREFIX}*`,
  /** Ping URL directory entries: `PING#<hash of the uuid>` (shared/adapters/dynamo/logger/dynamo-ping-directory.ts). */
  pings: pingEntryKey('*').pk,
  /** Dial-in bridges' credentials: `BRIDGE#<site>`. */
  bridges: bridgeKey('*').pk,
  /** The key acknowledge links in alarm emails are signed with (shared/runtime.ts reads it to sign them). */
  ackLinkKey: ACK_LINK_KEY_ITEM.pk,
} as const;

/** Item actions on the table, on the items whose partition key matches `leadingKeys` (absent: every item). */
export interface ItemGrant {
  readonly actions: readonly ItemAction[];
  readonly leadingKeys?: readonly string[];
}

/** What one function is and may touch. Adding a function = adding its line to {@link FUNCTION_SPECS}. */
export interface FunctionSpec {
  /** Item grants on the table itself; empty = the function knows the table's name but cannot touch it. */
  readonly table: readonly ItemGrant[];
  /** May `Query` the sparse `due` index (and no other index). */
  readonly queriesDueIndex?: boolean;
  /** Publishes notifications: pages on the alarm topic and domain events on the bus. */
  readonly notifies: boolean;
  readonly memoryMiB: number;
  readonly timeout: Duration;
  /**
   * Reserved concurrency: a number, `ingest` for the stage's `ingestConcurrency` cap (functions Loggers
   * call), or absent for none (health: cheap, and it must answer even when ingest is saturated).
   */
  readonly concurrency?: number | 'ingest';
}

/**
 * Every function and its least privilege. Typed by `FunctionName`, so a function added to
 * shared/http/routes.ts does not compile until it gets its line here.
 */
export const FUNCTION_SPECS: Readonly<Record<FunctionName, FunctionSpec>> = {
  // A heartbeat is one conditional UpdateItem; a recovering Logger's CLEARED notice is published here, and
  // the outage it ended is kept in the Logger's history (PutItem, under the Logger's own key).
  // GetItem: publishOutbox (shared/listener/notices/outbox.ts) re-reads the Logger when a concurrent write beat
  // its removal of the published notices.
  // Ingest functions (heartbeat, events, relay) touch only the item families they need; GetItem of the
  // acknowledge-link key signs the console link in the pages they publish.
  heartbeat: {
    table: [
      {
        actions: ['dynamodb:UpdateItem', 'dynamodb:GetItem', 'dynamodb:PutItem'],
        leadingKeys: [ITEM_FAMILIES.loggers],
      },
      { actions: ['dynamodb:GetItem'], leadingKeys: [ITEM_FAMILIES.ackLinkKey] },
    ],
    notifies: true,
    memoryMiB: 256,
    timeout: Duration.seconds(10),
    concurrency: 'ingest',
  },
  // Events authenticate through the same phone-home path (hence GetItem too), then PutItem each event.
  events: {
    table: [
      {
        actions: ['dynamodb:UpdateItem', 'dynamodb:PutItem', 'dynamodb:GetItem'],
        leadingKeys: [ITEM_FAMILIES.loggers],
      },
      { actions: ['dynamodb:GetItem'], leadingKeys: [ITEM_FAMILIES.ackLinkKey] },
    ],
    notifies: true,
    memoryMiB: 256,
    timeout: Duration.seconds(15),
    concurrency: 'ingest',
  },
  // Relayed modem records: the bridge's credential (GetItem), each record a phone-home (UpdateItem) plus
  // its idempotency marker or event (PutItem); relayed error/critical events page like HTTPS ones.
  relay: {
    // BatchGetItem: which records of a batch were applied before (one read per Logger, not per record).
    table: [
      {
        actions: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:UpdateItem', 'dynamodb:PutItem'],
        leadingKeys: [ITEM_FAMILIES.loggers],
      },
      // The bridge's credential: read only, never another family's item.
      { actions: ['dynamodb:GetItem'], leadingKeys: [ITEM_FAMILIES.bridges, ITEM_FAMILIES.ackLinkKey] },
    ],
    notifies: true,
    memoryMiB: 256,
    timeout: Duration.seconds(29),
    concurrency: 'ingest',
  },
  // Ping URLs (shared/listener/pings/ping.ts): the directory entry of a URL not in the warm cache (GetItem), a
  // success's phone-home or a start/log mark (UpdateItem), a failure's read and transition (GetItem,
  // UpdateItem); its page or a recovery's all-clear is published here, as a heartbeat's is. PutItem: a
  // chunk of pings moved out of its Logger's item (UpdateItem removes them), a ping's body, and an ended
  // outage, all under the Logger's key (shared/domain/pings/history.ts).
  ping: {
    table: [
      {
        actions: ['dynamodb:UpdateItem', 'dynamodb:GetItem', 'dynamodb:PutItem'],
        leadingKeys: [ITEM_FAMILIES.loggers],
      },
      { actions: ['dynamodb:GetItem'], leadingKeys: [ITEM_FAMILIES.pings, ITEM_FAMILIES.ackLinkKey] },
    ],
    notifies: true,
    memoryMiB: 256,
    timeout: Duration.seconds(10),
    concurrency: 'ingest',
  },
  // Health and the 404/405 fallback answer without touching data.
  health: { table: [], notifies: false, memoryMiB: 128, timeout: Duration.seconds(5) },
  // Below the 1-minute schedule so that one sweep ends before the next begins. UpdateItem also records
  // the sweep's last run (LISTENER#SWEEPER). No transactions (a multi-Region strongly consistent table has
  // none): a blind customer (both sides DOWN) is claimed by a conditional PutItem on the customer's blind
  // record (CUSTOMER#<customer>), so it is never missed nor paged twice (shared/listener/sweep/blind-customer.ts).
  // PutItem: also the mass-silence record (LISTENER#MASS_SILENCE), replaced whole by a write conditional on
  // its revision, so concurrent sweeps raise and clear a mass silence once. DeleteItem: expired items found
  // in the due index (a pair's MRSC table has no TTL; docs/architecture.md#expiring-items-without-ttl).
  // BatchGetItem: the twins of a page of new alarms, in one strongly consistent read (shared/listener/sweep/sweep.ts).
  // No dynamodb:LeadingKeys: the sweeper reaches every family the key design has (Loggers, blind records,
  // its own LISTENER# records, and any expiring item the due index names, used links included), so a
  // list would be the whole table and narrow nothing.
  sweeper: {
    table: [
      {
        actions: [
          'dynamodb:GetItem',
          'dynamodb:BatchGetItem',
          'dynamodb:PutItem',
          'dynamodb:UpdateItem',
          'dynamodb:DeleteItem',
        ],
      },
    ],
    queriesDueIndex: true,
    notifies: true,
    memoryMiB: 512,
    timeout: Duration.seconds(55),
    // One sweep at a time: a second concurrent sweep would only race the first for the same Loggers.
    concurrency: 1,
  },
};

/** The functions Loggers and bridges call (throttled and capped together). */
export const INGEST_FUNCTIONS = ['heartbeat', 'events', 'relay'] as const satisfies readonly FunctionName[];

/** Powertools metrics namespace; the sweeper's EMF metrics land here with a `service` dimension. */
export const METRICS_NAMESPACE = 'PhoneHomeListener';

/** The Powertools service name of a stage: the `service` metric dimension, distinct per stage. */
export function serviceName(stage: string): string {
  return `phone-home-listener-${stage}`;
}

/** Properties of {@link ListenerFunctions}. */
export interface ListenerFunctionsProps {
  readonly config: StageConfig;
  readonly store: Store;
  readonly alarmTopic: Topic;
  readonly topicKey: Key;
  readonly bus: EventBus;
}

/** The Lambda functions, one per entry of `FUNCTION_NAMES`, each granted exactly its {@link FunctionSpec}. */
export class ListenerFunctions extends Construct {
  readonly byName: Readonly<Record<FunctionName, LambdaFunction>>;
  /** Each function's own log group. */
  readonly logGroups: Readonly<Record<FunctionName, LogGroup>>;

  constructor(scope: Construct, id: string, props: ListenerFunctionsProps) {
    super(scope, id);
    const { config } = props;
    const logGroups: Partial<Record<FunctionName, LogGroup>> = {};
    const entries = FUNCTION_NAMES.map((name) => {
      const spec = FUNCTION_SPECS[name];
      // An explicit log group: retention without the LogRetention custom resource, and deleted with a dev stack.
      const logGroup = new LogGroup(this, `${name}Logs`, {
        retention: config.logRetentionDays as RetentionDays,
        removalPolicy: config.removalPolicy === 'retain' ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
      });
      logGroups[name] = logGroup;
      const fn = this.createFunction(name, spec, config, logGroup);
      useTable(fn, props.store, spec);
      if (spec.notifies) {
        useAlarmTopic(fn, props.alarmTopic, props.topicKey);
        useBus(fn, props.bus);
        useChannels(fn, config.channels);
      }
      return [name, fn] as const;
    });
    this.byName = Object.fromEntries(entries) as Record<FunctionName, LambdaFunction>;
    this.logGroups = logGroups as Record<FunctionName, LogGroup>;
  }

  private createFunction(
    name: FunctionName,
    spec: FunctionSpec,
    config: StageConfig,
    logGroup: LogGroup,
  ): LambdaFunction {
    // Our own role instead of AWSLambdaBasicExecutionRole, whose logs actions reach every log group in
    // the account: this one writes to the function's own log group only.
    const role = new Role(this, `${name}Role`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Phone Home Listener ${config.stage}: ${name} function`,
    });
    role.addToPolicy(
      new PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [logGroup.logGroupArn],
      }),
    );
    const concurrency = spec.concurrency === 'ingest' ? config.ingestConcurrency : spec.concurrency;
    // The delivering functions read the channels' secrets through the extension (useChannels).
    const readsSecrets = spec.notifies && config.channels.length > 0;
    return new LambdaFunction(this, name, {
      role,
      ...(concurrency === undefined ? {} : { reservedConcurrentExecutions: concurrency }),
      ...(config.tracing ? { tracing: Tracing.ACTIVE } : {}),
      ...(readsSecrets ? { paramsAndSecrets: secretsExtension() } : {}),
      code: functionCode(`functions/${name}/handler.ts`),
      handler: HANDLER,
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: spec.memoryMiB,
      timeout: spec.timeout,
      logGroup,
      description: `Phone Home Listener ${config.stage}: ${name}`,
      environment: {
        LISTENER_NAME: config.listenerName,
        DEFAULT_EVENT_TIMEOUT: config.eventTimeout,
        DEFAULT_HEARTBEAT_INTERVAL: config.heartbeatInterval,
        EVENT_RETENTION: config.eventRetention,
        OUTBOX_RETRY: config.outboxRetry,
        RENOTIFY_EVERY: config.renotifyEvery,
        POWERTOOLS_SERVICE_NAME: serviceName(config.stage),
        POWERTOOLS_LOG_LEVEL: config.logLevel,
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        ...smsEnvironment(config),
      },
    });
  }
}

/** The SMS sender settings of a stage as the SNS channel reads them (shared/adapters/notify/aws-channels.ts). */
function smsEnvironment(config: StageConfig): Record<string, string> {
  const { senderId, originationNumber } = config.sms;
  return {
    ...(senderId ? { SMS_SENDER_ID: senderId } : {}),
    ...(originationNumber ? { SMS_ORIGINATION_NUMBER: originationNumber } : {}),
  };
}

/**
 * Gives `fn` the table: `TABLE_NAME`, the item grants of its spec on the table only (each limited to its
 * item families with `dynamodb:LeadingKeys`), and `Query` on the `due` index only when the spec says so.
 * Env var and grant are set together so neither goes without the other.
 */
export function useTable(
  fn: LambdaFunction,
  store: Store,
  spec: Pick<FunctionSpec, 'table' | 'queriesDueIndex'>,
) {
  fn.addEnvironment('TABLE_NAME', store.table.tableName);
  for (const grant of spec.table) {
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: [...grant.actions],
        resources: [store.table.tableArn],
        ...(grant.leadingKeys ? { conditions: leadingKeysCondition(grant.leadingKeys) } : {}),
      }),
    );
  }
  if (spec.queriesDueIndex) {
    fn.addToRolePolicy(new PolicyStatement({ actions: ['dynamodb:Query'], resources: [store.dueIndexArn] }));
  }
}

/**
 * Every partition key a request names must match one of `patterns` (ForAllValues), and it must name one:
 * IAM takes an empty set as matching every ForAllValues condition, hence the Null check.
 */
function leadingKeysCondition(patterns: readonly string[]) {
  return {
    'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [...patterns] },
    Null: { 'dynamodb:LeadingKeys': 'false' },
  };
}

/** Gives `fn` the alarm topic: `ALARM_TOPIC_ARN`, `sns:Publish` on it, and the key actions its encryption needs. */
export function useAlarmTopic(fn: LambdaFunction, topic: Topic, key: Key) {
  fn.addEnvironment('ALARM_TOPIC_ARN', topic.topicArn);
  fn.addToRolePolicy(new PolicyStatement({ actions: ['sns:Publish'], resources: [topic.topicArn] }));
  useTopicKey(fn, key);
}

/** The key actions publishing to a topic encrypted with `key` needs, only through SNS. */
function useTopicKey(fn: LambdaFunction, key: Key) {
  // Only through SNS: the key cannot be used directly to decrypt anything else.
  fn.addToRolePolicy(
    new PolicyStatement({
      actions: TOPIC_KEY_ACTIONS,
      resources: [key.keyArn],
      conditions: { StringEquals: { 'kms:ViaService': `sns.${Aws.REGION}.amazonaws.com` } },
    }),
  );
}

/**
 * Gives the sweeper the mass-silence guard (docs/mass-silence.md): its settings, `OPS_TOPIC_ARN` with
 * `sns:Publish` on the ops topic (never the reps' alarm topic) and the key, and `Query` on the `state`
 * index to count the paused Loggers (watched = the fleet counter item − paused) and on the keys-only
 * `fleet` index (a table without the counter item yet counts it there).
 */
export function useMassSilence(
  fn: LambdaFunction,
  config: StageConfig,
  ops: Topic,
  key: Key | undefined,
  store: Store,
) {
  const { minLoggers, fraction, window, hold } = config.massSilence;
  fn.addEnvironment('MASS_SILENCE_MIN_LOGGERS', String(minLoggers));
  fn.addEnvironment('MASS_SILENCE_FRACTION', String(fraction));
  fn.addEnvironment('MASS_SILENCE_WINDOW', window);
  fn.addEnvironment('MASS_SILENCE_HOLD', hold);
  fn.addEnvironment('OPS_TOPIC_ARN', ops.topicArn);
  fn.addToRolePolicy(new PolicyStatement({ actions: ['sns:Publish'], resources: [ops.topicArn] }));
  if (key) useTopicKey(fn, key);
  fn.addToRolePolicy(
    new PolicyStatement({
      actions: ['dynamodb:Query'],
      resources: [
        `${store.table.tableArn}/index/${FLEET_INDEX.name}`,
        `${store.table.tableArn}/index/${STATE_INDEX.name}`,
      ],
    }),
  );
}

/** Gives `fn` the bus: `EVENT_BUS_NAME` and `events:PutEvents` on that bus only. */
export function useBus(fn: LambdaFunction, bus: EventBus) {
  fn.addEnvironment('EVENT_BUS_NAME', bus.eventBusName);
  fn.addToRolePolicy(new PolicyStatement({ actions: ['events:PutEvents'], resources: [bus.eventBusArn] }));
}
