/**
 * A deployed stage's channel: its secrets read through the extension on the first delivery and kept; a
 * secret that cannot be read fails that channel alone, loudly once, without its value, and its notices stay
 * pending; every failed delivery is counted for the channel's ops alarm. Fetch and the reader are faked, the
 * clock injected: no network, no waiting.
 */
import { describe, expect, it } from 'vitest';
import { RetryLater } from '../../../../../shared/adapters/channels/http-channel.js';
import { testStageChannel } from '../../../../../shared/adapters/channels/stage/channel-test.js';
import {
  REFRESH_MS,
  RETRY_READ_MS,
  StageHttpChannel,
} from '../../../../../shared/adapters/channels/stage/stage-channel.js';
import type { StageChannel } from '../../../../../shared/adapters/channels/stage/stage-channels.js';
import {
  readSecret,
  type SecretSource,
  SecretUnreadable,
} from '../../../../../shared/adapters/secrets/extension.js';
import { anOutage } from '../../../../support/outage.js';
import { LISTENER, T0, upLogger } from '../../../fixtures.js';

const page = anOutage(upLogger(T0), LISTENER).page;
const ROUTING_KEY = 'R0UT1NGKEY0123456789abcdefABCDEF';
const PD: StageChannel = {
  name: 'pd',
  type: 'pagerduty',
  routingKey: { secret: 'phone-home/prod/pd' },
  url: 'https://pd.test/v2/enqueue',
};

function setup(values: Record<string, string | Error>, channel: StageChannel = PD) {
  const clock = { now: T0 };
  const reads: string[] = [];
  const sent: string[] = [];
  const logs: { level: string; line: string }[] = [];
  const failed: string[] = [];
  const read = async (source: SecretSource) => {
    const name = 'secret' in source ? source.secret : source.parameter;
    reads.push(name);
    const value = values[name];
    if (value === undefined || value instanceof Error)
      throw value ?? new SecretUnreadable('the extension answered 400');
    return value;
  };
  const fetch = (async (_url: string, init?: RequestInit) => {
    sent.push(String(init?.body));
    return new Response('{"status":"success"}', { status: 202 });
  }) as unknown as typeof globalThis.fetch;
  const log = (level: string) => (message: string, extra?: Record<string, unknown>) =>
    logs.push({ level, line: `${message} ${JSON.stringify(extra ?? {})}` });
  const ch = new StageHttpChannel(channel, {
    read,
    fetch,
    now: () => clock.now,
    log: { info: log('info'), warn: log('warn'), error: log('error') },
    onFailed: (name) => failed.push(name),
  });
  return { ch, clock, reads, sent, logs, failed };
}

