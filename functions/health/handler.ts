/** `GET /v1/health` (unauthenticated liveness, no data) and the API's `$default` route: 404 / 405. */
import { methodNotAllowed, notFound } from '../../shared/http/http-error.js';
import { httpHandler } from '../../shared/http/middy.js';
import { jsonResponse } from '../../shared/http/responses.js';
import { ROUTES } from '../../shared/http/routes.js';

export const handler = httpHandler(async (event) => {
  const { method, path } = event.requestContext.http;
  const route = ROUTES.find((r) => r.path === path);
  if (!route) throw notFound(ROUTES.map((r) => r.path));
  if (path !== '/v1/health' || method !== 'GET') {
    const allowed = ROUTES.filter((r) => r.path === path).map((r) => r.method);
    throw methodNotAllowed(route.path, allowed.join(', '));
  }
  return jsonResponse(200, { status: 'ok' });
});
