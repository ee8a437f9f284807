/**
 * The operator's stage settings live in a file they own, not in tracked source: `stages.json` at the
 * repository root (git-ignored, so `git pull && npm ci` never conflicts with it), or the file named with
 * `npx cdk … -c stages=PATH` / `listener … --stages PATH`. The CDK app and the CLI read it here, the same
 * way; the zod schema of infra/stages.ts is the one validation. Free of aws-cdk-lib (the CLI imports it).
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUILT_IN_STAGES, StageConfigError } from './stages.js';

/** The operator's stages file, at the repository root unless another is named. */
export const STAGES_FILE = 'stages.json';
/** The tracked, documented examples (`prod`, `prod-pair`), to copy from. */
export const EXAMPLE_STAGES_FILE = 'stages.example.json';

const REPO_ROOT = fileURLToPath(new URL('../', import.meta.url));

/** Every stage an operator can name, and where they were read from (for messages). */
export interface StageSet {
  /** The file's stages over the built-in `dev`; unvalidated until a stage is loaded. */
  readonly stages: Readonly<Record<string, unknown>>;
  /** `stages.json`, the path given, or a note that only the built-in stages exist. */
  readonly source: string;
}

/**
 * Reads the stages: `path` (relative to the working directory) when given, else `stages.json` at the
 * repository root when it exists, else the built-in `dev` alone. Top-level keys starting with `$` are
 * comments.
 *
 * @throws StageConfigError naming the file and what to write when a named file is missing, or a file is
 *   not a JSON object of stages.
 */
export function readStages(path?: string): StageSet {
  const named = path !== undefined && path !== '';
  const file = named ? resolve(path) : resolve(REPO_ROOT, STAGES_FILE);
  const source = named ? path : STAGES_FILE;
  if (!existsSync(file)) {
    if (named) {
      throw new StageConfigError(
        `stages file ${path} not found — write it (start from ${EXAMPLE_STAGES_FILE}) or name another with -c stages=PATH`,
      );
    }
    return { stages: BUILT_IN_STAGES, source: `the built-in stages (no ${STAGES_FILE})` };
  }
  const shape = `write a JSON object of stages, e.g. { "prod": { "listenerName": …, "removalPolicy": "retain" } } as in ${EXAMPLE_STAGES_FILE}`;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new StageConfigError(`${source} is not valid JSON (${(error as Error).message}) — ${shape}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new StageConfigError(`${source} is not an object of stages — ${shape}`);
  }
  const own = Object.entries(parsed).filter(([name]) => !name.startsWith('$'));
  return { stages: { ...BUILT_IN_STAGES, ...Object.fromEntries(own) }, source };
}
