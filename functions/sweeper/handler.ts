/** The sweeper, run by an EventBridge schedule: raises alarms for silent Loggers and retries pending notices. */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { withChannelTest } from '../../shared/adapters/channels/stage/channel-test.js';
import { type SweepReport, sweep } from '../../shared/listener/sweep/sweep.js';
import { log, MetricUnit, metrics } from '../../shared/observability.js';
import { type Runtime, runtime } from '../../shared/runtime.js';

/** The handler over a given runtime (tests and local mode pass their own). */
export function createHandler(getRuntime: () => Runtime = runtime) {
  return middy<unknown, SweepReport>()
    .use(injectLambdaContext(log, { resetKeys: true }))
    .use(logMetrics(metrics))
    .handler(async (_event, context: Context) => {
      const deps = getRuntime();
      const report = await sweep(deps, deps.now(), deps.now, { budgetMs: sweepBudget(context) });
      metrics.addMetric('SweepDuration', MetricUnit.Milliseconds, report.durationMs);
      metrics.addMetric('OverdueLoggers', MetricUnit.Count, report.due);
      log.info('sweep', { ...report });
      // A failed item stays due and is retried next run; failing the invocation would only re-run the rest.
      return report;
    });
}

/**
 * Stop starting new items with a fifth of the invocation (at least 5 s) left, so the items already started
 * finish and the sweep records itself before Lambda's timeout; the rest stays due for the next run.
 */
export function sweepBudget(
  context: Pick<Context, 'getRemainingTimeInMillis'> | undefined,
): number | undefined {
  const remaining = context?.getRemainingTimeInMillis?.();
  if (remaining === undefined) return undefined;
  return Math.max(0, remaining - Math.max(5_000, remaining / 5));
}

export const handler = withChannelTest(createHandler(), runtime);
