/**
 * `listener deploy check`: every finding that would make the stage's deploy fail or its pages not arrive,
 * from the stage's settings and read-only AWS calls in each of its regions.
 */
import { OUTPUT_KEYS, stackNameFor } from '../../infra/stage-names.js';
import { listenersOf, type StageConfig } from '../../infra/stages.js';
import { UsageError } from '../errors.js';
import { channelSecretFindings } from './channel-secrets.js';
import {
  bootstrapFindings,
  concurrencyFindings,
  pairTableFindings,
  type RegionClients,
  smsFindings,
  stackOutputs,
  subscriptionFindings,
} from './checks.js';
import type { Finding } from './finding.js';
import { placeholderFindings } from './placeholders.js';

/**
 * Functions Loggers call — heartbeat, events, relay, ping — each reserving `ingestConcurrency`, beside the
 * sweeper's 1 (infra/constructs/functions.ts; test/infra/listener-stack.test.ts holds the two together).
 */
const INGEST_FUNCTION_COUNT = 4;

/** Concurrency one Listener stack reserves. */
export function reservedConcurrency(config: StageConfig): number {
  return 1 + INGEST_FUNCTION_COUNT * config.ingestConcurrency;
}

/** The topics of a deployed stack, from its outputs. */
export function topicsOf(outputs: Record<string, string>): { name: string; arn: string }[] {
  return [
    { name: 'alarm', arn: outputs[OUTPUT_KEYS.alarmTopicArn] ?? '' },
    { name: 'ops', arn: outputs[OUTPUT_KEYS.opsTopicArn] ?? '' },
  ].filter((topic) => topic.arn !== '');
}

/** The region of one Listener of the stage: its own, else `--region`; none is a usage error. */
export function regionOf(listener: StageConfig, fallback: string | undefined): string {
  const region = listener.region ?? fallback;
  if (!region) {
    throw new UsageError(
      `stage ${listener.stage} names no region`,
      'add "region" to the stage in the stages file, or pass --region <region>',
    );
  }
  return region;
}

/** All findings of the stage, settings first, then each Listener's region. */
export async function deployCheck(
  config: StageConfig,
  clientsFor: (region: string) => RegionClients,
  fallbackRegion?: string,
): Promise<Finding[]> {
  const findings = placeholderFindings(config);
  const smsNumbers = [...config.alarmSms.map((s) => s.number), ...config.opsSms];
  for (const listener of listenersOf(config)) {
    const clients = clientsFor(regionOf(listener, fallbackRegion));
    const outputs = await stackOutputs(clients, stackNameFor(listener.stage));
    findings.push(
      ...(await bootstrapFindings(clients)),
      ...(await concurrencyFindings(clients, reservedConcurrency(listener), outputs !== undefined)),
      ...(await smsFindings(clients, smsNumbers, config.sms.monthlySpendLimitUsd)),
    );
    if (listener.pairing?.side === 'a') {
      findings.push(...(await pairTableFindings(clients, listener.pairing.tableName, outputs !== undefined)));
    }
    if (outputs) findings.push(...(await subscriptionFindings(clients, topicsOf(outputs))));
    // Each Listener of a pair delivers, so each region must hold the secrets.
    findings.push(...(await channelSecretFindings(clients, listener.channels)));
  }
  return findings;
}
