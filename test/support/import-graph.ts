/**
 * The relative-import graph of a source tree, and the circles in it (test/unit/import-graph.test.ts keeps
 * cli/, bridge/ and shared/ free of them).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/** Every `from './x.js'`, `import './x.js'` and `import('./x.js')` with a relative specifier. */
const RELATIVE_IMPORT = /(?:\bfrom\s*|\bimport\s*\(?\s*)['"](\.{1,2}\/[^'"]+)['"]/g;

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : tsFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** file → the files it imports (relative imports only; `.js` specifiers name `.ts` sources). */
export function importGraph(root: string, folders: readonly string[]): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of folders.flatMap((folder) => tsFiles(join(root, folder)))) {
    const source = readFileSync(file, 'utf8');
    const targets = [...source.matchAll(RELATIVE_IMPORT)].map((match) =>
      relative(root, resolve(dirname(file), (match[1] as string).replace(/\.js$/, '.ts'))),
    );
    graph.set(relative(root, file), [...new Set(targets)]);
  }
  return graph;
}

/** Circles found by a depth-first walk (at least one in every group of files that import each other in a ring), each as the path that closes it: `[a, b, a]`. */
export function findCycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const cycles: string[][] = [];
  const seen = new Set<string>();
  const key = (cycle: string[]): string => {
    const ring = cycle.slice(0, -1);
    const start = ring.indexOf([...ring].sort()[0] as string);
    return [...ring.slice(start), ...ring.slice(0, start)].join(' → ');
  };
  const done = new Set<string>();
  const visit = (node: string, path: string[]): void => {
    const at = path.indexOf(node);
    if (at >= 0) {
      const cycle = [...path.slice(at), node];
      if (!seen.has(key(cycle))) {
        seen.add(key(cycle));
        cycles.push(cycle);
      }
      return;
    }
    if (done.has(node)) return;
    for (const next of graph.get(node) ?? []) visit(next, [...path, node]);
    done.add(node);
  };
  for (const node of [...graph.keys()].sort()) visit(node, []);
  return cycles;
}
