/**
 * Lean bundles: the code the Lambdas bundle (shared/, functions/) validates with `zod/mini`, never classic
 * `zod`, whose API pulls ~730 KB into a bundle (infra/ and the CLI, never bundled into a Lambda, may).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const CLASSIC_ZOD = /\bfrom\s+['"]zod(\/v4)?['"]|import\(\s*['"]zod(\/v4)?['"]\s*\)/;

function sources(folder: string): string[] {
  return readdirSync(join(ROOT, folder), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts'))
    .map((file) => join(folder, file));
}

describe('lean Lambda bundles', () => {
  it('import zod/mini, never classic zod, in shared/ and functions/', () => {
    const files = [...sources('shared'), ...sources('functions')];
    expect(files.length).toBeGreaterThan(50);
    const classic = files.filter((file) => CLASSIC_ZOD.test(readFileSync(join(ROOT, file), 'utf8')));
    expect(classic).toEqual([]);
  });

  it('recognises a classic zod import when it sees one', () => {
    expect(CLASSIC_ZOD.test("import { z } from 'zod';")).toBe(true);
    expect(CLASSIC_ZOD.test("import * as z from 'zod/mini';")).toBe(false);
  });
});
