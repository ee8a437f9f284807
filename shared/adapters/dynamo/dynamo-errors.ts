/**
 * How DynamoDB failures surface: a failed condition is an expected race; throttling, outages and network
 * errors become {@link StoreUnavailableError} (HTTP 503 with Retry-After); anything else is our bug.
 *
 * On a multi-Region strongly consistent table (a Listener pair, docs/architecture.md#two-regions-why-mrsc)
 * a write racing a write to the same item from the other region may fail with
 * `ReplicatedWriteConflictException`. The SDK retries it (it is modelled retryable); if it still fails it
 * becomes {@link StoreWriteConflictError}: a retryable 503 + Retry-After for a Logger, never a bare 5xx.
 * Where the caller re-reads and decides again (a revision-guarded transition, a claim) it is a lost race
 * like a failed condition ({@link isLostRace}); it never means "already exists" or "already applied", so
 * the callers that read a failed condition that way (registration, event and relayed-record idempotency)
 * see it as the retryable error it is.
 */
import { StoreUnavailableError } from '../../domain/errors.js';

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
  'ReplicatedWriteConflictException',
] as const;

/** Errors that mean the request itself was wrong (a bug here), not that DynamoDB is unavailable. */
const OUR_MISTAKES = new Set(['ValidationException', 'ResourceNotFoundException', 'SerializationException']);

export function isConditionFailure(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

/** Another region wrote the same item at the same moment (multi-Region strong consistency); retryable. */
export class StoreWriteConflictError extends StoreUnavailableError {
  constructor(cause: Error) {
    super('DynamoDB refused a write racing a write from another region; retry shortly', { cause });
  }
}

const REPLICATED_WRITE_CONFLICT = 'ReplicatedWriteConflictException';

export function isReplicatedWriteConflict(error: unknown): boolean {
  return (
    error instanceof StoreWriteConflictError ||
    (error instanceof Error && error.name === REPLICATED_WRITE_CONFLICT)
  );
}

/**
 * The write did not happen because another writer got there first (a failed condition) or was writing the
 * same item from another region (a replicated write conflict): re-read and decide again.
 */
export function isLostRace(error: unknown): boolean {
  return isConditionFailure(error) || isReplicatedWriteConflict(error);
}

/** Awaits a DynamoDB call, mapping outages, throttling and cross-region write conflicts to a 503. */
export async function guardStoreCall<T>(call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (error) {
    if (!(error instanceof Error) || isConditionFailure(error) || OUR_MISTAKES.has(error.name)) throw error;
    if (error.name === REPLICATED_WRITE_CONFLICT) throw new StoreWriteConflictError(error);
    throw new StoreUnavailableError(`DynamoDB is unavailable (${error.name})`, { cause: error });
  }
}

/** A paginator's pages, each page's request guarded like any other store call. */
export async function* guardPages<T>(pages: AsyncIterable<T>): AsyncIterable<T> {
  const iterator = pages[Symbol.asyncIterator]();
  for (;;) {
    const next = await guardStoreCall(iterator.next());
    if (next.done) return;
    yield next.value;
  }
}

/**
 * Awaits a conditional write: true if it landed, false if it lost (`lost`: a failed condition, or with
 * {@link isLostRace} also a cross-region conflict, where the caller re-reads — never where a failed
 * condition is read as "already exists"). Any other error is thrown, as {@link guardStoreCall} maps it.
 */
export async function landed(call: Promise<unknown>, lost: (error: unknown) => boolean): Promise<boolean> {
  try {
    await guardStoreCall(call);
    return true;
  } catch (error) {
    if (lost(error)) return false;
    throw error;
  }
}
