/**
 * `listener sweep`: one sweep now, against the local Listener or a deployed stage. The scheduled sweeper
 * does this every minute; operators run it by hand after an outage, and several may run at once safely.
 */

import type { Command } from 'commander';
import { DEFAULT_EVENT_RETENTION_MS } from '../../shared/domain/event.js';
import { DEFAULT_OUTBOX_RETRY_MS } from '../../shared/domain/transitions.js';
import { counted } from '../../shared/domain/words.js';
import { noCounters } from '../../shared/listener/deps.js';
import { type SweepReport, sweep } from '../../shared/listener/sweep/sweep.js';
import { storePorts } from '../../shared/ports/stores.js';
import { onTarget, type TargetOptions, UsageError, withTarget } from '../target.js';

export function registerSweepCommand(program: Command): void {
  withTarget(
    program
      .command('sweep')
      .description('run one sweep now: raise alarms for silent Loggers, retry pending notifications')
      .option('--json', 'print the sweep report as JSON')
      .addHelpText('after', '\nExample:\n  listener sweep --stage prod\n'),
  ).action(async (opts: TargetOptions & { json?: boolean }) => {
    if (opts.stage && (await sweptBySweeper({ ...opts, stage: opts.stage }))) return;
    await onTarget(opts, async (target) => {
      if (!target.publishing) {
        throw new UsageError(
          'a sweep publishes alarms, which a bare --table cannot',
          'pass --stage <name>, or run it against the local Listener',
        );
      }
      const log = {
        info() {},
        warn: (message: string) => console.error(`warning: ${message}`),
        error: (message: string, extra?: Record<string, unknown>) =>
          console.error(`error: ${message}${extra?.error ? ` (${String(extra.error)})` : ''}`),
      };
      const report = await sweep(
        {
          ...storePorts(target),
          channels: target.publishing.channels,
          listenerName: target.publishing.listenerName,
          outboxRetryMs: DEFAULT_OUTBOX_RETRY_MS,
          eventRetentionMs: DEFAULT_EVENT_RETENTION_MS,
          ...(target.renotifyEveryMs === undefined ? {} : { renotifyEveryMs: target.renotifyEveryMs }),
          // The guard, as the scheduled sweeper has it: a storm found by a hand-run sweep pages ops once.
          ...(target.massSilence
            ? { massSilence: target.massSilence.settings, opsChannels: target.massSilence.opsChannels }
            : {}),
          log,
          counters: noCounters,
        },
        Date.now(),
      );
      printReport(report, target.description, opts.json);
    });
  });
}

function printReport(report: SweepReport, description: string, json: boolean | undefined): void {
  process.stdout.write(
    json
      ? `${JSON.stringify(report)}\n`
      : `Swept ${description}: ${report.due} due, ${counted(report.raised, 'alarm')} raised, ${counted(report.published, 'notification')} retried, ${report.skipped} skipped, ${report.failed} failed (${report.durationMs} ms).\n`,
  );
  if (report.failed > 0) process.exitCode = 1;
}

/**
 * A stage with HTTP channels (PagerDuty, Slack, …) is swept by its own sweeper, invoked: a sweep run here
 * could not deliver on them (their secrets are readable only by the delivering functions), and the notices it
 * delivered on SNS and the bus would leave the outbox before those channels had them. True when it did.
 */
export async function sweptBySweeper(
  opts: TargetOptions & { stage: string; json?: boolean },
): Promise<boolean> {
  const { stageChannelsOf, invokeSweeper } = await import('./channel-stage.js');
  if (stageChannelsOf(opts).length === 0) return false;
  const report = await invokeSweeper<SweepReport>(opts, {}, 'while sweeping');
  printReport(report, `stage ${opts.stage} (by its sweeper, for its channels)`, opts.json);
  return true;
}
