/**
 * The CDK app (cdk.json `app`): `npx cdk deploy -c stage=<name>` deploys one Listener stage; a pair stage
 * is two stacks, one per region (`npx cdk deploy -c stage=prod-pair --all`).
 */
import { App } from 'aws-cdk-lib';
import { buildListener } from './build.js';

const app = new App();
try {
  buildListener(app, app.node.tryGetContext('stage'));
} catch (error) {
  // A bad stage is an operator's typo: say what is valid, without a stack trace.
  console.error(`error: ${(error as Error).message}`);
  process.exit(1);
}
app.synth();
