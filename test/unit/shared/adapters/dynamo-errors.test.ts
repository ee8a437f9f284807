import { describe, expect, it } from 'vitest';
import { deadlineError } from '../../../../shared/adapters/aws-clients.js';
import {
  guardStoreCall,
  isConditionFailure,
  isLostRace,
  StoreWriteConflictError,
  UNAVAILABLE_EXAMPLES,
} from '../../../../shared/adapters/dynamo/dynamo-errors.js';
import { StoreUnavailableError } from '../../../../shared/domain/errors.js';

const failing = (name: string) => Promise.reject(Object.assign(new Error(`${name} happened`), { name }));

describe('guardStoreCall', () => {
  it.each(UNAVAILABLE_EXAMPLES)('turns %s into StoreUnavailableError (503), never a 500', async (name) => {
    await expect(guardStoreCall(failing(name))).rejects.toBeInstanceOf(StoreUnavailableError);
  });

  it('turns a call past its deadline into StoreUnavailableError', async () => {
    await expect(guardStoreCall(Promise.reject(deadlineError('DynamoDB', 2500)))).rejects.toBeInstanceOf(
      StoreUnavailableError,
    );
  });

  it.each(['ValidationException', 'ResourceNotFoundException', 'ConditionalCheckFailedException'])(
    'lets %s through: it is a bug or a race, not an outage',
    async (name) => {
      const error = await guardStoreCall(failing(name)).catch((e: Error) => e);
      expect(error).not.toBeInstanceOf(StoreUnavailableError);
      expect((error as Error).name).toBe(name);
    },
  );
});

describe('a write racing a write from another region (multi-Region strong consistency)', () => {
  const conflict = () => guardStoreCall(failing('ReplicatedWriteConflictException')).catch((e: Error) => e);

  it('is retryable for a Logger: 503 with Retry-After (StoreUnavailableError), never a bare 5xx', async () => {
    const error = await conflict();
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect(error).toBeInstanceOf(StoreWriteConflictError);
  });

  it('is a lost race where the caller re-reads and decides again, but never a failed condition', async () => {
    const error = await conflict();
    expect(isLostRace(error)).toBe(true);
    // Not "already registered", "already applied" or "a duplicate event": those read a failed condition.
    expect(isConditionFailure(error)).toBe(false);
    expect(isLostRace(await guardStoreCall(failing('ConditionalCheckFailedException')).catch((e) => e))).toBe(
      true,
    );
    expect(isLostRace(await guardStoreCall(failing('ThrottlingException')).catch((e) => e))).toBe(false);
  });
});
