import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import {
  StoreUnavailableError,
  UnknownLoggerError,
  ValidationError,
} from '../../../../shared/domain/errors.js';
import { errorToResponse, RETRY_AFTER_SECONDS } from '../../../../shared/http/error-middleware.js';
import {
  HttpError,
  methodNotAllowed,
  notFound,
  payloadTooLarge,
} from '../../../../shared/http/http-error.js';
import type { Log } from '../../../../shared/listener/deps.js';

function recordingLog() {
  const lines: { level: 'info' | 'warn' | 'error'; message: string; extra?: Record<string, unknown> }[] = [];
  const log: Log = {
    info: (message, extra) => lines.push({ level: 'info', message, ...(extra ? { extra } : {}) }),
    warn: (message, extra) => lines.push({ level: 'warn', message, ...(extra ? { extra } : {}) }),
    error: (message, extra) => lines.push({ level: 'error', message, ...(extra ? { extra } : {}) }),
  };
  return { log, lines };
}

function respond(error: unknown) {
  const { log, lines } = recordingLog();
  const response = errorToResponse(error, log) as APIGatewayProxyStructuredResultV2;
  const body = JSON.parse(String(response.body)) as { error: { code: string; message: string } };
  return { response, body, lines };
}

describe('errorToResponse', () => {
  it('answers a ValidationError with 400 and its message', () => {
    const { response, body } = respond(new ValidationError('events.0.severity: must be one of info'));
    expect(response.statusCode).toBe(400);
    expect(body).toEqual({
      error: { code: 'invalid_request', message: 'events.0.severity: must be one of info' },
    });
    expect(response.headers?.['content-type']).toMatch(/^application\/json/);
  });

  it('answers an UnknownLoggerError with 401 and a Bearer challenge', () => {
    const { response, body } = respond(new UnknownLoggerError());
    expect(response.statusCode).toBe(401);
    expect(response.headers?.['www-authenticate']).toBe('Bearer');
    expect(body.error.code).toBe('unauthorized');
  });

  it('passes an HttpError through with its status, code and headers', () => {
    const { response, body } = respond(methodNotAllowed('/v1/heartbeat', 'POST'));
    expect(response.statusCode).toBe(405);
    expect(response.headers?.Allow).toBe('POST');
    expect(body.error).toEqual({
      code: 'method_not_allowed',
      message: '/v1/heartbeat accepts only POST',
    });
  });

  it('passes 404 and 413 through', () => {
    expect(respond(notFound(['/v1/health'])).response.statusCode).toBe(404);
    expect(respond(payloadTooLarge('too big')).body.error).toEqual({
      code: 'payload_too_large',
      message: 'too big',
    });
    expect(respond(new HttpError(418, 'teapot', 'short and stout')).response.statusCode).toBe(418);
  });

  it('answers a StoreUnavailableError with 503 and retry-after, without the store’s message', () => {
    const { response, body, lines } = respond(
      new StoreUnavailableError('ProvisionedThroughputExceeded on table-xyz'),
    );
    expect(response.statusCode).toBe(503);
    expect(response.headers?.['retry-after']).toBe(String(RETRY_AFTER_SECONDS));
    expect(body.error.code).toBe('unavailable');
    expect(response.body).not.toContain('table-xyz');
    expect(lines.map((l) => l.level)).toEqual(['warn']);
  });

  it('answers anything else with a generic 500 that leaks neither message nor stack', () => {
    const secret = 'phl.geocust1.A.s3cr3t-token-do-not-leak';
    const error = new Error(`failed for ${secret}`);
    const { response, body, lines } = respond(error);
    expect(response.statusCode).toBe(500);
    expect(body.error.code).toBe('internal_error');
    expect(response.body).not.toContain(secret);
    expect(response.body).not.toContain('failed for');
    for (const frame of (error.stack ?? '').split('\n').slice(1, 3)) {
      expect(response.body).not.toContain(frame.trim());
    }
    expect(response.body).not.toMatch(/\bat .*\.ts:\d+/);
    expect(lines.map((l) => l.level)).toEqual(['error']);
  });

  it('answers a thrown non-Error with a generic 500', () => {
    const { response, body } = respond('s3cr3t string');
    expect(response.statusCode).toBe(500);
    expect(JSON.stringify(body)).not.toContain('s3cr3t');
  });
});
