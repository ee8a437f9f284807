import { CfnOutput, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { FUNCTION_NAMES } from '../shared/http/routes.js';
import { Api } from './constructs/api.js';
import { Console } from './constructs/console.js';
import { INGEST_FUNCTIONS, ListenerFunctions, serviceName, useMassSilence } from './constructs/functions.js';
import { Monitoring } from './constructs/monitoring.js';
import { Notifications } from './constructs/notifications.js';
import { Store } from './constructs/store.js';
import { SweeperSchedule } from './constructs/sweeper.js';
import { OUTPUT_KEYS } from './stage-names.js';
import { durationMs, type StageConfig } from './stages.js';

/** Properties of {@link ListenerStack}. */
export interface ListenerStackProps extends StackProps {
  readonly config: StageConfig;
}

/** One deployed Listener: table, API, sweeper, notifications and the alarms that watch them. */
export class ListenerStack extends Stack {
  readonly store: Store;
  readonly notifications: Notifications;
  readonly functions: ListenerFunctions;
  readonly api: Api;
  readonly sweeper: SweeperSchedule;
  readonly monitoring: Monitoring;
  /** The on-call web console (its function, user pool and cookie-signing key). */
  readonly console: Console;
  readonly config: StageConfig;

  constructor(scope: Construct, id: string, props: ListenerStackProps) {
    super(scope, id, props);
    const { config } = props;
    if (config.pair && !config.pairing) {
      throw new Error(`stage ${config.stage} is a pair: build each side's stack with sideConfig()`);
    }
    this.config = config;

    this.store = new Store(this, 'Store', {
      retain: config.removalPolicy === 'retain',
      ...(config.pairing ? { pairing: config.pairing } : {}),
    });
    this.notifications = new Notifications(this, 'Notifications', config);
    this.functions = new ListenerFunctions(this, 'Functions', {
      config,
      store: this.store,
      alarmTopic: this.notifications.alarmTopic,
      topicKey: this.notifications.key,
      bus: this.notifications.bus,
    });
    const { opsTopic, opsKey } = this.notifications;
    useMassSilence(this.functions.byName.sweeper, config, opsTopic, opsKey, this.store);
    this.api = new Api(this, 'Api', { config, functions: this.functions.byName });
    const webConsole = new Console(this, 'Console', {
      config,
      store: this.store,
      httpApi: this.api.httpApi,
      apiUrl: this.api.url,
    });
    this.console = webConsole;
    for (const fn of Object.values(this.functions.byName)) fn.addEnvironment('CONSOLE_URL', webConsole.url);
    // In a pair, the sweeper watches its twin's sweeps (LISTENER_SILENT / LISTENER_RECOVERED to ops) and the
    // console's doctor checks each Logger's pairing (shared/domain/doctor.ts): both know the twin's name.
    if (config.pairing) {
      for (const fn of [this.functions.byName.sweeper, webConsole.fn]) {
        fn.addEnvironment('TWIN_LISTENER_NAME', config.pairing.twin.listenerName);
      }
    }
    // The sweeper knows its own period: a pair's twin watch pages after two of them (shared/domain/guards/twin-watch.ts).
    this.functions.byName.sweeper.addEnvironment('SWEEP_EVERY', config.sweepRate);
    this.sweeper = new SweeperSchedule(this, 'Sweeper', {
      sweeper: this.functions.byName.sweeper,
      rate: config.sweepRate,
    });
    this.monitoring = new Monitoring(this, 'Monitoring', {
      stage: config.stage,
      sweeper: this.functions.byName.sweeper,
      sweepRateMinutes: durationMs(config.sweepRate) / 60_000,
      deadLetterQueue: this.sweeper.deadLetterQueue,
      failedSweeps: this.sweeper.failedSweeps,
      alarmTopic: this.notifications.alarmTopic,
      sms: config.alarmSms.length + config.opsSms.length > 0 ? config.sms : undefined,
      httpApi: this.api.httpApi,
      table: this.store.table,
      opsTopic: this.notifications.opsTopic,
      serviceName: serviceName(config.stage),
      ingestFunctions: INGEST_FUNCTIONS.map((name) => this.functions.byName[name]),
      accessLogs: this.api.accessLogs,
      heartbeatSilenceMinutes: durationMs(config.heartbeatSilenceWindow) / 60_000,
      channels: config.channels.map((c) => c.name),
    });

    // Logical ids are the output keys (stage-names.ts): the CLI finds the stage's resources by them.
    const outputs: Record<keyof typeof OUTPUT_KEYS, string> = {
      apiUrl: this.api.url,
      tableName: this.store.table.tableName,
      alarmTopicArn: this.notifications.alarmTopic.topicArn,
      opsTopicArn: this.notifications.opsTopic.topicArn,
      eventBusName: this.notifications.bus.eventBusName,
      sweeperFunctionName: this.functions.byName.sweeper.functionName,
    };
    for (const [name, value] of Object.entries(outputs) as [keyof typeof OUTPUT_KEYS, string][]) {
      new CfnOutput(this, OUTPUT_KEYS[name], { value });
    }

    this.acknowledgeFindings();
  }

  /** cdk-nag findings accepted on purpose, each on the narrowest scope with the reason it is acceptable. */
  private acknowledgeFindings() {
    // On the Logger-facing routes only: the console's routes carry their own acknowledgement.
    for (const route of this.api.listenerRoutes) {
      Validations.of(route).acknowledge({
        id: 'AwsSolutions-APIG4',
        reason:
          'Loggers and dial-in bridges authenticate with their own bearer tokens, checked by the functions against ' +
          'the hash kept in the table (heartbeats in the conditional write itself, events and relay before the body ' +
          'is read); /v1/health and the 404 fallback are public by design.',
      });
    }
    for (const name of FUNCTION_NAMES) {
      const fn = this.functions.byName[name];
      if (this.config.tracing && fn.role) {
        Validations.of(fn.role).acknowledge({
          id: 'AwsSolutions-IAM5[Resource::*]',
          reason:
            'Only xray:PutTraceSegments and xray:PutTelemetryRecords (added by active tracing) are on "*": X-Ray defines no resource types for them, so AWS accepts no other resource.',
        });
      }
    }
  }
}
