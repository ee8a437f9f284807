/**
 * Shared fixtures for the unit suite: a fixed clock and the reference note's default Logger.
 * Times are plain epoch milliseconds; no test reads the real clock.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { type Logger, type LoggerId, type LoggerSettings, newLogger } from '../../shared/domain/logger.js';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;

/** 2026-11-24T17:00:00.000Z: the fixed "now" most tests start from. */
export const T0 = Date.UTC(2026, 10, 24, 17, 0, 0);

export const GEOCUST1_A: LoggerId = { customer: 'geocust1', side: 'A' };
export const LISTENER = 'GEOCSCLNRA';

/** The reference note's defaults: 780-minute event timeout, 720-minute CSFS heartbeat. */
export const DEFAULT_SETTINGS: LoggerSettings = {
  eventTimeoutMs: 780 * MINUTE,
  heartbeatIntervalMs: 720 * MINUTE,
  transport: 'modem',
};

/** A Logger registered at `registeredAt` (default {@link T0}) with the default settings, then overridden. */
export function aLogger(overrides: Partial<Logger> = {}, registeredAt = T0): Logger {
  return { ...newLogger(GEOCUST1_A, DEFAULT_SETTINGS, registeredAt), ...overrides };
}

/** A minimal API Gateway HTTP API (v2) event. */
export function httpEvent(
  options: {
    method?: string;
    path?: string;
    headers?: Record<string, string>;
    body?: string;
    isBase64Encoded?: boolean;
  } = {},
): APIGatewayProxyEventV2 {
  const method = options.method ?? 'POST';
  const path = options.path ?? '/v1/events';
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: '',
    headers: options.headers ?? {},
    isBase64Encoded: options.isBase64Encoded ?? false,
    ...(options.body === undefined ? {} : { body: options.body }),
    requestContext: {
      accountId: '123456789012',
      apiId: 'api',
      domainName: 'listener.example.com',
      domainPrefix: 'listener',
      requestId: 'req-1',
      routeKey: '$default',
      stage: '$default',
      time: '24/Nov/2026:17:00:00 +0000',
      timeEpoch: T0,
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '192.0.2.1', userAgent: 'test' },
    },
  };
}
