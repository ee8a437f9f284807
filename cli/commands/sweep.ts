/**
 * `listener sweep`: one sweep now, against the local Listener or a deployed stage. The scheduled sweeper
 * does this every minute; operators run it by hand after an outage, and several may run at once safely.
 */

import type { Command } from 'commander';
import { DEFAULT_EVENT_RETENTION_MS } from '../../shared/domain/event.js';
import { DEFAULT_OUTBOX_RETRY_MS } from '../../shared/domain/transitions.js';
import { noCounters } from '../../shared/listener/deps.js';
import { sweep } from '../../shared/listener/sweep.js';
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
      if (opts.json) console.log(JSON.stringify(report));
      else {
        console.log(
          `Swept ${target.description}: ${report.due} due, ${report.raised} alarm(s) raised, ${report.published} notification(s) retried, ${report.skipped} skipped, ${report.failed} failed (${report.durationMs} ms).`,
        );
      }
      if (report.failed > 0) process.exitCode = 1;
    });
  });
}
