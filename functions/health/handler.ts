/** `GET /v1/health` (unauthenticated liveness, no data) and the API's `$default` route: 404 / 405. */
import { methodNotAllowed, notFound } from '../../shared/http/http-error.js';
import { httpHandler } from '../../shared/http/middy.js';
import { jsonResponse } from '../../shared/http/responses.js';
import { ROUTES } from '../../shared/http/routes.js';

export const handler = httpHandler(async (event) => {
  const { method, path } = event.requestContext.http;
  const routes = ROUTES.filter((route) => route.path === path);
  if (routes.length === 0)
    throw notFound(
      path,
      ROUTES.map((route) => route.path),
    );
  if (path !== '/v1/health' || method !== 'GET') {
    throw methodNotAllowed(method, path, routes.map((route) => route.method).join(', '));
  }
  return jsonResponse(200, { status: 'ok' });
});
