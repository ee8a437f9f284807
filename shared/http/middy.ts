/**
 * The middleware stack every HTTP handler uses: Powertools logging context and EMF metrics, the request's
 * id on every log line and in the `x-request-id` answer header, then the one error middleware.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy, { type MiddlewareObj, type Request } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import { listenerLog, log, metrics } from '../observability.js';
import { httpErrors } from './error-middleware.js';

export type HttpHandler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyResultV2>;

/** Wraps an HTTP handler in the house middleware stack. */
export function httpHandler(handler: HttpHandler) {
  return middy<APIGatewayProxyEventV2, APIGatewayProxyResultV2>()
    .use(injectLambdaContext(log, { resetKeys: true }))
    .use(logMetrics(metrics))
    .use(requestId())
    .use(httpErrors(listenerLog))
    .handler(handler);
}

/**
 * The API Gateway request id (what the client can quote) as `request_id` on this invocation's log lines —
 * next to Powertools' `function_request_id` — and as the `x-request-id` header of the answer.
 */
function requestId(): MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyResultV2> {
  const tag = (request: Request<APIGatewayProxyEventV2, APIGatewayProxyResultV2>) => {
    const id = request.event.requestContext?.requestId;
    if (id && request.response && typeof request.response === 'object') {
      request.response.headers = { ...request.response.headers, 'x-request-id': id };
    }
  };
  return {
    before: async (request) => {
      const id = request.event.requestContext?.requestId;
      if (id) log.appendKeys({ request_id: id });
    },
    after: async (request) => tag(request),
    onError: async (request) => tag(request),
  };
}
