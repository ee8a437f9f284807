import { Duration } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  type AlarmProps,
  ComparisonOperator,
  MathExpression,
  Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { FilterPattern, type LogGroup } from 'aws-cdk-lib/aws-logs';
import type { Topic } from 'aws-cdk-lib/aws-sns';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import {
  CHANNEL_DIMENSION,
  CHANNEL_FAILURE_METRIC,
} from '../../shared/adapters/channels/stage/channel-metric.js';
import { DUE_INDEX } from '../../shared/adapters/dynamo/table-schema.js';
import { METRICS_NAMESPACE } from './functions.js';
import { alarmNamePrefix } from './notifications.js';

/** Properties of {@link Monitoring}. */
export interface MonitoringProps {
  readonly stage: string;
  readonly sweeper: IFunction;
  /** Sweep rate in minutes: "has not run" waits for two missed ticks, and at least 5 minutes. */
  readonly sweepRateMinutes: number;
  readonly deadLetterQueue: Queue;
  /** The sweeper's on-failure destination (infra/constructs/sweeper.ts). */
  readonly failedSweeps: Queue;
  /** The alarm topic: its SMS and email deliveries are watched as well as the ops topic's. */
  readonly alarmTopic: Topic;
  /** The stage's SMS settings when any topic has an SMS subscriber (spend is then worth watching). */
  readonly sms?: { readonly monthlySpendLimitUsd: number } | undefined;
  readonly httpApi: HttpApi;
  readonly table: ITable;
  readonly opsTopic: Topic;
  /** The Powertools `service` dimension of the Listener's own metrics. */
  readonly serviceName: string;
  /** The functions Loggers and bridges call: their Lambda throttles count as refused requests. */
  readonly ingestFunctions: readonly IFunction[];
  /** The API's JSON access logs: a metric filter counts the 429s in them. */
  readonly accessLogs: LogGroup;
  /** No heartbeat at all for this long while Loggers are watched = the Listener hears nobody. */
  readonly heartbeatSilenceMinutes: number;
  /** The stage's channels (PagerDuty, Slack…): one alarm each when its deliveries keep failing. */
  readonly channels: readonly string[];
}

/** A channel failing in this many consecutive sweep periods (more than two) alarms ops. */
export const CHANNEL_FAILING_PERIODS = 3;

/** Percentage of API requests answered 5xx above which ops are alarmed. */
export const API_5XX_PERCENT = 5;

/** Refused Logger requests (API 429 + ingest Lambda throttles) in 5 minutes that are more than a stray. */
export const REFUSED_REQUESTS_THRESHOLD = 10;

/** Fraction of the SMS monthly spend limit at which ops are warned. */
export const SMS_SPEND_ALARM_FRACTION = 0.8;

/** Metric the access-log filter writes: one per request the API answered 429 (throttled). */
export const API_THROTTLED_METRIC = 'ApiThrottled';

/**
 * Watches the watcher. The reference note's worst case is a Listener failure that goes "unreported until
 * the Phone Home feature is working": every alarm here goes to the ops topic, and back to OK.
 */
export class Monitoring extends Construct {
  readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const five = Duration.minutes(5);
    const prefix = alarmNamePrefix(props.stage);

    this.add('SweeperErrors', {
      alarmName: `${prefix}-sweeper-errors`,
      alarmDescription: 'The sweeper failed: silent Loggers may not be paged.',
      metric: props.sweeper.metricErrors({ period: five, statistic: 'Sum' }),
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });

    // Missing data is the symptom here: a sweeper that never runs reports no Invocations at all.
    const notRunWindow = Duration.minutes(Math.max(5, 2 * props.sweepRateMinutes));
    this.add('SweeperNotRunning', {
      alarmName: `${prefix}-sweeper-not-running`,
      alarmDescription: `The sweeper has not run for ${notRunWindow.toMinutes()} minutes: nobody is watching the Loggers.`,
      metric: props.sweeper.metricInvocations({ period: notRunWindow, statistic: 'Sum' }),
      threshold: 1,
      comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
      treatMissingData: TreatMissingData.BREACHING,
    });

