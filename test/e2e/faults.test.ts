/**
 * Faults are normal: local mode as a user runs it, with its DynamoDB Local stalled (SIGSTOP), killed
 * (SIGKILL), or orphaned by a killed Listener. Real processes, real signals. The time bounds are the
 * issue's behavioural limits (503 within 3 s, exit within 15 s), not performance measurements.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isDynamoLocalOf, PID_FILE } from '../../cli/local/dynamo-local.js';
import { addLogger, FAST_LOCAL, type LocalListener, startLocalListener } from '../support/cli.js';

let listener: LocalListener | undefined;
let stopped: number | undefined;
/** State directories whose java must not outlive the test, whatever happened. */
const dirs: string[] = [];
afterEach(async () => {
  if (stopped) process.kill(stopped, 'SIGCONT'); // never leave a stopped java behind a failed test
  stopped = undefined;
  await listener?.stop();
  listener = undefined;
  for (const pid of dirs.splice(0).flatMap(javasFor)) process.kill(pid, 'SIGKILL');
});

const javaOf = (dir: string) => Number(readFileSync(join(dir, PID_FILE), 'utf8'));

/** Every DynamoDB Local java running for state directory `dir`. */
function javasFor(dir: string): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .filter((pid) => isDynamoLocalOf(pid, dir));
}

async function post(url: string, token: string) {
  const started = Date.now();
  const res = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
  await res.text();
  return { status: res.status, retryAfter: res.headers.get('retry-after'), ms: Date.now() - started };
}

describe('local mode under faults', () => {
  it('answers 503 + Retry-After within 3 s while DynamoDB Local is stalled, and recovers after SIGCONT', async () => {
    listener = await startLocalListener(FAST_LOCAL);
    const token = await addLogger(listener, 'geocust1', 'A');
    const heartbeat = `${listener.apiUrl}/v1/heartbeat`;
    expect((await post(heartbeat, token)).status).toBe(200);

    stopped = javaOf(listener.dir);
    process.kill(stopped, 'SIGSTOP');
    const stalled = await post(heartbeat, token);
    expect(stalled).toMatchObject({ status: 503, retryAfter: expect.stringMatching(/^[1-9]\d*$/) });
    expect(stalled.ms).toBeLessThan(3_000);
    expect((await fetch(`${listener.apiUrl}/v1/health`)).status).toBe(503);

    process.kill(stopped, 'SIGCONT');
    stopped = undefined;
    let status = 0;
    for (let i = 0; i < 20 && status !== 200; i++) {
      ({ status } = await post(heartbeat, token));
      if (status !== 200) await new Promise((r) => setTimeout(r, 250));
    }
    expect(status).toBe(200);
    expect((await fetch(`${listener.apiUrl}/v1/health`)).status).toBe(200);
    expect(listener.output()).not.toMatch(/^\s+at /m); // no stack trace printed
  });

  it('exits non-zero within 15 s with one line naming DynamoDB Local when it is killed', async () => {
    listener = await startLocalListener(FAST_LOCAL);
    const exited = new Promise<number | null>((done) => listener?.process.once('exit', done));
    process.kill(javaOf(listener.dir), 'SIGKILL');
    const started = Date.now();
    const code = await exited;
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(code).not.toBe(0);
    expect(code).not.toBeNull();
    const lines = listener.output().split('\n');
    const told = lines.filter((line) => line.startsWith('listener: DynamoDB Local stopped — '));
    expect(told).toEqual([
      'listener: DynamoDB Local stopped — start the Listener again with "npm start" (java was killed by SIGKILL; its in-memory data is gone)',
    ]);
    expect(listener.output()).not.toMatch(/^\s+at /m);
    expect(listener.output().length).toBeLessThan(10_000);
  });

  it('stops the DynamoDB Local a killed Listener left running, so one runs per state directory', async () => {
    const first = await startLocalListener(FAST_LOCAL);
    dirs.push(first.dir);
    const orphan = javaOf(first.dir);
    const gone = new Promise((done) => first.process.once('exit', done));
    first.process.kill('SIGKILL');
    await gone;
    expect(javasFor(first.dir)).toEqual([orphan]); // kill -9 gave the Listener no chance to stop it

    listener = await startLocalListener(FAST_LOCAL, first.dir);
    expect(listener.output()).toContain(
      `Stopped DynamoDB Local (pid ${orphan}) left running by a killed Listener`,
    );
    expect(javasFor(first.dir)).toEqual([javaOf(first.dir)]);
    expect(javaOf(first.dir)).not.toBe(orphan);
  });
});
