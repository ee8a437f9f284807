import { describe, expect, it } from 'vitest';
import { deadlineError } from '../../../../shared/adapters/aws-clients.js';
import { guardStoreCall, UNAVAILABLE_EXAMPLES } from '../../../../shared/adapters/dynamo-errors.js';
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
