/** `/console/…`: the on-call web console (server-rendered pages and forms; see shared/console/). */
import { handleConsole } from '../../shared/console/app.js';
import type { ConsoleDeps } from '../../shared/console/deps.js';
import { consoleRequest } from '../../shared/console/request.js';
import { consoleRuntime } from '../../shared/console/runtime.js';
import { httpHandler } from '../../shared/http/middy.js';

/** The handler over given dependencies (tests and local mode may pass their own). */
export function createHandler(getDeps: () => ConsoleDeps = consoleRuntime) {
  return httpHandler(async (event) => {
    const response = await handleConsole(consoleRequest(event), getDeps());
    return { statusCode: response.status, headers: { ...response.headers }, body: response.body };
  });
}

export const handler = createHandler();
