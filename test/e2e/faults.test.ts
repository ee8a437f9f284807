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
  it('answers 503 + Retry-After within 3 s while DynamoDB Local is stalled, sheds what is over its bound at once, and recovers after SIGCONT', async () => {
    listener = await startLocalListener([...FAST_LOCAL, '--max-in-flight', '4']);
    const token = await addLogger(listener, 'geocust1', 'A');
    const heartbeat = `${listener.apiUrl}/v1/heartbeat`;
    expect((await post(heartbeat, token)).status).toBe(200);

    stopped = javaOf(listener.dir);
    process.kill(stopped, 'SIGSTOP');
    const stalled = await post(heartbeat, token);
    expect(stalled).toMatchObject({ status: 503, retryAfter: expect.stringMatching(/^[1-9]\d*$/) });
    expect(stalled.ms).toBeLessThan(3_000);
    expect((await fetch(`${listener.apiUrl}/v1/health`)).status).toBe(503);

    // Ten at once against a bound of 4 (sweeps may hold a slot or two): those over it are told so at
    // once, before any request waiting on the stalled store is answered.
    const order: string[] = [];
    const answers = await Promise.all(
      Array.from({ length: 10 }, async () => {
        const res = await fetch(heartbeat, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
        const { error } = (await res.json()) as { error: { message: string } };
        order.push(error.message.includes('busy') ? 'shed' : 'waited');
        return { status: res.status, retryAfter: res.headers.get('retry-after') };
      }),
    );
    expect(answers.every((a) => a.status === 503 && /^[1-9]\d*$/.test(a.retryAfter ?? ''))).toBe(true);
    const shed = order.filter((o) => o === 'shed').length;
    expect(shed).toBeGreaterThanOrEqual(6);
    expect(order.slice(0, shed)).toEqual(Array(shed).fill('shed'));

    process.kill(stopped, 'SIGCONT');
    stopped = undefined;
    let status = 0;
    for (let i = 0; i < 20 && status !== 200; i++) {
      ({ status } = await post(heartbeat, token));
      if (status !== 200) await new Promise((r) => setTimeout(r, 250));
    }
    expect(status).toBe(200);
    expect((await fetch(`${listener.apiUrl}/v1/health`)).status).toBe(200);
    // The outage is reported once, then once more with its count when the store answers again.
    await listener.waitFor((out) => out.includes('store available again'), 5_000);
    expect(listener.output().match(/store unavailable; answering 503/g)).toHaveLength(1);
    expect(listener.output()).not.toMatch(/^\s+at /m); // no stack trace printed
  });

  it('exits non-zero within 15 s with one line naming DynamoDB Local when it is killed, though clients keep it busy', async () => {
    listener = await startLocalListener(FAST_LOCAL);
    const token = await addLogger(listener, 'geocust1', 'A');
    const exited = new Promise<number | null>((done) => listener?.process.once('exit', done));
    // Two keep-alive clients sending back to back: they must not keep the Listener up (they did, 40 s+).
    let running = true;
    void exited.then(() => {
      running = false;
    });
    const heartbeat = `${listener.apiUrl}/v1/heartbeat`;
    const client = async () => {
      while (running) await post(heartbeat, token).catch(() => undefined);
    };
    const clients = [client(), client()];
    process.kill(javaOf(listener.dir), 'SIGKILL');
    const started = Date.now();
    const code = await exited;
    expect(Date.now() - started).toBeLessThan(15_000);
    await Promise.all(clients);
    // Reported once, then summed up as it stops: not once per request (17,460 lines before).
    expect(listener.output().match(/store unavailable; answering 503/g)?.length ?? 0).toBeLessThanOrEqual(1);
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
