/**
 * The CDK app (cdk.json `app`): `npx cdk deploy -c stage=<name>` deploys one Listener stage; a pair stage
 * is two stacks, one per region (`npx cdk deploy -c stage=prod-pair --all`). Stages come from
 * `stages.json`, or the file named with `-c stages=PATH` (infra/stage-file.ts); `dev` needs no file. A pair
 * stage's regions are recorded in `pair-tables.json` (or `-c pairTables=PATH`) and may not change.
 */
import { App } from 'aws-cdk-lib';
import { buildListener } from './build.js';
import { DEFAULT_PAIR_TABLES_PATH } from './pair-record.js';
import { readStages } from './stage-file.js';

const app = new App();
try {
  const file: unknown = app.node.tryGetContext('stages');
  const { stages, source } = readStages(typeof file === 'string' ? file : undefined);
  const pairTables: unknown = app.node.tryGetContext('pairTables');
  buildListener(
    app,
    app.node.tryGetContext('stage'),
    stages,
    source,
    typeof pairTables === 'string' ? pairTables : DEFAULT_PAIR_TABLES_PATH,
  );
} catch (error) {
  // A bad stage is an operator's typo: say what is valid, without a stack trace.
  console.error(`error: ${(error as Error).message}`);
  process.exit(1);
}
app.synth();
