/** `POST /v1/heartbeat`: a Logger phones home. */
import { displayState, formatLoggerId } from '../../shared/domain/logger.js';
import { httpHandler } from '../../shared/http/middy.js';
import { bearerToken, readJsonBody } from '../../shared/http/request.js';
import { jsonResponse } from '../../shared/http/responses.js';
import { HEARTBEAT_MAX_BYTES, heartbeatBody } from '../../shared/http/schemas.js';
import { phoneHome } from '../../shared/listener/phone-home.js';
import { log } from '../../shared/observability.js';
import { type Runtime, runtime } from '../../shared/runtime.js';

/** The handler over a given runtime (tests and local mode pass their own). */
export function createHandler(getRuntime: () => Runtime = runtime) {
  return httpHandler(async (event) => {
    const deps = getRuntime();
    const body = readJsonBody(event, heartbeatBody, { maxBytes: HEARTBEAT_MAX_BYTES, optional: true });
    const token = bearerToken(event);
    const report = {
      ...(body.intervalMinutes === undefined
        ? {}
        : { intervalMs: Math.round(body.intervalMinutes * 60_000) }),
      ...(body.agent === undefined ? {} : { agent: body.agent }),
    };
    const { logger, receivedAt, recovered } = await phoneHome(deps, token, deps.now(), report);
    deps.counters.count('Heartbeats');
    log.appendKeys({ logger: formatLoggerId(logger) });
    log.info(recovered ? 'heartbeat: Logger recovered' : 'heartbeat');
    return jsonResponse(200, {
      logger: formatLoggerId(logger),
      state: displayState(logger, receivedAt),
      receivedAt: new Date(receivedAt).toISOString(),
      deadline: new Date(logger.deadline).toISOString(),
    });
  });
}

export const handler = createHandler();
