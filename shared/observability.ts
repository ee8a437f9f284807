/**
 * Structured JSON logs and EMF metrics (Powertools), built once per Lambda container. Logs carry the
 * Logger id and request id, never a token; tokens never reach a log call.
 */
import { Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { CHANNEL_DIMENSION, CHANNEL_FAILURE_METRIC } from './adapters/channels/stage/channel-metric.js';
import type { Counters, Log } from './listener/deps.js';

export const SERVICE_NAME = 'phone-home-listener';
export const METRICS_NAMESPACE = 'PhoneHomeListener';

/** The Lambda's structured logger (service name and level from POWERTOOLS_* env vars). */
export const log = new PowertoolsLogger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? SERVICE_NAME });

/** The use cases' log, written through Powertools (JSON, with the invocation's request id). */
export const listenerLog: Log = {
  info: (message, extra) => log.info(message, { ...extra }),
  warn: (message, extra) => log.warn(message, { ...extra }),
  error: (message, extra) => log.error(message, { ...extra }),
};

/** EMF metrics, flushed by the `logMetrics` middleware at the end of each invocation. */
export const metrics = new Metrics({
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? METRICS_NAMESPACE,
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? SERVICE_NAME,
  logger: {
    debug: (message: string) => log.debug(message),
    info: (message: string) => log.info(message),
    // Health checks and rejected requests record no metric; that is normal, not worth a warning per request.
    warn: (message: string) =>
      message.startsWith('No application metrics') ? log.debug(message) : log.warn(message),
    error: (message: string) => log.error(message),
  },
});

/** The use cases' counters, written as EMF metrics. */
export const metricCounters: Counters = {
  count(name, value = 1) {
    if (value > 0) metrics.addMetric(name, MetricUnit.Count, value);
  },
  gauge(name, value) {
    metrics.addMetric(name, name.endsWith('Seconds') ? MetricUnit.Seconds : MetricUnit.Count, value);
  },
};

/**
 * One failed delivery on a stage's channel, as its own EMF line with the `Channel` dimension (besides
 * `service`): the per-channel ops alarm (infra/constructs/monitoring.ts) watches it.
 */
export function countChannelFailure(channel: string): void {
  const single = metrics.singleMetric();
  single.addDimension(CHANNEL_DIMENSION, channel);
  single.addMetric(CHANNEL_FAILURE_METRIC, MetricUnit.Count, 1);
}

export { MetricUnit };
