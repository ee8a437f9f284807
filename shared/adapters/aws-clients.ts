/**
 * The AWS SDK clients, each with connection and request timeouts, bounded retries and a deadline for the
 * whole call (retries included): a stalled dependency costs a request at most the deadline, so a heartbeat
 * against a stalled DynamoDB is answered 503 + Retry-After in under 3 s instead of hanging until Lambda's
 * own timeout. A timed-out call fails with an error named `TimeoutError` (DynamoDB's become
 * StoreUnavailableError, see dynamo-errors.ts). The SNS and EventBridge clients are built in aws-channels.ts,
 * so that only the functions' lazily loaded chunk holds them.
 */
import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { NodeHttpHandler } from '@smithy/node-http-handler';

export interface CallLimits {
  /** Longest wait for a TCP (+TLS) connection. */
  readonly connectionTimeoutMs: number;
  /** Longest wait for one attempt's response. */
  readonly requestTimeoutMs: number;
  /** Attempts per call, the first included. */
  readonly maxAttempts: number;
  /** Longest a whole call may take, retries and back-off included. */
  readonly deadlineMs: number;
}

/** DynamoDB on the request path: 1 s to connect, 1.5 s per attempt, 2 attempts, 2.5 s in all. */
export const DYNAMODB_LIMITS: CallLimits = {
  connectionTimeoutMs: 1_000,
  requestTimeoutMs: 1_500,
  maxAttempts: 2,
  deadlineMs: 2_500,
};

/** SNS and EventBridge: a notice that is not sent stays pending and is retried by the sweeper. */
export const NOTIFIER_LIMITS: CallLimits = {
  connectionTimeoutMs: 1_000,
  requestTimeoutMs: 2_000,
  maxAttempts: 2,
  deadlineMs: 4_500,
};

/** Operators' CLI (not on any request path): more patience, still bounded. */
export const ADMIN_LIMITS: CallLimits = {
  connectionTimeoutMs: 2_000,
  requestTimeoutMs: 5_000,
  maxAttempts: 3,
  deadlineMs: 12_000,
};

export function dynamoClient(config: DynamoDBClientConfig = {}, limits = DYNAMODB_LIMITS): DynamoDBClient {
  return withDeadline(new DynamoDBClient({ ...limited(limits), ...config }), limits, 'DynamoDB');
}

/** Client options for `limits` (timeouts, attempts) — for a client with no factory here (CloudFormation). */
export function limited(limits: CallLimits) {
  return {
    maxAttempts: limits.maxAttempts,
    requestHandler: new NodeHttpHandler({
      connectionTimeout: limits.connectionTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      // Without this, smithy only logs a warning when requestTimeout passes and keeps waiting.
      throwOnRequestTimeout: true,
    }),
  };
}

/** The error a call past its deadline fails with. */
export function deadlineError(service: string, deadlineMs: number): Error {
  return Object.assign(new Error(`${service} did not answer within ${deadlineMs} ms`), {
    name: 'TimeoutError',
  });
}

const DEADLINE = 'phoneHomeDeadline';

type Stack = DynamoDBClient['middlewareStack'];

/**
 * Bounds each call to `limits.deadlineMs`: the call fails with a TimeoutError when it passes, and no new
 * attempt starts after it (an attempt under way is cut by its own request timeout).
 */
export function withDeadline<C extends { middlewareStack: unknown }>(
  client: C,
  limits: CallLimits,
  service: string,
): C {
  const stack = client.middlewareStack as Stack;
  stack.add(
    (next, context) => async (args) => {
      context[DEADLINE] = Date.now() + limits.deadlineMs;
      const call = next(args);
      call.catch(() => {}); // once the deadline has answered, the call's late outcome is of no interest
      let timer: NodeJS.Timeout | undefined;
      const expired = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(deadlineError(service, limits.deadlineMs)), limits.deadlineMs);
      });
      try {
        return await Promise.race([call, expired]);
      } finally {
        clearTimeout(timer);
      }
    },
    { step: 'initialize', priority: 'high', name: 'callDeadline' },
  );
  stack.add(
    (next, context) => async (args) => {
      if (Date.now() >= (context[DEADLINE] as number)) throw deadlineError(service, limits.deadlineMs);
      return next(args);
    },
    { step: 'deserialize', name: 'attemptBeforeDeadline' },
  );
  return client;
}
