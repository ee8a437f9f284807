/**
 * Local mode's HTTP server under load and while stopping, with handlers the test holds: requests over the
 * in-flight bound are shed with 503 + Retry-After before the ones in flight are answered, and stopping never
 * waits for clients that keep their connections busy. Orders and statuses, not milliseconds.
 */

import type { Server } from 'node:http';
import { Agent, request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../../../cli/local/dynamo-local.js';
import {
  type LambdaHandler,
  OVERLOADED_RETRY_AFTER_SECONDS,
  startLocalServer,
  stopServing,
} from '../../../cli/local/server.js';

/** A heartbeat handler that answers only when the test lets it; `started` counts requests it holds. */
function heldHandler() {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  const waiters: { n: number; resolve: () => void }[] = [];
  let started = 0;
  const handler: LambdaHandler = async () => {
    started++;
    for (const w of waiters.filter((w) => started >= w.n)) w.resolve();
    await gate;
    return { statusCode: 200, body: '{"state":"UP"}' };
  };
  const holding = (n: number) =>
    new Promise<void>((resolve) => (started >= n ? resolve() : waiters.push({ n, resolve })));
  return { handler, release, holding };
}

interface Answer {
  readonly status: number;
  readonly retryAfter: string | undefined;
  readonly connection: string | undefined;
  readonly body: string;
}

function post(port: number, agent?: Agent): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      { port, method: 'POST', path: '/v1/heartbeat', ...(agent ? { agent } : {}) },
      (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => {
          body += chunk.toString();
        });
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            retryAfter: res.headers['retry-after'],
            connection: res.headers.connection,
            body,
          }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((done) => (server ? server.close(done) : done(undefined)));
  server = undefined;
});

describe('local server: a bound on requests in flight', () => {
  it('answers the requests over the bound 503 + Retry-After at once, before those in flight', async () => {
    const held = heldHandler();
    const port = await freePort();
    server = await startLocalServer({ heartbeat: held.handler }, port, { maxInFlight: 3 });
    const order: string[] = [];
    const inFlight = [1, 2, 3].map(async (i) => {
      const answer = await post(port);
      order.push(`held ${i}`);
      return answer;
    });
    await held.holding(3);

    const shed = await Promise.all([post(port), post(port)]);
    order.push('shed answered');
    for (const answer of shed) {
      expect(answer).toMatchObject({ status: 503, retryAfter: String(OVERLOADED_RETRY_AFTER_SECONDS) });
      expect(JSON.parse(answer.body)).toEqual({
        error: { code: 'unavailable', message: 'the Listener is busy with other requests; retry shortly' },
      });
    }
    held.release();
    expect((await Promise.all(inFlight)).map((a) => a.status)).toEqual([200, 200, 200]);
    expect(order[0]).toBe('shed answered'); // nothing in flight was answered first: the shed ones did not wait
    expect((await post(port)).status).toBe(200); // the slots are free again
  });
});

describe('local server: stopping', () => {
  it('stops although a keep-alive client sends back to back and a request never finishes', async () => {
    const held = heldHandler();
    const port = await freePort();
    server = await startLocalServer(
      { heartbeat: held.handler, health: async () => ({ statusCode: 200, body: '{}' }) },
      port,
    );
    const stuck = post(port).catch((error: Error) => error); // held forever: its connection is cut
    await held.holding(1);
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const healthAt = () =>
      new Promise<Answer>((resolve, reject) => {
        request({ port, path: '/v1/health', agent }, (res) => {
          res.resume();
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              retryAfter: res.headers['retry-after'],
              connection: res.headers.connection,
              body: '',
            }),
          );
        })
          .on('error', reject)
          .end();
      });
    let busy = true;
    const answers: Answer[] = [];
    const client = (async () => {
      while (busy) answers.push(await healthAt().catch(() => ({ status: 0 }) as Answer));
    })();
    await healthAt();

    await stopServing(server, 50);
    busy = false;
    await client;
    agent.destroy();
    expect(await stuck).toBeInstanceOf(Error); // cut after the grace, not waited for
    expect(answers.at(-1)?.status).not.toBe(200); // the last answer is no longer a served request
    const stopping = answers.filter((a) => a.status === 503);
    for (const a of stopping) expect(a.connection).toBe('close');
    server = undefined;
  });
});