    this.add('SweeperDeadLetters', {
      alarmName: `${prefix}-sweeper-dead-letters`,
      alarmDescription: 'Scheduled sweeps could not be delivered to the sweeper (see the dead-letter queue).',
      metric: props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: five,
        statistic: 'Maximum',
      }),
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });

    this.add('SweeperFailedInvocations', {
      alarmName: `${prefix}-sweeper-failed-invocations`,
      alarmDescription:
        'A scheduled sweep was accepted by Lambda but never ran (throttled past its 5-minute age) or failed (see the failed-sweeps queue).',
      metric: props.failedSweeps.metricApproximateNumberOfMessagesVisible({
        period: five,
        statistic: 'Maximum',
      }),
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });

    // One sweep at a time (reserved concurrency 1): a throttle means a sweep overran its tick or was stuck.
    this.add('SweeperThrottles', {
      alarmName: `${prefix}-sweeper-throttles`,
      alarmDescription:
        'Lambda throttled the sweeper: a sweep overran the next tick, and sweeps are being delayed.',
      metric: props.sweeper.metricThrottles({ period: five, statistic: 'Sum' }),
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });

    // SNS accepted the publish but could not deliver it (an SMS refused by the carrier or the sandbox, an
    // HTTPS endpoint down, a disabled key): the Listener's own NotificationsFailed never sees these.
    const deliveryFailures = (topic: Topic) =>
      new Metric({
        namespace: 'AWS/SNS',
        metricName: 'NumberOfNotificationsFailed',
        dimensionsMap: { TopicName: topic.topicName },
        period: five,
        statistic: 'Sum',
      });
    this.add('DeliveriesFailed', {
      alarmName: `${prefix}-sns-deliveries-failed`,
      alarmDescription:
        'SNS failed to deliver a page or an ops alarm to a subscriber (SMS, email or HTTPS): someone was not told.',
      metric: new MathExpression({
        label: 'Failed SNS deliveries',
        expression: 'FILL(alarmTopic, 0) + FILL(opsTopic, 0)',
        usingMetrics: {
          alarmTopic: deliveryFailures(props.alarmTopic),
          opsTopic: deliveryFailures(props.opsTopic),
        },
        period: five,
      }),
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });

    if (props.sms) {
      // At the limit SNS stops sending SMS for the rest of the month, pages included: warn before it.
      const threshold = SMS_SPEND_ALARM_FRACTION * props.sms.monthlySpendLimitUsd;
      this.add('SmsSpendNearLimit', {
        alarmName: `${prefix}-sms-spend-near-limit`,
        alarmDescription: `SMS spend this month passed ${threshold.toFixed(2)} USD, ${SMS_SPEND_ALARM_FRACTION * 100} % of the ${props.sms.monthlySpendLimitUsd} USD limit: at the limit SNS stops sending SMS pages.`,
        metric: new Metric({
          namespace: 'AWS/SNS',
          metricName: 'SMSMonthToDateSpentUSD',
          period: five,
          statistic: 'Maximum',
        }),
        threshold,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
    }

    this.add('NotificationsFailed', {
      alarmName: `${prefix}-notifications-failed`,
      alarmDescription: 'Publishing a page or a domain event failed: on-call may not have been told.',
      metric: new Metric({
        namespace: METRICS_NAMESPACE,
        metricName: 'NotificationsFailed',
        dimensionsMap: { service: props.serviceName },
        period: five,
        statistic: 'Sum',
      }),
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });

    // A rate, not a count: one 5xx among thousands of heartbeats is noise, 5 % is an outage.
    const api5xxRate = new MathExpression({
      label: 'API 5xx %',
      expression: 'IF(FILL(requests, 0) > 0, 100 * FILL(errors, 0) / requests, 0)',
      usingMetrics: {
        errors: props.httpApi.metricServerError({ period: five, statistic: 'Sum' }),
        requests: props.httpApi.metricCount({ period: five, statistic: 'Sum' }),
      },
      period: five,
    });
    this.add('Api5xxRate', {
      alarmName: `${prefix}-api-5xx-rate`,
      alarmDescription: `More than ${API_5XX_PERCENT} % of API requests failed with 5xx: Loggers cannot phone home.`,
      metric: api5xxRate,
      threshold: API_5XX_PERCENT,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });

    // Throttled writes on the table or on the `due` index (which back-pressures the table) lose heartbeats.
    const throttleMetric = (metricName: string, index?: string) =>
      new Metric({
        namespace: 'AWS/DynamoDB',
        metricName,
        dimensionsMap: {
          TableName: props.table.tableName,
          ...(index ? { GlobalSecondaryIndexName: index } : {}),
        },
        period: five,
        statistic: 'Sum',
      });
    this.add('TableThrottles', {
      alarmName: `${prefix}-dynamodb-throttles`,
      alarmDescription: 'DynamoDB throttled Listener requests: heartbeats or sweeps may be lost.',
      metric: new MathExpression({
        label: 'DynamoDB throttle events',
        // FILL: a series with no data (no throttling) would otherwise blank the whole sum.
        expression: 'FILL(tableReads, 0) + FILL(tableWrites, 0) + FILL(indexReads, 0) + FILL(indexWrites, 0)',
        usingMetrics: {
          tableReads: throttleMetric('ReadThrottleEvents'),
          tableWrites: throttleMetric('WriteThrottleEvents'),
          indexReads: throttleMetric('ReadThrottleEvents', DUE_INDEX.name),
          indexWrites: throttleMetric('WriteThrottleEvents', DUE_INDEX.name),
        },
        period: five,
      }),
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });

    this.addListenerHealthAlarms(props, prefix);
    this.addChannelAlarms(props, prefix);

    const action = new SnsAction(props.opsTopic);
    for (const alarm of this.alarms) {
      alarm.addAlarmAction(action);
      alarm.addOkAction(action);
    }
  }

  /** The alarms on what the Listener reports about itself: sweep failures, stuck pages, refused and missing heartbeats. */
  private addListenerHealthAlarms(props: MonitoringProps, prefix: string) {
    const five = Duration.minutes(5);
    const own = (metricName: string, statistic: string, period: Duration = five) =>
      new Metric({
        namespace: METRICS_NAMESPACE,
        metricName,
        dimensionsMap: { service: props.serviceName },
        period,
        statistic,
      });

    this.add('SweepItemsFailed', {
      alarmName: `${prefix}-sweep-items-failed`,
      alarmDescription:
        'The sweeper could not process some overdue Loggers or pending notices (they stay due and are retried): pages may be late.',
      metric: own('SweepItemsFailed', 'Sum'),
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      // No sweep = no data: "sweeper not running" covers that.
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });

    const maxPendingSeconds = 2 * props.sweepRateMinutes * 60;
    this.add('NotificationsStuck', {
      alarmName: `${prefix}-notifications-stuck`,
      alarmDescription: `A page or all-clear has waited more than ${maxPendingSeconds} s (two sweeps) to be sent on one of its channels.`,
      metric: own('PendingNotificationMaxAgeSeconds', 'Maximum'),
      threshold: maxPendingSeconds,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });

    // API Gateway has no 429 metric of its own: count them in the access logs.
    props.accessLogs.addMetricFilter('ThrottledRequests', {
      // `$context.status` is written as a JSON string ("429"): a numeric compare would never match it.
      filterPattern: FilterPattern.stringValue('$.status', '=', '429'),
      metricNamespace: METRICS_NAMESPACE,
      metricName: API_THROTTLED_METRIC,
      metricValue: '1',
      dimensions: { ApiId: '$.apiId' },
    });
    const refused: Record<string, Metric> = {
      api429: new Metric({
        namespace: METRICS_NAMESPACE,
        metricName: API_THROTTLED_METRIC,
        dimensionsMap: { ApiId: props.httpApi.apiId },
        period: five,
        statistic: 'Sum',
      }),
    };
    props.ingestFunctions.forEach((fn, i) => {
      refused[`lambda${i}`] = fn.metricThrottles({ period: five, statistic: 'Sum' });
    });
    this.add('RequestsRefused', {
      alarmName: `${prefix}-requests-refused`,
      alarmDescription: `More than ${REFUSED_REQUESTS_THRESHOLD} Logger or bridge requests in 5 minutes were refused (API 429 or Lambda throttling): heartbeats are being lost.`,
      metric: new MathExpression({
        label: 'Refused requests',
        expression: Object.keys(refused)
          .map((id) => `FILL(${id}, 0)`)
          .join(' + '),
        usingMetrics: refused,
        period: five,
      }),
      threshold: REFUSED_REQUESTS_THRESHOLD,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });

    // Every Logger silent at once is more likely the Listener (DNS, API, certificate, auth) than the fleet.
    const window = Duration.minutes(props.heartbeatSilenceMinutes);
    this.add('HeartbeatsStopped', {
      alarmName: `${prefix}-heartbeats-stopped`,
      alarmDescription: `No heartbeat arrived for ${window.toMinutes()} minutes while Loggers are watched: the Listener has stopped hearing anyone.`,
      metric: new MathExpression({
        label: 'Watched but unheard',
        // No Heartbeats datapoint = none arrived (FILL 0). No WatchedLoggers = no sweep: missing, see below.
        expression: 'IF(watched > 0 AND FILL(heartbeats, 0) == 0, 1, 0)',
        usingMetrics: {
          heartbeats: own('Heartbeats', 'Sum', window),
          watched: own('WatchedLoggers', 'Maximum', window),
        },
        period: window,
      }),
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      // Missing = the sweeper reported nothing: "sweeper not running" pages for that, not this alarm.
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
  }

  /**
   * One alarm per configured channel: failed deliveries (ChannelDeliveryFailed, counted by every delivering
   * function with the channel's name) in each of more than two consecutive sweep periods. The sweeps retry a
   * failing channel every period, so a receiver down, a revoked key or an unreadable secret keeps counting;
   * a single failure that the next sweep's retry fixes does not page.
   */
  private addChannelAlarms(props: MonitoringProps, prefix: string) {
    const period = Duration.minutes(props.sweepRateMinutes);
    for (const channel of props.channels) {
      const alarm = new Alarm(this, `Channel-${channel}-Failing`, {
        alarmName: `${prefix}-channel-${channel}-failing`,
        alarmDescription: `Channel ${channel} has failed to deliver for more than two sweep periods: pages may not reach its receiver (docs/operations.md, channel-<name>-failing).`,
        metric: new Metric({
          namespace: METRICS_NAMESPACE,
          metricName: CHANNEL_FAILURE_METRIC,
          dimensionsMap: { service: props.serviceName, [CHANNEL_DIMENSION]: channel },
          period,
          statistic: 'Sum',
        }),
        threshold: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: CHANNEL_FAILING_PERIODS,
        datapointsToAlarm: CHANNEL_FAILING_PERIODS,
        // No data = nothing was sent on the channel, not a failure.
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      this.alarms.push(alarm);
    }
  }

  /** One alarm, judged on a single period: every condition here is worth waking someone for at once. */
  private add(id: string, props: Omit<AlarmProps, 'evaluationPeriods'>): Alarm {
    const alarm = new Alarm(this, id, { ...props, evaluationPeriods: 1 });
    this.alarms.push(alarm);
    return alarm;
  }
}
