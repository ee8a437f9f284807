/**
 * Reading an HTTP API (v2) request: the bearer token and a size-limited, content-typed, schema-validated
 * JSON body. Every client mistake becomes a 4xx whose message names what to fix — and never repeats what
 * the request said: a value, a header or an unknown field name could carry anything (a token, markup).
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type * as z from 'zod/mini';
import { UnknownLoggerError, ValidationError } from '../domain/errors.js';
import { HttpError, payloadTooLarge, unsupportedMediaType } from './http-error.js';

/**
 * The token of `Authorization: Bearer <token>`; a missing or malformed header is `unauthorized()` (401),
 * the same answer as an unknown token.
 */
export function bearerToken(
  event: APIGatewayProxyEventV2,
  unauthorized: () => Error = () => new UnknownLoggerError(),
): string {
  const header = event.headers?.authorization ?? event.headers?.Authorization;
  const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  if (!match?.[1]) throw unauthorized();
  return match[1];
}

export interface BodyOptions {
  /** Largest accepted body in bytes (413 above). */
  readonly maxBytes: number;
  /** An empty body is allowed and parsed as `{}` (the heartbeat's body is optional). */
  readonly optional?: boolean;
}

/** Parses and validates the JSON body; throws 413, 415 or a {@link ValidationError} (400) naming the field. */
export function readJsonBody<S extends z.ZodMiniType>(
  event: APIGatewayProxyEventV2,
  schema: S,
  options: BodyOptions,
): z.output<S> {
  const raw = event.body
    ? Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8')
    : Buffer.alloc(0);
  // Size and type come from the length and the headers alone: nothing is parsed before they pass.
  if (raw.length > options.maxBytes) {
    throw payloadTooLarge(`the body is over ${options.maxBytes} bytes, the limit for this route`);
  }
  if (raw.length === 0) {
    if (options.optional) return parseWith(schema, {});
    throw new ValidationError('the body is empty; send a JSON object with "Content-Type: application/json"');
  }
  const contentType = event.headers?.['content-type'] ?? event.headers?.['Content-Type'] ?? '';
  if (!/^application\/json\s*(;.*)?$/i.test(contentType.trim())) {
    throw unsupportedMediaType(
      `the Content-Type header is ${contentType ? 'not JSON' : 'missing'}; send the body as JSON with "Content-Type: application/json"`,
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

/** Whether `error` is a request mistake {@link readJsonBody} reports (400, 413, 415). */
export function isBodyMistake(error: unknown): boolean {
  return (
    error instanceof ValidationError ||
    (error instanceof HttpError && error.statusCode >= 400 && error.statusCode < 500)
  );
}

/**
 * {@link readJsonBody} for a request whose token is well-formed but not yet checked. A good body costs
 * nothing extra (the caller's one conditional write checks the token); a body with any problem is first
 * held against `authenticate`, so a caller without a valid token gets 401 and learns nothing of its body.
 */
export async function readJsonBodyOnceAuthenticated<S extends z.ZodMiniType>(
  event: APIGatewayProxyEventV2,
  schema: S,
  options: BodyOptions,
  authenticate: () => Promise<unknown>,
): Promise<z.output<S>> {
  try {
    return readJsonBody(event, schema, options);
  } catch (error) {
    if (isBodyMistake(error)) await authenticate();
    throw error;
  }
}

/** A field's path as a person reads it: `events[3].id`; the body itself is `body`. */
export function fieldPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return 'body';
  return path
    .map((key, index) => (typeof key === 'number' ? `[${key}]` : `${index === 0 ? '' : '.'}${String(key)}`))
    .join('');
}

function parseWith<S extends z.ZodMiniType>(schema: S, value: unknown): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new ValidationError(`${fieldPath(issue?.path ?? [])}: ${issue?.message ?? 'is invalid'}`);
}
