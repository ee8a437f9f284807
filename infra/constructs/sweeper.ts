import { Duration, Validations } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IDestination, IFunction } from 'aws-cdk-lib/aws-lambda';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { durationMs } from '../stages.js';

/** Properties of {@link SweeperSchedule}. */
export interface SweeperScheduleProps {
  readonly sweeper: IFunction;
  /** How often to sweep, e.g. `1m` (whole minutes). */
  readonly rate: string;
}

/** A sweep older than this is superseded by a later tick: neither EventBridge nor Lambda keeps it longer. */
export const MAX_SWEEP_EVENT_AGE = Duration.minutes(5);

/**
 * Runs the sweeper on a fixed rate. A sweep can be lost at two points, and each has its own queue, which
 * the monitoring alarms on: a sweep that silently never happens is the failure this Listener exists to
 * prevent.
 * - EventBridge could not hand the event to Lambda (a missing permission, the function deleted): after its
 *   retries the rule parks it in the rule's dead-letter queue.
 * - Lambda accepted the event (an asynchronous invoke) but could not run it: a throttled invoke (the
 *   sweeper's reserved concurrency of 1 already busy) is retried by Lambda's own queue, not by EventBridge,
 *   until {@link MAX_SWEEP_EVENT_AGE}; then, or after a sweep that failed, the invoke goes to the function's
 *   on-failure destination, the failed-sweeps queue. Throttles have their own alarm as well.
 */
export class SweeperSchedule extends Construct {
  readonly rule: Rule;
  readonly deadLetterQueue: Queue;
  /** The sweeper's on-failure destination: invocations Lambda accepted but never ran, or that failed. */
  readonly failedSweeps: Queue;

  constructor(scope: Construct, id: string, props: SweeperScheduleProps) {
    super(scope, id);
    const parkingQueue = (queueId: string, what: string) => {
      const queue = new Queue(this, queueId, {
        encryption: QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        retentionPeriod: Duration.days(14),
      });
      Validations.of(queue).acknowledge({
        id: 'AwsSolutions-SQS3',
        reason: `This queue is itself where ${what} is parked (and alarmed on); a DLQ of a DLQ adds nothing.`,
      });
      return queue;
    };
    this.deadLetterQueue = parkingQueue('DeadLetterQueue', 'an undeliverable scheduled sweep');
    this.failedSweeps = parkingQueue('FailedSweeps', 'a sweep Lambda accepted but could not run');

    this.rule = new Rule(this, 'Rule', {
      description: 'Sweeps for Loggers past their deadline',
      schedule: Schedule.rate(Duration.minutes(durationMs(props.rate) / 60_000)),
    });
    this.rule.addTarget(
      new LambdaFunction(props.sweeper, {
        retryAttempts: 2,
        maxEventAge: MAX_SWEEP_EVENT_AGE,
        deadLetterQueue: this.deadLetterQueue,
      }),
    );
    // No Lambda-level retries of a failed sweep: they would overlap the next tick, which retries anyway
    // a minute later; failures surface through the Errors alarm and the failed-sweeps queue instead.
    props.sweeper.configureAsyncInvoke({
      retryAttempts: 0,
      maxEventAge: MAX_SWEEP_EVENT_AGE,
      onFailure: sendOnlyQueueDestination(this.failedSweeps),
    });
  }
}

/**
 * An on-failure destination granting `sqs:SendMessage` only: aws-lambda-destinations' SqsDestination
 * grants GetQueueUrl and GetQueueAttributes too, which Lambda does not need to deliver a record.
 */
function sendOnlyQueueDestination(queue: Queue): IDestination {
  return {
    bind(_scope, fn) {
      fn.addToRolePolicy(new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [queue.queueArn] }));
      return { destination: queue.queueArn };
    },
  };
}
