/**
 * A Listener pair's table is a multi-Region strongly consistent global table, which has no transactions
 * (docs/architecture.md#two-regions-why-mrsc): no product code may build one. The integration suites also
 * check the requests actually sent (test/integration/sweep/races.test.ts, blind-customer.test.ts).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const PRODUCT_DIRS = ['shared', 'functions', 'cli', 'bridge', 'infra'];
const TRANSACTION = /\b(TransactWrite|TransactGet)(Items)?(Command)?\b|\bTransactItems\b/;

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

describe('product code on a multi-Region strongly consistent table', () => {
  it('never builds a DynamoDB transaction (TransactWriteItems / TransactGetItems)', () => {
    const files = PRODUCT_DIRS.flatMap(sources);
    expect(files.length).toBeGreaterThan(50);
    const offending = files.flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .map((line, i) => ({ line, at: `${file}:${i + 1}` }))
        // Comments may say why there is none.
        .filter(({ line }) => TRANSACTION.test(line) && !/^\s*(\/\/|\*|\/\*)/.test(line))
        .map(({ at }) => at),
    );
    expect(offending).toEqual([]);
  });

  it('would notice one (the pattern matches what a transaction looks like)', () => {
    expect(TRANSACTION.test('new TransactWriteCommand({ TransactItems: [] })')).toBe(true);
    expect(TRANSACTION.test("import { TransactGetItemsCommand } from '@aws-sdk/client-dynamodb';")).toBe(
      true,
    );
    expect(TRANSACTION.test('a conditional UpdateItem')).toBe(false);
  });
});
