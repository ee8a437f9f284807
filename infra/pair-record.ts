/**
 * A pair's MRSC table is created with its two replica regions and its witness, and none of the three can
 * change in place (docs/deploy.md#changing-a-pairs-regions). Synth records them the first time it builds a
 * pair stage, in a file the operator keeps with stages.json (`pair-tables.json` at the repository root,
 * git-ignored, or the file named with `-c pairTables=PATH`), and refuses a later synth whose regions differ,
 * saying what to do instead: a new pair stage. Free of aws-cdk-lib.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pairTableName, type StageConfig, StageConfigError } from './stages.js';

/** The record's default file, at the repository root beside stages.json. */
export const PAIR_TABLES_FILE = 'pair-tables.json';
export const DEFAULT_PAIR_TABLES_PATH = resolve(
  fileURLToPath(new URL('../', import.meta.url)),
  PAIR_TABLES_FILE,
);

/** What a pair's table was first built with. */
export interface PairTableRecord {
  readonly table: string;
  /** Side a's region: where the table is defined. */
  readonly a: string;
  /** Side b's region: the other replica. */
  readonly b: string;
  readonly witness: string;
}

function recordOf(config: StageConfig): PairTableRecord | undefined {
  const { pair } = config;
  if (!pair) return undefined;
  return {
    table: pairTableName(config.stage),
    a: pair.a.region,
    b: pair.b.region,
    witness: pair.witnessRegion,
  };
}

function readRecords(path: string): Record<string, PairTableRecord> {
  if (!existsSync(path)) return {};
  try {
    const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
      return parsed as Record<string, PairTableRecord>;
    }
  } catch {
    // Reported below, as for a non-object.
  }
  throw new StageConfigError(
    `${path} is not a JSON object of pair tables — restore it (it records each pair's regions) or delete it if no pair was ever deployed`,
  );
}

/**
 * For a pair stage: records its regions in `path` the first time, and refuses (StageConfigError) regions
 * or a witness that differ from the record. Other stages: nothing.
 */
export function checkPairTable(config: StageConfig, path: string): void {
  const wanted = recordOf(config);
  if (!wanted) return;
  const records = readRecords(path);
  const recorded = records[config.stage];
  if (recorded === undefined) {
    writeFileSync(path, `${JSON.stringify({ ...records, [config.stage]: wanted }, null, 2)}\n`);
    return;
  }
  const same = (['table', 'a', 'b', 'witness'] as const).every((field) => recorded[field] === wanted[field]);
  if (same) return;
  throw new StageConfigError(
    `stage "${config.stage}": its table ${recorded.table} was built with side a in ${recorded.a}, side b in ${recorded.b} ` +
      `and its witness in ${recorded.witness} (recorded in ${path}), and an MRSC table's regions cannot change in place — ` +
      `keep those in pair.a.region, pair.b.region and pair.witnessRegion, and put the new regions in a new pair stage ` +
      `(e.g. "${config.stage}2"), deployed beside it before the fleet moves (docs/deploy.md#changing-a-pairs-regions); ` +
      `if "${config.stage}" was never deployed, delete its entry from ${path}`,
  );
}
