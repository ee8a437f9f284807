/**
 * `HEAD|GET|POST /ping/<uuid>[/<suffix>]`: any job phones home through a Healthchecks-compatible ping URL
 * (shared/domain/pings/ping.ts). The path holds a secret: it is never logged (only the route is).
 */
import { PING_PATH } from '../../shared/domain/pings/ping.js';
import { httpHandler } from '../../shared/http/middy.js';
import { pingFactsOf, pingResponse, ridOf } from '../../shared/http/ping-response.js';
import { receivePing } from '../../shared/listener/pings/ping.js';
import { PingRoutes } from '../../shared/listener/pings/ping-routes.js';
import { pingDirectory } from '../../shared/ping-runtime.js';
import { type Runtime, runtime } from '../../shared/runtime.js';

/** The handler over a given runtime (tests pass their own); its warm cache lives as long as it does. */
export function createHandler(getRuntime: () => Runtime = runtime) {
  const routes = new PingRoutes();
  return httpHandler(async (event) => {
    const deps = getRuntime();
    const path = event.rawPath ?? event.requestContext.http.path ?? PING_PATH;
    const rid = ridOf(event);
    const answer = await receivePing(
      deps,
      { directory: pingDirectory(deps), routes, ...(deps.history ? { history: deps.history } : {}) },
      { path, receivedAt: deps.now(), facts: pingFactsOf(event), ...(rid === undefined ? {} : { rid }) },
    );
    return pingResponse(answer);
  });
}

export const handler = createHandler();
