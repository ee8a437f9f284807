/**
 * Local mode as a user runs it: `listener local` as a child process, the CLI to register Loggers, curl-like
 * HTTP calls, and the ALARM / CLEARED lines it prints.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  addLogger,
  countLines,
  FAST_LOCAL,
  type LocalListener,
  readNotifications,
  runCli,
  startLocalListener,
  sweptSince,
} from '../support/cli.js';

let listener: LocalListener | undefined;
afterEach(async () => {
  await listener?.stop();
  listener = undefined;
});

async function heartbeat(token: string) {
  const res = await fetch(`${listener?.apiUrl}/v1/heartbeat`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
  });
  return { status: res.status, body: (await res.json()) as Record<string, string> };
}

function notifications(kind: string) {
  return readNotifications(listener?.dir ?? '').filter((n) => n.kind === kind);
}

describe('listener local', () => {
  it('raises exactly one ALARM for a silent Logger and one CLEARED when it phones home again', async () => {
    listener = await startLocalListener(FAST_LOCAL);
    const token = await addLogger(listener, 'geocust1', 'A', '--timeout', '3s');
    const first = await heartbeat(token);
    expect(first).toMatchObject({ status: 200, body: { logger: 'geocust1/A', state: 'UP' } });

    await listener.waitFor((out) => out.includes('ALARM geocust1/A'), 15_000);
    expect(listener.output()).toContain(
      'ALARM geocust1/A Side A Logger of geocust1 has not phoned home to Listener GEOCSCLNRA within configured timeout value (3s).',
    );
    await sweptSince(listener.dir, Date.now(), 2); // two more sweeps must not page again
    expect(countLines(listener.output(), 'ALARM')).toBe(1);

    const back = await heartbeat(token);
    expect(back.body.state).toBe('UP');
    await listener.waitFor((out) => out.includes('CLEARED geocust1/A'), 10_000);
    expect(countLines(listener.output(), 'CLEARED')).toBe(1);
    expect(notifications('LOGGER_SILENT')).toHaveLength(1);
    expect(notifications('LOGGER_RECOVERED')).toHaveLength(1);

    const list = await runCli(['logger', 'list', '--dir', listener.dir, '--json']);
    // Its 3 s timeout may already have made it LATE again on a busy machine: the listing is what is checked.
    expect(JSON.parse(list.stdout)).toEqual([expect.objectContaining({ logger: 'geocust1/A' })]);
  });

  it('raises one alarm when several sweepers run at once', async () => {
    listener = await startLocalListener(['--sweep-every', '1d', '--in-memory']);
    await addLogger(listener, 'geocust2', 'B', '--timeout', '1s');
    await new Promise((r) => setTimeout(r, 1_200));
    const sweeps = await Promise.all(
      [1, 2, 3, 4].map(() => runCli(['sweep', '--dir', listener?.dir ?? '', '--json'])),
    );
    const raised = sweeps.map((s) => (JSON.parse(s.stdout) as { raised: number }).raised);
    expect(raised.reduce((a, b) => a + b, 0)).toBe(1);
    expect(notifications('LOGGER_SILENT')).toHaveLength(1);
  });

  it('stops DynamoDB Local with it on SIGTERM: no java process is left', async () => {
    listener = await startLocalListener(['--in-memory']);
    const dynamoPort = JSON.parse(readFileSync(join(listener.dir, 'local.json'), 'utf8'))
      .dynamodbEndpoint.split(':')
      .pop();
    const javaRunning = () => {
      try {
        return (
          execFileSync('pgrep', ['-f', `DynamoDBLocal.jar.*-port ${dynamoPort}`])
            .toString()
            .trim() !== ''
        );
      } catch {
        return false;
      }
    };
    expect(javaRunning()).toBe(true);
    expect(await listener.stop()).toBe(0);
    listener = undefined;
    expect(javaRunning()).toBe(false);
  });

  it('answers usage mistakes with exit code 2 and a message saying what to type', async () => {
    const bad = await runCli(['logger', 'add', 'GEOCUST1', 'C', '--dir', '/nonexistent']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('customer "GEOCUST1"');
    const noListener = await runCli(['logger', 'list', '--dir', '/nonexistent']);
    expect(noListener.code).toBe(3);
    expect(noListener.stderr).toContain('start one with "npm start"');
  });
});
