import { Duration, Validations } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { durationMs } from '../stages.js';

/** Properties of {@link SweeperSchedule}. */
export interface SweeperScheduleProps {
  readonly sweeper: IFunction;
  /** How often to sweep, e.g. `1m` (whole minutes). */
  readonly rate: string;
}

/**
 * Runs the sweeper on a fixed rate. Delivery failures (throttling, a missing permission) are retried and
 * then parked in a dead-letter queue, which the monitoring alarms on: a sweep that silently never happens
 * is the failure this Listener exists to prevent.
 */
export class SweeperSchedule extends Construct {
  readonly rule: Rule;
  readonly deadLetterQueue: Queue;

  constructor(scope: Construct, id: string, props: SweeperScheduleProps) {
    super(scope, id);
    this.deadLetterQueue = new Queue(this, 'DeadLetterQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is itself the dead-letter queue of the sweeper schedule; a DLQ of a DLQ adds nothing.',
    });

    this.rule = new Rule(this, 'Rule', {
      description: 'Sweeps for Loggers past their deadline',
      schedule: Schedule.rate(Duration.minutes(durationMs(props.rate) / 60_000)),
    });
    this.rule.addTarget(
      new LambdaFunction(props.sweeper, {
        retryAttempts: 2,
        // A sweep older than this is superseded by the next tick.
        maxEventAge: Duration.minutes(5),
        deadLetterQueue: this.deadLetterQueue,
      }),
    );
    // No Lambda-level retries of a failed sweep: they would overlap the next tick, which retries anyway
    // a minute later; failures surface through the Errors alarm instead.
    props.sweeper.configureAsyncInvoke({ retryAttempts: 0 });
  }
}
