/** `POST /v1/relay`: a dial-in bridge relays its modem Loggers' records. */
import { UnknownBridgeError } from '../../shared/domain/errors.js';
import { httpHandler } from '../../shared/http/middy.js';
import { bearerToken, readJsonBody } from '../../shared/http/request.js';
import { jsonResponse } from '../../shared/http/responses.js';
import { RELAY_MAX_BYTES, relayBody } from '../../shared/http/schemas.js';
import { authenticateBridge } from '../../shared/listener/authenticate.js';
import { relayFor } from '../../shared/listener/relay.js';
import { log } from '../../shared/observability.js';
import { type Runtime, runtime } from '../../shared/runtime.js';

/** The handler over a given runtime (tests and local mode pass their own). */
export function createHandler(getRuntime: () => Runtime = runtime) {
  return httpHandler(async (event) => {
    // Not the hot path: the bridge token is checked with a read before the body is looked at.
    const token = bearerToken(event, () => new UnknownBridgeError());
    const deps = getRuntime();
    const { site } = await authenticateBridge(deps, token);
    const body = readJsonBody(event, relayBody, { maxBytes: RELAY_MAX_BYTES });
    const results = await relayFor(deps, site, body, deps.now());
    const count = (status: string) => results.filter((r) => r.status === status).length;
    log.appendKeys({ bridge: site });
    log.info('relay', {
      accepted: count('accepted'),
      duplicates: count('duplicate'),
      rejected: count('rejected'),
      refused: count('refused'),
    });
    return jsonResponse(200, { results });
  });
}

export const handler = createHandler();
