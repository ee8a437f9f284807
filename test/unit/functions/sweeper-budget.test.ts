import { describe, expect, it } from 'vitest';
import { sweepBudget } from '../../../functions/sweeper/handler.js';

const withRemaining = (ms: number) => ({ getRemainingTimeInMillis: () => ms });

describe('the sweeper time budget', () => {
  it('keeps a fifth of the invocation for the items already started and the sweep record', () => {
    expect(sweepBudget(withRemaining(55_000))).toBe(44_000);
  });

  it('keeps at least 5 s even on a short invocation, and never goes below zero', () => {
    expect(sweepBudget(withRemaining(10_000))).toBe(5_000);
    expect(sweepBudget(withRemaining(3_000))).toBe(0);
  });

  it('sets no budget when there is no Lambda context to ask', () => {
    expect(sweepBudget(undefined)).toBeUndefined();
  });
});
