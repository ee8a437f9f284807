/**
 * Local mode's HTTP server: turns each request into an API Gateway HTTP API (v2) event and hands it to
 * the same Lambda handlers AWS runs, chosen by the same route table. It plays API Gateway and the Lambda
 * runtime: one request id per request (the event's, the context's and the `x-request-id` answer header),
 * and each invocation runs in its own Lambda InvokeStore context, as on a Lambda serving concurrent
 * invocations, so Powertools' log keys (request id, Logger) never leak from one request into another.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import { isConsolePath } from '../../shared/console/routes.js';
import { badRequestTarget } from '../../shared/http/http-error.js';
import { errorResponse } from '../../shared/http/responses.js';
import {
  FALLBACK_FUNCTION,
  type FunctionName,
  isPingRequest,
  PING_ROUTE,
  ROUTES,
} from '../../shared/http/routes.js';
import { describe } from '../../shared/listener/notices/outbox.js';

export type LambdaHandler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyResultV2>;

/**
 * API Gateway refuses bodies over 10 MB; locally we stop reading far earlier, every route's limit being
 * lower. A longer body still reaches the handler (cut here), so it authenticates before answering 413.
 */
const MAX_READ_BYTES = 1024 * 1024;

/** The InvokeStore key of the invocation's request id (InvokeStoreBase.PROTECTED_KEYS.REQUEST_ID). */
const REQUEST_ID_KEY = Symbol.for('_AWS_LAMBDA_REQUEST_ID');

type Invocation = Record<symbol | string, unknown>;

/**
 * How many requests local mode works on at once unless told otherwise (`--max-in-flight`). Each one holds
 * at most one DynamoDB connection at a time, and the SDK opens at most 50 per client: under that, every
 * request in flight has its connection and keeps to the 2.5 s store deadline (a 503 within 3 s); above it,
 * requests waited for a connection before their deadline even started (503s after 3–7.7 s at 100).
 */
export const DEFAULT_MAX_IN_FLIGHT = 32;

/** Seconds an overloaded or stopping local Listener tells a client to wait: the overload is brief. */
export const OVERLOADED_RETRY_AFTER_SECONDS = 5;

/** How long in-flight requests may finish once the server stops, before their connections are cut. */
export const STOP_GRACE_MS = 3_000;

export interface LocalServerOptions {
  readonly host?: string;
  /** Requests worked on at once; more are answered 503 + Retry-After at once (load shed, not queued). */
  readonly maxInFlight?: number;
}

/** What a running server knows about itself, for {@link stopServing}. */
interface Serving {
  inFlight: number;
  stopping: boolean;
}
const serving = new WeakMap<Server, Serving>();

