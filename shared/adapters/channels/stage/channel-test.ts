/**
 * `listener channel test`: one TEST page through a channel (and, to incident tools, its all-clear), with
 * what the receiver answered. Local mode sends it from the CLI; on a stage the sweeper sends it (the only
 * place the stage's secrets are readable) when invoked with a {@link ChannelTestRequest}.
 */
import type { ChannelConfig } from '../channel-config.js';
import { type HttpChannel, RetryLater } from '../http-channel.js';
import { requestFor } from '../payload.js';
import { testOutage } from '../test-outage.js';
import type { StageHttpChannel } from './stage-channel.js';

/** The sweeper's test action (`listener channel test <name> --stage S` invokes it with this payload). */
export interface ChannelTestRequest {
  readonly action: 'channel-test';
  readonly channel: string;
}

export interface TestAnswer {
  readonly kind: string;
  readonly status: number;
  /** The start of the receiver's body, printable. */
  readonly excerpt: string;
}

/**
 * `accepted`: every answer 2xx; `refused`: one was not (the answers say which); `unreachable`: no answer;
 * `unreadable`: the channel's secret could not be read; `unknown`: no channel of that name.
 */
export interface ChannelTestResult {
  readonly outcome: 'accepted' | 'refused' | 'unreachable' | 'unreadable' | 'unknown';
  readonly answers: readonly TestAnswer[];
  /** What went wrong, when not accepted or refused (never a secret: channel errors do not carry the URL). */
  readonly message?: string;
}

export function isChannelTestRequest(event: unknown): event is ChannelTestRequest {
  const e = event as Partial<ChannelTestRequest> | null;
  return e?.action === 'channel-test' && typeof e.channel === 'string';
}

/**
 * The sweeper's entry point: a {@link ChannelTestRequest} is answered with the test's result (the only
 * function both able to read the stage's secrets and meant to be invoked by operators), anything else
 * (the schedule's events) goes to the sweep.
 */
export function withChannelTest<E, C, R>(
  handler: (event: E, context: C) => Promise<R>,
  deps: () => { readonly testChannel?: ((name: string) => Promise<ChannelTestResult>) | undefined },
): (event: E, context: C) => Promise<R | ChannelTestResult> {
  return async (event, context) => {
    if (!isChannelTestRequest(event)) return handler(event, context);
    const test = deps().testChannel;
    return test
      ? test(event.channel)
      : { outcome: 'unknown', answers: [], message: 'this stage has no channels' };
  };
}

/** Sends the test notices through `channel` (built from `config`), stopping at the first refusal. */
export async function sendTestNotices(
  config: ChannelConfig,
  channel: HttpChannel,
  now: number,
): Promise<ChannelTestResult> {
  const incident =
    config.type === 'pagerduty' || config.type === 'opsgenie' || config.type === 'alertmanager';
  const outage = testOutage(now);
  const answers: TestAnswer[] = [];
  for (const n of incident ? [outage.page, outage.allClear] : [outage.page]) {
    // The test goes through whatever the channel's routing says: it tests the receiver, not the filter.
    const request = requestFor({ ...config, kinds: undefined, customers: undefined }, n, now);
    if (!request) continue;
    try {
      const answer = await channel.send(request);
      answers.push({ kind: n.kind, ...answer });
      if (answer.status < 200 || answer.status >= 300) return { outcome: 'refused', answers };
    } catch (error) {
      return { outcome: 'unreachable', answers, message: (error as Error).message };
    }
  }
  return { outcome: 'accepted', answers };
}

/** The sweeper's test action over the stage's channels. */
export async function testStageChannel(
  channels: readonly StageHttpChannel[],
  name: string,
  now: number,
): Promise<ChannelTestResult> {
  const found = channels.find((c) => c.name === name);
  if (!found) {
    const known = channels.map((c) => c.name).join(', ') || 'none';
    return { outcome: 'unknown', answers: [], message: `no channel named ${name} on this stage (${known})` };
  }
  try {
    const { channel, config } = await found.ready(true);
    return await sendTestNotices(config, channel, now);
  } catch (error) {
    if (!(error instanceof RetryLater)) throw error;
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
    return { outcome: 'unreadable', answers: [], message: `channel ${name} cannot deliver${cause}` };
  }
}
