/** The sweeper, run by an EventBridge schedule: raises alarms for silent Loggers and retries pending notices. */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import { type SweepReport, sweep } from '../../shared/listener/sweep.js';
import { log, MetricUnit, metrics } from '../../shared/observability.js';
import { type Runtime, runtime } from '../../shared/runtime.js';

/** The handler over a given runtime (tests and local mode pass their own). */
export function createHandler(getRuntime: () => Runtime = runtime) {
  return middy<unknown, SweepReport>()
    .use(injectLambdaContext(log, { resetKeys: true }))
    .use(logMetrics(metrics))
    .handler(async () => {
      const deps = getRuntime();
      const report = await sweep(deps, deps.now(), deps.now);
      metrics.addMetric('SweepDuration', MetricUnit.Milliseconds, report.durationMs);
      metrics.addMetric('OverdueLoggers', MetricUnit.Count, report.due);
      log.info('sweep', { ...report });
      // A failed item stays due and is retried next run; failing the invocation would only re-run the rest.
      return report;
    });
}

export const handler = createHandler();
