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
/** 404: lists the routes there are; never repeats the path asked for (it could carry a token). */
export const notFound = (paths: readonly string[]) =>
  new HttpError(404, 'not_found', `no such route; the API serves ${paths.join(', ')}`);
/** 405 for `route` (one of the API's own paths, not the caller's text): says which methods it takes. */
export const methodNotAllowed = (route: string, allowed: string) =>
  new HttpError(405, 'method_not_allowed', `${route} accepts only ${allowed}`, { Allow: allowed });
/** 400 for a request target that is not a path at all (local server; API Gateway answers those itself). */
export const badRequestTarget = () =>
  new HttpError(400, 'bad_request', 'the request target is not a valid path; send e.g. POST /v1/heartbeat');
