/**
 * The one middleware mapping errors to HTTP answers. Client mistakes are 4xx with a message a person
 * understands; a DynamoDB outage is 503 with Retry-After; anything else is a generic 500. Nothing internal
 * (stack, token, SDK message) reaches a response.
 */
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import {
  BridgeMismatchError,
  StoreUnavailableError,
  UnknownBridgeError,
  UnknownLoggerError,
  ValidationError,
} from '../domain/errors.js';
import type { Log } from '../listener/deps.js';
import { describe } from '../listener/notices/outbox.js';
import { HttpError } from './http-error.js';
import { errorResponse } from './responses.js';
import { type StoreOutageReport, storeOutage } from './store-outage.js';

/** Seconds a client is told to wait before retrying after a 503. */
export const RETRY_AFTER_SECONDS = 30;

/** Maps an error to the API's answer (exported for local mode and tests); a store outage is reported to `outage`. */
export function errorToResponse(
  error: unknown,
  log: Log,
  outage: StoreOutageReport = storeOutage,
): APIGatewayProxyResultV2 {
  if (error instanceof HttpError)
    return errorResponse(error.statusCode, error.code, error.message, error.headers);
  if (error instanceof ValidationError) return errorResponse(400, 'invalid_request', error.message);
  if (error instanceof UnknownLoggerError || error instanceof UnknownBridgeError) {
    return errorResponse(401, 'unauthorized', error.message, { 'www-authenticate': 'Bearer' });
  }
  if (error instanceof BridgeMismatchError) return errorResponse(403, 'forbidden', error.message);
  if (error instanceof StoreUnavailableError) {
    outage.unavailable(log, describe(error)); // once per outage, then counted
    return errorResponse(503, 'unavailable', 'the Listener is temporarily unavailable; retry later', {
      'retry-after': String(RETRY_AFTER_SECONDS),
    });
  }
  log.error('unexpected error', { error: describe(error) });
  return errorResponse(500, 'internal_error', 'the Listener failed to handle the request; retry later');
}

/** middy `onError`: answers with {@link errorToResponse}; `after`: a request served ends a store outage. */
export function httpErrors(log: Log): MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyResultV2> {
  return {
    // A handler's own 503 (local health on a dead store) is not the store answering.
    after: async (request) => {
      const { response } = request;
      const status = typeof response === 'object' && response ? (response.statusCode ?? 200) : 200;
      if (status < 500) storeOutage.served(log);
    },
    onError: async (request) => {
      request.response = errorToResponse(request.error, log);
    },
  };
}
