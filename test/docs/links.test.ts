/** Every relative link and anchor in README.md and docs/ leads somewhere; README stays short. */
import { existsSync, statSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { describe, expect, it } from 'vitest';
import { anchors, links, markdownFiles, ROOT, read, slug } from './markdown.js';

function broken(file: string): string[] {
  const problems: string[] = [];
  for (const target of links(read(file))) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto: — not ours to check offline
    const [path = '', anchor] = target.split('#');
    const resolved = path === '' ? file : normalize(join(dirname(file), decodeURI(path)));
    if (resolved.startsWith('..') || !existsSync(join(ROOT, resolved))) {
      problems.push(`${file}: ${target} (no file ${resolved})`);
      continue;
    }
    if (anchor === undefined) continue;
    if (!resolved.endsWith('.md') || statSync(join(ROOT, resolved)).isDirectory()) {
      problems.push(`${file}: ${target} (an anchor into a file that is not Markdown)`);
    } else if (!anchors(read(resolved)).has(anchor)) {
      problems.push(`${file}: ${target} (no heading #${anchor} in ${resolved})`);
    }
  }
  return problems;
}

describe('README.md and docs/', () => {
  it.each(markdownFiles())('%s: every relative link and anchor resolves', (file) => {
    expect(broken(file)).toEqual([]);
  });

  it('README.md stays a front page: at most 250 lines', () => {
    expect(read('README.md').split('\n').length).toBeLessThanOrEqual(250);
  });

  it('the checker itself catches a dangling file, a dangling anchor, and reads GitHub anchors', () => {
    expect(slug('`POST /v1/heartbeat`')).toBe('post-v1heartbeat');
    expect(slug('`MASS_SILENCE` and more (coming)')).toBe('mass_silence-and-more-coming');
    expect(anchors('# A\n## A\n```\n# not a heading\n```\n')).toEqual(new Set(['a', 'a-1']));
    expect(links('see [x](docs/nowhere.md) and `[y](code.md)`\n```\n[z](in-code.md)\n```\n')).toEqual([
      'docs/nowhere.md',
    ]);
  });
});
