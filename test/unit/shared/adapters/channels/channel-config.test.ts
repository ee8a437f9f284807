/** The channels file: validated with errors that name the field, routed per channel, secrets kept private. */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseChannels, routes } from '../../../../../shared/adapters/channels/channel-config.js';
import { readChannelsFile } from '../../../../../shared/adapters/channels/channels-file.js';
import { anOutage } from '../../../../support/outage.js';
import { LISTENER, T0, upLogger } from '../../../fixtures.js';

const hook = { name: 'hook', type: 'webhook', url: 'http://127.0.0.1:1/', secret: 'whsec_c2VjcmV0' };
const outage = anOutage(upLogger(T0), LISTENER);
let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the channels file', () => {
  it('accepts the issue’s example shape, with more keys allowed', () => {
    const file = parseChannels({
      channels: [
        { name: 'pd', type: 'pagerduty', routingKey: 'k', later: true },
        hook,
        { name: 'chat', type: 'slack', url: 'https://hooks.slack.com/services/x' },
        { name: 'am', type: 'alertmanager', url: 'http://127.0.0.1:9093' },
      ],
    });
    expect(file.channels.map((c) => c.name)).toEqual(['pd', 'hook', 'chat', 'am']);
  });

  it.each([
    [{ channels: [{ ...hook, secret: 'plain' }] }, /channels\.0\.secret must be a Standard Webhooks secret/],
    [{ channels: [{ ...hook, url: 'ftp://x' }] }, /channels\.0\.url must be an http\(s\) URL/],
    [{ channels: [{ ...hook, name: 'sns' }] }, /channels\.0\.name is taken by a built-in channel/],
    [{ channels: [hook, hook] }, /channels\.1\.name is used twice/],
    [
      { channels: [{ ...hook, kinds: ['LOGGER_SILENT', 'CUSTOMER_BLIND'] }] },
      /kinds must include LOGGER_RECOVERED.*whoever is paged must get the all-clear/,
    ],
    [
      { channels: [{ ...hook, kinds: ['LOGGER_SILENT', 'LOGGER_RECOVERED'] }] },
      /kinds must include CUSTOMER_BLIND/,
    ],
    [
      { channels: [{ name: 'pd', type: 'pagerduty', routingKey: 'k', kinds: ['LOGGER_EVENT'] }] },
      /cannot include LOGGER_EVENT on pagerduty/,
    ],
  ])('refuses %j naming the field', (json, message) => {
    expect(() => parseChannels(json)).toThrow(message);
  });

  it('routes a customer’s page and its all-clear alike, and pages with their all-clears by default', () => {
    const [mine] = parseChannels({ channels: [{ ...hook, customers: ['geocust1'] }] }).channels;
    const [other] = parseChannels({ channels: [{ ...hook, customers: ['geocust2'] }] }).channels;
    if (!mine || !other) throw new Error('parsed nothing');
    expect([outage.page, outage.blind, outage.allClear].map((n) => routes(mine, n))).toEqual([
      true,
      true,
      true,
    ]);
    expect([outage.page, outage.allClear].map((n) => routes(other, n))).toEqual([false, false]);
  });

  it('refuses a file others can read, with the chmod to run', () => {
    dir = mkdtempSync(join(tmpdir(), 'channels-'));
    const path = join(dir, 'channels.json');
    writeFileSync(path, JSON.stringify({ channels: [hook] }));
    chmodSync(path, 0o644);
    expect(() => readChannelsFile(path)).toThrow(`run: chmod 600 ${path}`);
    chmodSync(path, 0o600);
    expect(readChannelsFile(path).channels).toHaveLength(1);
  });
});