/** Serves the API with `handlers` (one per function name) on 127.0.0.1:`port`. */
export async function startLocalServer(
  handlers: Partial<Record<FunctionName | 'console', LambdaHandler>>,
  port: number,
  { host = '127.0.0.1', maxInFlight = DEFAULT_MAX_IN_FLIGHT }: LocalServerOptions = {},
): Promise<Server> {
  const store = installInvokeStore();
  const state: Serving = { inFlight: 0, stopping: false };
  const server = createServer((req, res) => {
    const requestId = randomUUID();
    // Shed before reading the body: a request that cannot be served soon is told so at once.
    if (state.stopping || state.inFlight >= maxInFlight) {
      req.resume();
      send(res, requestId, unavailable(state.stopping), state.stopping);
      return;
    }
    state.inFlight++;
    store
      .run({ [REQUEST_ID_KEY]: requestId }, () => serve(handlers, req, res, requestId, state))
      .catch((error: unknown) => {
        process.stderr.write(`local server: request ${requestId} failed: ${describe(error)}\n`);
        send(
          res,
          requestId,
          errorResponse(500, 'internal_error', 'the local Listener failed'),
          state.stopping,
        );
      })
      .finally(() => state.inFlight--);
  });
  serving.set(server, state);
  // What Node's parser refuses (a made-up method, a malformed header) is answered in the API's format.
  server.on('clientError', (_error, socket) => {
    const body = JSON.stringify({
      error: { code: 'bad_request', message: 'the request is not valid HTTP/1.1' },
    });
    if (socket.writable) {
      socket.end(
        `HTTP/1.1 400 Bad Request\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
      );
    } else socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return server;
}

/**
 * Stops `server` within about `graceMs`, however busy its clients keep it: no new connection, a request
 * that arrives meanwhile is answered 503 at once, requests in flight finish and their answers close their
 * connections, and whatever is still open after `graceMs` (a client sending back to back on a keep-alive
 * connection, a request stuck on the store) is cut. `server.close()` alone waits for every client to let go.
 */
export function stopServing(server: Server, graceMs = STOP_GRACE_MS): Promise<void> {
  const state = serving.get(server);
  if (state) state.stopping = true;
  return new Promise((done) => {
    const cut = setTimeout(() => server.closeAllConnections(), graceMs);
    server.close(() => {
      clearTimeout(cut);
      done();
    });
    server.closeIdleConnections();
  });
}

/** The answer when the server will not take a request now: overloaded, or stopping. */
function unavailable(stopping: boolean): APIGatewayProxyResultV2 {
  const message = stopping
    ? 'the Listener is stopping; retry later'
    : 'the Listener is busy with other requests; retry shortly';
  return errorResponse(503, 'unavailable', message, {
    'retry-after': String(OVERLOADED_RETRY_AFTER_SECONDS),
  });
}

/**
 * Installs what the Lambda runtime provides when one environment serves concurrent invocations: a
 * per-invocation store (AsyncLocalStorage) at `globalThis.awslambda.InvokeStore`, with
 * AWS_LAMBDA_MAX_CONCURRENCY set. Powertools then keeps its log keys and Lambda context per invocation.
 * (It replaces any store already there: without this one, requests served at once would share them.)
 */
function installInvokeStore() {
  const als = new AsyncLocalStorage<Invocation>();
  const store = {
    getContext: () => als.getStore(),
    hasContext: () => als.getStore() !== undefined,
    get: (key: symbol | string) => als.getStore()?.[key],
    set: (key: symbol | string, value: unknown) => {
      const invocation = als.getStore();
      if (invocation && key !== REQUEST_ID_KEY) invocation[key] = value;
    },
    run: <T>(invocation: Invocation, fn: () => T): T => als.run(invocation, fn),
    getRequestId: () => String(als.getStore()?.[REQUEST_ID_KEY] ?? '-'),
    getXRayTraceId: () => undefined,
    getTenantId: () => undefined,
    getTraceparent: () => undefined,
    getTracestate: () => undefined,
    getBaggage: () => undefined,
  };
  const global = globalThis as unknown as { awslambda?: { InvokeStore?: unknown } };
  global.awslambda ??= {};
  global.awslambda.InvokeStore = store;
  process.env.AWS_LAMBDA_MAX_CONCURRENCY ??= '64';
  return store;
}

async function serve(
  handlers: Partial<Record<FunctionName | 'console', LambdaHandler>>,
  req: IncomingMessage,
  res: ServerResponse,
  requestId: string,
  state: Serving,
): Promise<void> {
  const answer = (result: APIGatewayProxyResultV2) => send(res, requestId, result, state.stopping);
  const url = targetUrl(req.url);
  if (!url) {
    req.resume();
    const error = badRequestTarget();
    answer(errorResponse(error.statusCode, error.code, error.message));
    return;
  }
  const method = req.method ?? 'GET';
  const body = await readBody(req);
  if (handlers.console && isConsolePath(url.pathname)) {
    const event = toEvent(req, url, method, body, 'ANY /console/{proxy+}', requestId);
    answer(await handlers.console(event, lambdaContext('console', requestId)));
    return;
  }
  if (handlers.ping && isPingRequest(method, url.pathname)) {
    const event = toEvent(req, url, method, body, `ANY ${PING_ROUTE.path}`, requestId);
    answer(await handlers.ping(event, lambdaContext('ping', requestId)));
    return;
  }
  const route = ROUTES.find((r) => r.method === method && r.path === url.pathname);
  const name = route?.function ?? FALLBACK_FUNCTION;
  const handler = handlers[name];
  if (!handler) {
    answer(errorResponse(404, 'not_found', 'no such route in this local server'));
    return;
  }
  const event = toEvent(req, url, method, body, route ? `${method} ${route.path}` : '$default', requestId);
  answer(await handler(event, lambdaContext(name, requestId)));
}

/** The request target as a URL, or undefined when it is not one (`//[`, `http://x:99999/`): a 400. */
function targetUrl(target: string | undefined): URL | undefined {
  try {
    return new URL(target ?? '/', 'http://localhost');
  } catch {
    return undefined;
  }
}

/** The body, cut after MAX_READ_BYTES (+1, so it is still over every route's limit); the rest is dropped. */
function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      if (size > MAX_READ_BYTES) return; // past the cut: read and dropped
      chunks.push(chunk);
      size += chunk.length;
      if (size > MAX_READ_BYTES) resolve(Buffer.concat(chunks).subarray(0, MAX_READ_BYTES + 1));
    };
    req.on('data', onData);
    req.once('end', () => resolve(Buffer.concat(chunks)));
    req.once('error', reject);
  });
}

function toEvent(
  req: IncomingMessage,
  url: URL,
  method: string,
  body: Buffer,
  routeKey: string,
  requestId: string,
): APIGatewayProxyEventV2 {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
  }
  const now = new Date();
  return {
    version: '2.0',
    routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'local',
      http: {
        method,
        path: url.pathname,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId,
      routeKey,
      stage: '$default',
      time: now.toISOString(),
      timeEpoch: now.getTime(),
    },
    // Binary-safe like API Gateway: bodies travel base64-encoded.
    ...(body.length > 0
      ? { body: body.toString('base64'), isBase64Encoded: true }
      : { isBase64Encoded: false }),
  };
}

function lambdaContext(functionName: string, requestId: string): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
    memoryLimitInMB: '256',
    awsRequestId: requestId,
    logGroupName: `/local/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => 30_000,
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}

/** Sends `result`; `closing`: the connection ends after it (the server is stopping). */
function send(
  res: ServerResponse,
  requestId: string,
  result: APIGatewayProxyResultV2,
  closing = false,
): void {
  if (res.headersSent) return;
  const structured = typeof result === 'string' ? { statusCode: 200, body: result } : result;
  const body = structured.body ?? '';
  // A length, as API Gateway sends: the answer leaves in one write instead of chunked framing (a second
  // chunk and a writev per answer, measurable on the heartbeat path: docs/scale.md).
  res.writeHead(structured.statusCode ?? 200, {
    ...(structured.headers as Record<string, string> | undefined),
    'content-length': String(Buffer.byteLength(body)),
    'x-request-id': requestId,
    ...(closing ? { connection: 'close' } : {}),
  });
  res.end(body);
}
