/**
 * The operator's stage settings as the CLI reads them: the same file, and the same validation, as the CDK
 * app (infra/stage-file.ts), so `--stage prod` finds the region and Listener names `cdk deploy` used.
 */
import { readStages, type StageSet } from '../infra/stage-file.js';
import { loadStage, type StageConfig, StageConfigError } from '../infra/stages.js';
import { UsageError } from './errors.js';

/** A settings mistake as the CLI says it: `<what> — <what to do>`, exit 2. */
function asUsage(error: unknown): never {
  if (!(error instanceof StageConfigError)) throw error;
  const [what = error.message, todo = 'fix it as docs/deploy.md#3-write-the-stage says'] =
    error.message.split(' — ');
  throw new UsageError(what, todo);
}

/** The stages of `file` (`--stages`), default `stages.json` at the repository root, over the built-in `dev`. */
export function cliStages(file?: string): StageSet {
  try {
    return readStages(file);
  } catch (error) {
    return asUsage(error);
  }
}

/** Whether `name` is one of the stages. */
export function hasStage(set: StageSet, name: string): boolean {
  return Object.hasOwn(set.stages, name);
}

/** The validated settings of stage `name` for `--stage`; a usage error naming the valid ones when it is not listed. */
export function requireStage(set: StageSet, name: string): StageConfig {
  if (!hasStage(set, name)) {
    throw new UsageError(
      `there is no stage "${name}" in ${set.source}`,
      `use one of ${Object.keys(set.stages).join(', ')}, or add it to stages.json (see stages.example.json)`,
    );
  }
  return stageSettings(set, name);
}

/** The validated settings of stage `name`; a usage error when it is not listed or invalid. */
export function stageSettings(set: StageSet, name: string): StageConfig {
  try {
    return loadStage(name, set.stages, set.source);
  } catch (error) {
    return asUsage(error);
  }
}
