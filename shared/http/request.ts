/**
 * Reading an HTTP API (v2) request: the bearer token and a size-limited, content-typed, schema-validated
 * JSON body. Every client mistake becomes a 4xx whose message names what to fix.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { z } from 'zod';
import { UnknownLoggerError, ValidationError } from '../domain/errors.js';
import { payloadTooLarge, unsupportedMediaType } from './http-error.js';

/** The token of `Authorization: Bearer <token>`; a missing or malformed header is a 401 like an unknown token. */
export function bearerToken(event: APIGatewayProxyEventV2): string {
  const header = event.headers?.authorization ?? event.headers?.Authorization;
  const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  if (!match?.[1]) throw new UnknownLoggerError();
  return match[1];
}

export interface BodyOptions {
  /** Largest accepted body in bytes (413 above). */
  readonly maxBytes: number;
  /** An empty body is allowed and parsed as `{}` (the heartbeat's body is optional). */
  readonly optional?: boolean;
}

/** Parses and validates the JSON body; throws 413, 415 or a {@link ValidationError} (400) naming the field. */
export function readJsonBody<S extends z.ZodType>(
  event: APIGatewayProxyEventV2,
  schema: S,
  options: BodyOptions,
): z.output<S> {
  const raw = event.body
    ? Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8')
    : Buffer.alloc(0);
  if (raw.length > options.maxBytes) {
    throw payloadTooLarge(
      `the body is ${raw.length} bytes; the limit for this route is ${options.maxBytes} bytes`,
    );
  }
  if (raw.length === 0 && options.optional) return parseWith(schema, {});
  const contentType = event.headers?.['content-type'] ?? event.headers?.['Content-Type'] ?? '';
  if (!/^application\/json\s*(;.*)?$/i.test(contentType.trim())) {
    throw unsupportedMediaType(
      `send the body as JSON with "Content-Type: application/json" (got ${contentType ? `"${contentType}"` : 'no Content-Type'})`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(raw.toString('utf8'));
  } catch {
    throw new ValidationError('the body is not valid JSON');
  }
  return parseWith(schema, json);
}

function parseWith<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue && issue.path.length > 0 ? issue.path.join('.') : 'body';
  throw new ValidationError(`${field}: ${issue?.message ?? 'is invalid'}`);
}
