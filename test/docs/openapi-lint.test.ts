/** docs/openapi.yaml lints clean with Redocly's recommended rules (offline), as README tells people to run. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { ROOT } from './markdown.js';

it('npx redocly lint docs/openapi.yaml: no errors, no warnings', () => {
  const run = spawnSync(join(ROOT, 'node_modules/.bin/redocly'), ['lint', 'docs/openapi.yaml'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  const output = `${run.stdout}${run.stderr}`;
  expect(run.status, output).toBe(0);
  expect(output).toContain('Your API description is valid');
  expect(output).not.toMatch(/warning/i);
});
