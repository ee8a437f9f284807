/**
 * How DynamoDB failures surface: a failed condition is an expected race; throttling, outages and network
 * errors become {@link StoreUnavailableError} (HTTP 503 with Retry-After); anything else is our bug.
 */
import { StoreUnavailableError } from '../domain/errors.js';

/**
 * Errors that mean DynamoDB (or the way to it) is slow or gone: client-side timeouts (aws-clients.ts),
 * aborted calls, refused or reset connections, throttling, 5xx. Listed for the reader and the tests: every
 * error that is not a condition failure or one of {@link OUR_MISTAKES} is treated the same way — 503.
 */
export const UNAVAILABLE_EXAMPLES = [
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  'AbortError',
  'ECONNREFUSED',
  'ThrottlingException',
  'ProvisionedThroughputExceededException',
  'InternalServerError',
  'ServiceUnavailable',
] as const;

/** Errors that mean the request itself was wrong (a bug here), not that DynamoDB is unavailable. */
const OUR_MISTAKES = new Set(['ValidationException', 'ResourceNotFoundException', 'SerializationException']);

export function isConditionFailure(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

/** A transaction cancelled because one of its conditions failed or another transaction held an item. */
export function isTransactionConflict(error: unknown): boolean {
  if (!(error instanceof Error) || error.name !== 'TransactionCanceledException') return false;
  const reasons = (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
  return reasons.some((r) => r.Code === 'ConditionalCheckFailed' || r.Code === 'TransactionConflict');
}

/** Awaits a DynamoDB call, mapping outages and throttling to {@link StoreUnavailableError}. */
export async function guardStoreCall<T>(call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (error) {
    if (!(error instanceof Error) || isConditionFailure(error) || OUR_MISTAKES.has(error.name)) throw error;
    if (error.name === 'TransactionCanceledException') throw error;
    throw new StoreUnavailableError(`DynamoDB is unavailable (${error.name})`, { cause: error });
  }
}
