/**
 * A command run against the local Listener (`listener sweep`, `release-mass-silence`) publishes on the
 * channels the Listener has: its notifications file AND the HTTP channels of its `--channels` file. With the
 * file alone, a notice a hand-run sweep delivered would leave the outbox before PagerDuty or Slack had it.
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveTarget } from '../../../cli/resolve-target.js';

const dir = mkdtempSync(join(tmpdir(), 'phl-local-target-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function writeLocal(extra: Record<string, unknown>): void {
  const local = {
    apiUrl: 'http://127.0.0.1:1',
    dynamodbEndpoint: 'http://127.0.0.1:2',
    tableName: 'phone-home-local',
    listenerName: 'GEOCSCLNRA',
    notificationsFile: join(dir, 'notifications.jsonl'),
    pid: process.pid,
    ...extra,
  };
  writeFileSync(join(dir, 'local.json'), JSON.stringify(local));
}

describe('the local Listener as a target', () => {
  it('publishes on its HTTP channels as well as its notifications file', async () => {
    const channelsFile = join(dir, 'channels.json');
    writeFileSync(
      channelsFile,
      JSON.stringify({
        channels: [
          { name: 'pd', type: 'pagerduty', routingKey: 'R'.repeat(32), url: 'http://127.0.0.1:3' },
          { name: 'chat', type: 'slack', url: 'http://127.0.0.1:4' },
        ],
      }),
    );
    chmodSync(channelsFile, 0o600);
    writeLocal({ channelsFile });
    const target = await resolveTarget({ dir });
    expect(target.publishing?.channels.map((c) => c.name)).toEqual(['file', 'pd', 'chat']);
    target.close?.();
  });

  it('publishes on the file alone when the Listener has no channels file', async () => {
    writeLocal({});
    const target = await resolveTarget({ dir });
    expect(target.publishing?.channels.map((c) => c.name)).toEqual(['file']);
    target.close?.();
  });
});
