/**
 * The code's layout stays readable: no circular imports under cli/, bridge/ and shared/. A circle means two
 * files each need the other, so neither can be read (or tested) alone; the fix is to move what both need
 * to where it belongs.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { findCycles, importGraph } from '../support/import-graph.js';

const ROOT = resolve(import.meta.dirname, '../..');

describe('import graph', () => {
  it('has no circular imports under cli/, bridge/ and shared/', () => {
    const graph = importGraph(ROOT, ['cli', 'bridge', 'shared']);
    expect(graph.size).toBeGreaterThan(50);
    expect(findCycles(graph).map((cycle) => cycle.join(' → '))).toEqual([]);
  });

  describe('the cycle finder', () => {
    let dir: string | undefined;
    afterEach(() => {
      if (dir) rmSync(dir, { recursive: true, force: true });
      dir = undefined;
    });

    it('finds a circle planted in a folder, through nested folders, type imports and dynamic imports', () => {
      dir = mkdtempSync(join(tmpdir(), 'import-graph-'));
      mkdirSync(join(dir, 'cli/commands'), { recursive: true });
      writeFileSync(join(dir, 'cli/main.ts'), "import { a } from './commands/a.js';\n");
      writeFileSync(
        join(dir, 'cli/commands/a.ts'),
        "import type { B } from './b.js';\nexport const a = 1;\n",
      );
      writeFileSync(join(dir, 'cli/commands/b.ts'), "export type B = 1;\nawait import('../target.js');\n");
      writeFileSync(join(dir, 'cli/target.ts'), "export { a } from './commands/a.js';\n");
      expect(findCycles(importGraph(dir, ['cli']))).toEqual([
        ['cli/commands/a.ts', 'cli/commands/b.ts', 'cli/target.ts', 'cli/commands/a.ts'],
      ]);
    });

    it('reports nothing for a tree, and a two-file circle once', () => {
      const tree = new Map([
        ['main', ['a', 'b']],
        ['a', ['c']],
        ['b', ['c']],
        ['c', []],
      ]);
      expect(findCycles(tree)).toEqual([]);
      const circle = new Map([
        ['lifecycle', ['logger']],
        ['logger', ['lifecycle']],
      ]);
      expect(findCycles(circle)).toEqual([['lifecycle', 'logger', 'lifecycle']]);
    });
  });
});
