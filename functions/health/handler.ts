/**
 * `GET /v1/health` (unauthenticated, no data) and the API's `$default` route: 404 / 405, and a browser at
 * `/` sent to the console. In AWS it answers
 * without touching data (the table's health is watched by CloudWatch alarms); local mode passes a store
 * check, so a stalled or dead DynamoDB Local makes it 503.
 */
import { consoleRedirect } from '../../shared/console/routes.js';
import { RETRY_AFTER_SECONDS } from '../../shared/http/error-middleware.js';
import { methodNotAllowed, notFound } from '../../shared/http/http-error.js';
import { httpHandler } from '../../shared/http/middy.js';
import { jsonResponse } from '../../shared/http/responses.js';
import { ROUTES } from '../../shared/http/routes.js';

/** The handler; `checkStore` (local mode) is awaited on each health check and throws when the store is down. */
export function createHandler(checkStore?: () => Promise<unknown>) {
  return httpHandler(async (event) => {
    const { method, path } = event.requestContext.http;
    const browser = consoleRedirect(method, path, event.headers?.accept);
    if (browser) return browser;
    const route = ROUTES.find((r) => r.path === path);
    if (!route) throw notFound(ROUTES.map((r) => r.path));
    if (path !== '/v1/health' || method !== 'GET') {
      const allowed = ROUTES.filter((r) => r.path === path).map((r) => r.method);
      throw methodNotAllowed(route.path, allowed.join(', '));
    }
    if (!checkStore) return jsonResponse(200, { status: 'ok' });
    const reachable = await checkStore().then(
      () => true,
      () => false,
    );
    if (reachable) return jsonResponse(200, { status: 'ok', store: 'ok' });
    return jsonResponse(
      503,
      { status: 'unavailable', store: 'unreachable' },
      { 'retry-after': String(RETRY_AFTER_SECONDS) },
    );
  });
}

export const handler = createHandler();