describe("a stage's channel", () => {
  it('reads its secret on the first delivery, sends with it, and keeps it', async () => {
    const { ch, reads, sent, failed } = setup({ 'phone-home/prod/pd': ROUTING_KEY });
    await ch.publish([page]);
    await ch.publish([page]);
    expect(reads).toEqual(['phone-home/prod/pd']);
    expect(sent).toHaveLength(2);
    expect(JSON.parse(sent[0] ?? '{}')).toMatchObject({ routing_key: ROUTING_KEY, event_action: 'trigger' });
    expect(failed).toEqual([]);
  });

  it('fails loudly once when its secret cannot be read, naming the reference, and waits before reading again', async () => {
    const { ch, clock, reads, sent, logs, failed } = setup({});
    await expect(ch.publish([page])).rejects.toThrow(RetryLater);
    await expect(ch.publish([page])).rejects.toThrow(RetryLater);
    expect(reads).toHaveLength(1); // no second read within RETRY_READ_MS: heartbeats do not wait on it
    expect(sent).toEqual([]);
    expect(failed).toEqual(['pd', 'pd']); // each failed delivery counts for the ops alarm
    expect(logs).toEqual([
      {
        level: 'error',
        line: expect.stringContaining(
          'channel pd cannot deliver: its routingKey (secret phone-home/prod/pd) could not be read (the extension answered 400)',
        ),
      },
    ]);
    clock.now += RETRY_READ_MS;
    await expect(ch.publish([page])).rejects.toThrow(RetryLater);
    expect(reads).toHaveLength(2);
    expect(logs).toHaveLength(1); // once, not at every retry
  });

  it('refuses a value of the wrong form, naming the field and where it came from but not the value', async () => {
    const value = 'not-a-whsec-secret-value-123';
    const hook: StageChannel = {
      name: 'hook',
      type: 'webhook',
      url: 'https://receiver.test/hook',
      secret: { parameter: '/phl/hook' },
    };
    const { ch, logs } = setup({ '/phl/hook': value }, hook);
    await expect(ch.publish([page])).rejects.toThrow(RetryLater);
    expect(logs[0]?.line).toContain(
      'its secret (the value of parameter /phl/hook) must be a Standard Webhooks secret',
    );
    expect(JSON.stringify(logs)).not.toContain(value);
  });

  it('re-reads a kept secret after REFRESH_MS, and keeps using the old one if that read fails', async () => {
    const values: Record<string, string | Error> = { 'phone-home/prod/pd': ROUTING_KEY };
    const { ch, clock, reads, sent } = setup(values);
    await ch.publish([page]);
    clock.now += REFRESH_MS;
    values['phone-home/prod/pd'] = new SecretUnreadable('Timeout');
    await ch.publish([page]);
    expect(reads).toHaveLength(2);
    expect(sent).toHaveLength(2);
    clock.now += REFRESH_MS;
    values['phone-home/prod/pd'] = 'NEWKEY0123456789abcdefABCDEF0123';
    await ch.publish([page]);
    expect(JSON.parse(sent[2] ?? '{}')).toMatchObject({ routing_key: 'NEWKEY0123456789abcdefABCDEF0123' });
  });
});

describe('the extension reader', () => {
  it('reads an SSM SecureString decrypted, with the session token', async () => {
    const seen: { url: string; token: string | null }[] = [];
    const fetchFn = (async (url: string, init?: RequestInit) => {
      seen.push({ url, token: new Headers(init?.headers).get('x-aws-parameters-secrets-token') });
      return new Response(
        JSON.stringify({ Parameter: { Name: '/phl/slack', Value: 'https://hooks.test/x' } }),
      );
    }) as typeof fetch;
    const env = { AWS_SESSION_TOKEN: 'session', PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: '2999' };
    expect(await readSecret({ parameter: '/phl/slack' }, { env, fetchFn })).toBe('https://hooks.test/x');
    expect(seen).toEqual([
      {
        url: 'http://localhost:2999/systemsmanager/parameters/get?name=%2Fphl%2Fslack&withDecryption=true',
        token: 'session',
      },
    ]);
  });
});

describe("the sweeper's channel test", () => {
  it('sends the TEST page and its all-clear with the secret it reads, and says what the receiver answered', async () => {
    const { ch, sent } = setup({ 'phone-home/prod/pd': ROUTING_KEY });
    const result = await testStageChannel([ch], 'pd', T0);
    expect(result).toEqual({
      outcome: 'accepted',
      answers: [
        { kind: 'LOGGER_SILENT', status: 202, excerpt: '{"status":"success"}' },
        { kind: 'LOGGER_RECOVERED', status: 202, excerpt: '{"status":"success"}' },
      ],
    });
    expect(sent.map((b) => JSON.parse(b).event_action)).toEqual(['trigger', 'resolve']);
  });

  it('reads the secret afresh (an operator just created it) and says why it cannot, without a value', async () => {
    const values: Record<string, string | Error> = {};
    const { ch, reads } = setup(values);
    await expect(ch.publish([page])).rejects.toThrow(RetryLater);
    values['phone-home/prod/pd'] = ROUTING_KEY;
    expect((await testStageChannel([ch], 'pd', T0)).outcome).toBe('accepted');
    expect(reads).toHaveLength(2);
    const missing = setup({});
    expect(await testStageChannel([missing.ch], 'pd', T0)).toEqual({
      outcome: 'unreadable',
      answers: [],
      message:
        'channel pd cannot deliver: its routingKey (secret phone-home/prod/pd) could not be read (the extension answered 400)',
    });
    expect((await testStageChannel([missing.ch], 'nope', T0)).outcome).toBe('unknown');
  });
});
