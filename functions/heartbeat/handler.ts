/** `POST /v1/heartbeat`: a Logger phones home. */
import { displayState, formatLoggerId } from '../../shared/domain/logger.js';
import { loggerIdOfToken } from '../../shared/domain/token.js';
import { httpHandler } from '../../shared/http/middy.js';
import { bearerToken, readJsonBodyOnceAuthenticated } from '../../shared/http/request.js';
import { jsonResponse } from '../../shared/http/responses.js';
import { HEARTBEAT_MAX_BYTES, heartbeatBody, heartbeatReport } from '../../shared/http/schemas.js';
import { authenticateLogger } from '../../shared/listener/authenticate.js';
import { phoneHome } from '../../shared/listener/phone-home.js';
import { log } from '../../shared/observability.js';
import { type Runtime, runtime } from '../../shared/runtime.js';

/** The handler over a given runtime (tests and local mode pass their own). */
export function createHandler(getRuntime: () => Runtime = runtime) {
  return httpHandler(async (event) => {
    // Authenticate first, in ONE DynamoDB request on the happy path: a missing or malformed token is 401
    // before the body is touched; a good body goes to phoneHome, whose conditional write checks the token;
    // a body with any problem is answered only after a read has checked the token (401 if it fails).
    const token = bearerToken(event);
    loggerIdOfToken(token);
    const deps = getRuntime();
    const options = { maxBytes: HEARTBEAT_MAX_BYTES, optional: true };
    const body = await readJsonBodyOnceAuthenticated(event, heartbeatBody, options, () =>
      authenticateLogger(deps, token),
    );
    const { logger, receivedAt, recovered } = await phoneHome(deps, token, deps.now(), heartbeatReport(body));
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
