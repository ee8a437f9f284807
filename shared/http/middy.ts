/**
 * The middleware stack every HTTP handler uses: Powertools logging context and EMF metrics, then the one
 * error middleware.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
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
    .use(httpErrors(listenerLog))
    .handler(handler);
}
