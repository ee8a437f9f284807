/** `POST /v1/events`: a Logger forwards alarm events (idempotent per event id). */
import { formatLoggerId } from '../../shared/domain/logger.js';
import { httpHandler } from '../../shared/http/middy.js';
import { bearerToken, readJsonBody } from '../../shared/http/request.js';
import { jsonResponse } from '../../shared/http/responses.js';
import { checkEventsBatch, EVENTS_MAX_BYTES, eventsBody } from '../../shared/http/schemas.js';
import { authenticateLogger } from '../../shared/listener/authenticate.js';
import { ingestEvents } from '../../shared/listener/events.js';
import { log } from '../../shared/observability.js';
import { type Runtime, runtime } from '../../shared/runtime.js';

/** The handler over a given runtime (tests and local mode pass their own). */
export function createHandler(getRuntime: () => Runtime = runtime) {
  return httpHandler(async (event) => {
    // Not the hot path: the token is checked with a read before the body is looked at (401 whatever it is).
    const token = bearerToken(event);
    const deps = getRuntime();
    await authenticateLogger(deps, token);
    const body = checkEventsBatch(readJsonBody(event, eventsBody, { maxBytes: EVENTS_MAX_BYTES }));
    const result = await ingestEvents(deps, token, deps.now(), body.events);
    log.appendKeys({ logger: formatLoggerId(result.logger) });
    log.info('events', { accepted: result.accepted.length, duplicates: result.duplicates.length });
    const duplicate = new Set(result.duplicates);
    return jsonResponse(200, {
      logger: formatLoggerId(result.logger),
      accepted: result.accepted.length,
      duplicates: result.duplicates.length,
      results: body.events.map(({ id }) => ({ id, status: duplicate.has(id) ? 'duplicate' : 'accepted' })),
      receivedAt: new Date(result.receivedAt).toISOString(),
      deadline: new Date(result.logger.deadline).toISOString(),
    });
  });
}

export const handler = createHandler();
