/**
 * Local mode's HTTP server: turns each request into an API Gateway HTTP API (v2) event and hands it to
 * the same Lambda handlers AWS runs, chosen by the same route table.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import { isConsolePath } from '../shared/console/routes.js';
import { errorResponse } from '../shared/http/responses.js';
import { FALLBACK_FUNCTION, type FunctionName, ROUTES } from '../shared/http/routes.js';

export type LambdaHandler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyResultV2>;

/** API Gateway refuses bodies over 10 MB; locally we stop reading far earlier, every route's limit being lower. */
const MAX_READ_BYTES = 1024 * 1024;

/** Serves the API with `handlers` (one per function name) on 127.0.0.1:`port`. */
export async function startLocalServer(
  handlers: Partial<Record<FunctionName | 'console', LambdaHandler>>,
  port: number,
  host = '127.0.0.1',
): Promise<Server> {
  const server = createServer((req, res) => {
    serve(handlers, req, res).catch(() =>
      send(res, errorResponse(500, 'internal_error', 'the local Listener failed')),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return server;
}

async function serve(
  handlers: Partial<Record<FunctionName | 'console', LambdaHandler>>,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const method = req.method ?? 'GET';
  const body = await readBody(req);
  if (body === undefined) {
    send(res, errorResponse(413, 'payload_too_large', `the body is larger than ${MAX_READ_BYTES} bytes`));
    return;
  }
  if (handlers.console && isConsolePath(url.pathname)) {
    const event = toEvent(req, url, method, body, 'ANY /console/{proxy+}');
    send(res, await handlers.console(event, lambdaContext('console')));
    return;
  }
  const route = ROUTES.find((r) => r.method === method && r.path === url.pathname);
  const handler = handlers[route?.function ?? FALLBACK_FUNCTION];
  if (!handler) {
    send(res, errorResponse(404, 'not_found', `no handler for ${url.pathname}`));
    return;
  }
  const event = toEvent(req, url, method, body, route ? `${method} ${route.path}` : '$default');
  send(res, await handler(event, lambdaContext(route?.function ?? FALLBACK_FUNCTION)));
}

async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_READ_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function toEvent(
  req: IncomingMessage,
  url: URL,
  method: string,
  body: Buffer,
  routeKey: string,
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
      requestId: randomUUID(),
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

function lambdaContext(functionName: string): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
    memoryLimitInMB: '256',
    awsRequestId: randomUUID(),
    logGroupName: `/local/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => 30_000,
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}

function send(res: ServerResponse, result: APIGatewayProxyResultV2): void {
  const structured = typeof result === 'string' ? { statusCode: 200, body: result } : result;
  res.writeHead(structured.statusCode ?? 200, structured.headers as Record<string, string> | undefined);
  res.end(structured.body ?? '');
}
