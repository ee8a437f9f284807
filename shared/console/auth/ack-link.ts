/**
 * The emailed acknowledge link: GET only shows a confirmation page (a mail scanner following the link
 * changes nothing); the page's button POSTs with a CSRF token bound to the link, and the link is used up
 * then — once. Whoever presses the button types their name (prefilled when signed in).
 */
import { StoreUnavailableError } from '../../domain/errors.js';
import { formatLoggerId } from '../../domain/logger.js';
import { acknowledgeAlarm } from '../../listener/admin.js';
import type { ConsoleDeps } from '../deps.js';
import { consoleState } from '../fleet-view.js';
import { html } from '../html.js';
import { page } from '../pages/layout.js';
import { ackConfirmBody, refusedBody } from '../pages/messages.js';
import type { ConsoleRequest } from '../request.js';
import { type ConsoleResponse, htmlResponse } from '../responses.js';
import { CONSOLE_PATH, loggerPath } from '../routes.js';
import { readAckToken } from './links.js';
import { csrfToken, readSession, validCsrf } from './session.js';

const INVALID = 'It was already used, has expired or was altered. Open the Logger in the console instead.';

export async function ackRoutes(
  req: ConsoleRequest,
  deps: ConsoleDeps,
  key: Buffer,
  now: number,
): Promise<ConsoleResponse | undefined> {
  if (req.path !== `${CONSOLE_PATH}/ack`) return undefined;
  const token = req.method === 'POST' ? req.form?.get('t') : req.query.get('t');
  const linkKey = deps.linkKeys ? await deps.linkKeys.key(true) : key;
  if (!linkKey) throw new StoreUnavailableError('the acknowledge-link key could not be created');
  const claims = readAckToken(token ?? undefined, linkKey, now);
  const frame = (status: number, title: string, body: ReturnType<typeof html>) =>
    htmlResponse(status, page({ title, listener: deps.listenerName, section: 'none', body }));
  if (!claims || !token)
    return frame(403, 'This link does not work', refusedBody('This link does not work', INVALID));
  const session = readSession(req.cookies, key, now);
  if (req.method === 'GET') {
    const logger = await deps.loggers.get(claims.logger);
    if (!logger)
      return frame(404, 'Not registered', refusedBody('Not registered', 'The Logger was removed.'));
    const body = ackConfirmBody({
      logger: formatLoggerId(logger),
      state: consoleState(logger, now),
      token,
      csrf: csrfToken(`ack:${claims.id}`, key),
      ...(session ? { name: session.user } : {}),
    });
    return frame(200, 'Acknowledge?', body);
  }
  if (req.method !== 'POST') return undefined;
  const form = req.form ?? new URLSearchParams();
  const by = (form.get('by') ?? '').trim().slice(0, 64);
  if (!validCsrf(form.get('csrf') ?? undefined, `ack:${claims.id}`, key) || by === '') {
    return frame(
      403,
      'Refused',
      refusedBody('Refused', 'Open the link again and press the button on its page.'),
    );
  }
  if (!(await deps.usedLinks.claim(`ack-${claims.id}`, claims.exp))) {
    return frame(403, 'This link does not work', refusedBody('This link does not work', INVALID));
  }
  const ticket = (form.get('ticket') ?? '').trim().slice(0, 64);
  const op = {
    loggers: deps.loggers,
    audit: deps.audit,
    actor: by,
    via: session ? 'console' : 'email-link',
    now,
  } as const;
  const { before, after } = await acknowledgeAlarm(op, claims.logger, ticket ? { ticket } : {});
  const id = formatLoggerId(claims.logger);
  const text = after
    ? html`The alarm of ${id} is acknowledged by ${by}. <a href="${loggerPath(claims.logger)}">Open the Logger</a> (sign-in needed).`
    : html`Nothing to acknowledge: ${id} is ${before.state}${before.ack ? html`, owned by ${before.ack.by}` : ''}.`;
  return frame(200, 'Acknowledged', html`<h1>${after ? 'Acknowledged' : 'Nothing to do'}</h1><p>${text}</p>`);
}
