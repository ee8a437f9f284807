/**
 * Shared fixtures for the unit suite: a fixed clock and the reference note's default Logger.
 * Times are plain epoch milliseconds; no test reads the real clock.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { type Logger, type LoggerId, type LoggerSettings, newLogger } from '../../shared/domain/logger.js';
import { httpEvent as apiEvent } from '../support/http.js';

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

/** A Logger that phoned home at `lastSeenAt` (default {@link T0}) and is UP, then overridden. */
export function upLogger(lastSeenAt = T0, overrides: Partial<Logger> = {}): Logger {
  const deadline = lastSeenAt + DEFAULT_SETTINGS.eventTimeoutMs;
  return aLogger({ state: 'UP', lastSeenAt, deadline, dueAt: deadline, ...overrides });
}

/**
 * A minimal API Gateway HTTP API (v2) event with exactly the given headers and raw body (no content type
 * is added), for testing how requests are read.
 */
export function httpEvent(
  options: {
    method?: string;
    path?: string;
    headers?: Record<string, string>;
    body?: string;
    isBase64Encoded?: boolean;
  } = {},
): APIGatewayProxyEventV2 {
  const event = apiEvent({
    method: options.method ?? 'POST',
    path: options.path ?? '/v1/events',
    ...(options.headers ? { headers: options.headers } : {}),
  });
  return {
    ...event,
    isBase64Encoded: options.isBase64Encoded ?? false,
    ...(options.body === undefined ? {} : { body: options.body }),
  };
}
