/**
 * `listener deploy check --stage <name>` (is the account ready, will pages arrive) and
 * `listener test-page --stage <name>` (prove they do). Read from the same stages file as `cdk deploy`;
 * the SDK clients load only when one of them runs.
 */
import type { Command } from 'commander';
import { counted } from '../../shared/domain/words.js';
import { UsageError } from '../errors.js';

interface DeployOptions {
  readonly stage?: string;
  readonly stages?: string;
  readonly region?: string;
}

const stageOptions = (command: Command) =>
  command
    .requiredOption('--stage <name>', 'the stage, as in the stages file')
    .option('--stages <path>', 'the stages file (default: stages.json; as cdk -c stages=PATH)')
    .option('--region <region>', "region for a stage that names none (default: the SDK's)");

async function stageOf(opts: DeployOptions) {
  if (!opts.stage) throw new UsageError('no stage given', 'pass --stage <name>');
  const { cliStages, requireStage } = await import('../stage-settings.js');
  return requireStage(cliStages(opts.stages), opts.stage);
}

export function registerDeployCommands(program: Command): void {
  const deploy = program.command('deploy').description('before and after cdk deploy');
  stageOptions(
    deploy
      .command('check')
      .description(
        'read-only: is the account ready for the stage, and will its pages arrive (exit 0 ready, 1 findings, 3 AWS unreachable)',
      )
      .addHelpText('after', '\nExample:\n  listener deploy check --stage prod\n'),
  ).action(async (opts: DeployOptions) => {
    const config = await stageOf(opts);
    const [{ deployCheck }, { regionClients }, { formatFinding, verdict }] = await Promise.all([
      import('../deploy/deploy-check.js'),
      import('../deploy/checks.js'),
      import('../deploy/finding.js'),
    ]);
    const findings = await deployCheck(config, regionClients, opts.region ?? process.env.AWS_REGION);
    for (const finding of findings) console.log(formatFinding(finding));
    const { line, exitCode } = verdict(findings, config.stage);
    console.log(line);
    process.exitCode = exitCode;
  });

  stageOptions(
    program
      .command('test-page')
      .description(
        "publish one TEST notice to every subscriber of the stage's alarm and ops topics, and list who should have it",
      )
      .addHelpText('after', '\nExample:\n  listener test-page --stage prod\n'),
  ).action(async (opts: DeployOptions) => {
    const config = await stageOf(opts);
    const [{ listenersOf }, { regionOf, topicsOf }, { regionClients, stackOutputs }, testPage, names] =
      await Promise.all([
        import('../../infra/stages.js'),
        import('../deploy/deploy-check.js'),
        import('../deploy/checks.js'),
        import('../deploy/test-page.js'),
        import('../../infra/stage-names.js'),
      ]);
    let missed = 0;
    for (const listener of listenersOf(config)) {
      const clients = regionClients(regionOf(listener, opts.region ?? process.env.AWS_REGION));
      const stackName = names.stackNameFor(listener.stage);
      const outputs = await stackOutputs(clients, stackName);
      if (!outputs) {
        throw new UsageError(
          `stack ${stackName} is not deployed in ${clients.region}`,
          `deploy it first: npx cdk deploy -c stage=${config.stage}${config.pair ? ' --all' : ''}`,
        );
      }
      const notice = testPage.testNotice(listener.listenerName, listener.stage, new Date());
      const { senderId, originationNumber } = config.sms;
      const deliveries = await testPage.sendTestPage(clients.sns, topicsOf(outputs), notice, {
        senderId,
        originationNumber,
      });
      console.log(`${listener.listenerName} (${clients.region}):`);
      for (const d of deliveries) {
        const outcome = d.missed ? `NOT SENT: ${d.missed}` : `${counted(d.notices, 'TEST notice')}`;
        console.log(`  ${d.topic} topic, ${d.protocol} ${d.endpoint}: ${outcome}`);
        if (d.missed) missed += 1;
      }
      if (deliveries.length === 0) console.log('  (no subscribers)');
    }
    if (missed > 0) {
      console.log(
        `${counted(missed, 'subscriber')} got nothing: confirm them (listener deploy check --stage ${config.stage}).`,
      );
      process.exitCode = 1;
    } else {
      console.log(
        'Ask each of them to confirm it arrived: SMS and email can be delayed or filtered on their side.',
      );
    }
  });
}
