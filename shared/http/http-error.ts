/**
 * HTTP-level errors (size, content type, routing) and the API's error body `{ "error": { code, message } }`.
 */
export class HttpError extends Error {
  override readonly name = 'HttpError';
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const payloadTooLarge = (message: string) => new HttpError(413, 'payload_too_large', message);
export const unsupportedMediaType = (message: string) =>
  new HttpError(415, 'unsupported_media_type', message);
export const notFound = (path: string, paths: readonly string[]) =>
  new HttpError(404, 'not_found', `no such route: ${path}; the API serves ${paths.join(', ')}`);
export const methodNotAllowed = (method: string, path: string, allowed: string) =>
  new HttpError(405, 'method_not_allowed', `${method} is not allowed on ${path}; use ${allowed}`, {
    Allow: allowed,
  });
