import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { httpEvent } from '../fixtures.js';

type Handler = (event: unknown, context: unknown) => Promise<APIGatewayProxyStructuredResultV2>;
let handler: Handler;
let createHandler: (check?: () => Promise<unknown>) => Handler;

beforeAll(async () => {
  vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'true');
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
  vi.stubEnv('POWERTOOLS_DEV', 'false');
  ({ handler, createHandler } = (await import('../../../functions/health/handler.js')) as unknown as {
    handler: Handler;
    createHandler: typeof createHandler;
  });
});

afterAll(() => {
  vi.unstubAllEnvs();
});

const context = { awsRequestId: 'test', functionName: 'health' } as never;

async function call(method: string, path: string) {
  const response = await handler(httpEvent({ method, path }), context);
  return { ...response, json: JSON.parse(String(response.body)) as unknown };
}

describe('health function', () => {
  it('answers GET /v1/health with 200 {status: "ok"}', async () => {
    const response = await call('GET', '/v1/health');
    expect(response.statusCode).toBe(200);
    expect(response.json).toEqual({ status: 'ok' });
  });

  it('answers POST /v1/health with 405 allowing GET', async () => {
    const response = await call('POST', '/v1/health');
    expect(response.statusCode).toBe(405);
    expect(response.headers?.Allow).toBe('GET');
  });

  it('answers GET /v1/heartbeat (reached through $default) with 405 allowing POST', async () => {
    const response = await call('GET', '/v1/heartbeat');
    expect(response.statusCode).toBe(405);
    expect(response.headers?.Allow).toBe('POST');
    expect(response.json).toEqual({
      error: { code: 'method_not_allowed', message: '/v1/heartbeat accepts only POST' },
    });
  });

  it('answers an unknown path with 404 naming the API’s routes, never the path asked for', async () => {
    const response = await call('GET', '/phl.geocust1.A.s3cr3t');
    expect(response.statusCode).toBe(404);
    expect(response.json).toEqual({
      error: {
        code: 'not_found',
        message: 'no such route; the API serves /v1/heartbeat, /v1/events, /v1/relay, /v1/health',
      },
    });
  });

  it('answers a made-up method on a route with 405, without repeating the method', async () => {
    const response = await call('S3CR3T', '/v1/events');
    expect(response.statusCode).toBe(405);
    expect(String(response.body)).not.toContain('S3CR3T');
  });

  it('checks the store when given a check (local mode): 200 while it answers', async () => {
    const checked = createHandler(async () => undefined);
    const response = await checked(httpEvent({ method: 'GET', path: '/v1/health' }), context);
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(String(response.body))).toEqual({ status: 'ok', store: 'ok' });
  });

  it('answers 503 with Retry-After in seconds when the store check fails', async () => {
    const checked = createHandler(async () => {
      throw new Error('connect ECONNREFUSED 127.0.0.1:8000');
    });
    const response = await checked(httpEvent({ method: 'GET', path: '/v1/health' }), context);
    expect(response.statusCode).toBe(503);
    expect(response.headers?.['retry-after']).toMatch(/^[1-9]\d*$/);
    expect(JSON.parse(String(response.body))).toEqual({ status: 'unavailable', store: 'unreachable' });
  });
});

describe('the API root in a browser', () => {
  it('sends a browser (Accept: text/html) at / to the console, and keeps the JSON 404 for programs', async () => {
    const browser = await handler(
      httpEvent({
        method: 'GET',
        path: '/',
        headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' },
      }),
      context,
    );
    expect(browser.statusCode).toBe(302);
    expect(browser.headers?.location).toBe('/console');
    expect((await call('GET', '/')).statusCode).toBe(404);
  });
});
