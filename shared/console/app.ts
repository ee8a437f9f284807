/**
 * The console: routes a request to a page or an action. Every path except sign-in, the bundled assets and
 * the emailed acknowledge link needs a session; without one the answer is a bodiless redirect to sign-in.
 * Every POST needs the CSRF token of its session (or link). Actions go through shared/listener/admin.ts,
 * the use cases the CLI runs, so both write the same audit record.
 */
import { diagnoseLogger } from '../domain/doctor.js';
import { LoggerNotFoundError, StoreUnavailableError, ValidationError } from '../domain/errors.js';
import { formatLoggerId, type LoggerId, parseLoggerId, twinOf } from '../domain/logger.js';
import {
  acknowledgeAlarm,
  addMaintenanceWindow,
  endMaintenanceWindow,
  newWindowId,
  type Operator,
  pauseLogger,
  resumeLogger,
  unacknowledgeAlarm,
} from '../listener/admin.js';
import { assetAt } from './assets.js';
import { ackRoutes } from './auth/ack-link.js';
import { clearedSessionCookie, csrfToken, readSession, type Session, validCsrf } from './auth/session.js';
import { signInRoutes } from './auth/sign-in.js';
import type { ConsoleDeps } from './deps.js';
import { fleetView, parseFilter } from './fleet-view.js';
import { type Html, html } from './html.js';
import { alarmsBody } from './pages/alarms.js';
import { fleetBody } from './pages/fleet.js';
import { page, type Section, type Viewer } from './pages/layout.js';
import { loggerBody, WINDOW_HOURS } from './pages/logger.js';
import { refusedBody } from './pages/messages.js';
import type { ConsoleRequest } from './request.js';
import { assetResponse, type ConsoleResponse, htmlResponse, jsonResponse, redirect } from './responses.js';
import { CONSOLE_PATH, loggerPath } from './routes.js';

/** Fixed texts shown after an action (`?done=`): input is never echoed. */
const DONE: Record<string, string> = {
  ack: 'Acknowledged: the alarm is yours, reminders stopped.',
  unack: 'The alarm is unowned again.',
  pause: 'Paused: nothing is paged until it is resumed.',
  resume: 'Resumed: it gets a full event timeout from now.',
  maintenance: 'Maintenance started.',
  ended: 'Maintenance ended.',
  nothing: 'Nothing to do: it had already changed. The page shows it as it is now.',
};

export async function handleConsole(req: ConsoleRequest, deps: ConsoleDeps): Promise<ConsoleResponse> {
  try {
    return await route(req, deps);
  } catch (error) {
    if (error instanceof StoreUnavailableError) {
      return message(deps, 503, 'Try again shortly', 'The Listener’s store is not answering.', {
        'retry-after': '30',
      });
    }
    throw error;
  }
}

async function route(req: ConsoleRequest, deps: ConsoleDeps): Promise<ConsoleResponse> {
  const asset = req.method === 'GET' ? assetAt(req.path) : undefined;
  if (asset) return assetResponse(asset);
  const key = await deps.keys.key(true);
  if (!key) throw new StoreUnavailableError('the console key could not be created');
  // The notifying functions sign acknowledge links only once this key exists (they never create it).
  if (deps.linkKeys && !(await deps.linkKeys.key(true))) {
    throw new StoreUnavailableError('the acknowledge-link key could not be created');
  }
  const now = deps.now();
  if (req.path === `${CONSOLE_PATH}/api/fleet`) return fleetJson(req, deps, now);
  const public_ = (await signInRoutes(req, deps, key, now)) ?? (await ackRoutes(req, deps, key, now));
  if (public_) return public_;

  const session = readSession(req.cookies, key, now);
  if (!session) return redirect(`${CONSOLE_PATH}/sign-in`);
  const viewer: Viewer = { user: session.user, csrf: csrfToken(session.id, key) };
  if (req.method === 'POST') {
    if (!sameOrigin(req) || !validCsrf(req.form?.get('csrf') ?? undefined, session.id, key)) {
      return message(
        deps,
        403,
        'Refused',
        'This form did not come from this console, or it expired. Reload the page and try again.',
      );
    }
    return act(req, deps, session, now);
  }
  if (req.method !== 'GET') return message(deps, 405, 'Not allowed', 'Use the console’s pages and forms.');
  return show(req, deps, viewer, now);
}

/**
 * The fleet as JSON for tools, behind API Gateway's JWT authorizer of the console's user pool; without
 * its claims (no authorizer ran: local mode, or a misrouted request) nothing is answered.
 */
async function fleetJson(req: ConsoleRequest, deps: ConsoleDeps, now: number): Promise<ConsoleResponse> {
  if (!req.jwtUser || req.method !== 'GET') {
    return jsonResponse(401, { error: { code: 'unauthorized', message: 'send a console access token' } });
  }
  const view = fleetView(await deps.loggers.list(), now, parseFilter(req.query));
  return jsonResponse(200, {
    at: new Date(now).toISOString(),
    counts: view.counts,
    customers: view.customers,
  });
}

/** A browser sends Origin with a POST; when it does, it must be this host. */
export function sameOrigin(req: ConsoleRequest): boolean {
  const origin = req.headers.origin;
  if (!origin) return true;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

async function show(req: ConsoleRequest, deps: ConsoleDeps, viewer: Viewer, now: number) {
  const notice = DONE[req.query.get('done') ?? ''];
  const frame = (title: string, section: Section, body: Html) =>
    htmlResponse(
      200,
      page({ title, listener: deps.listenerName, viewer, section, body, ...(notice ? { notice } : {}) }),
    );
  if (req.path === CONSOLE_PATH || req.path === `${CONSOLE_PATH}/`) {
    const filter = parseFilter(req.query);
    const massSilence = await deps.massSilence?.();
    const view = fleetView(await deps.loggers.list(), now, filter, massSilence);
    const refresh = Number(req.query.get('refresh'));
    return frame('Fleet', 'fleet', fleetBody(view, Number.isInteger(refresh) && refresh >= 2 ? refresh : 30));
  }
  if (req.path === `${CONSOLE_PATH}/alarms`) {
    return frame('Alarms', 'alarms', alarmsBody(await deps.loggers.list(), viewer, now));
  }
  const id = loggerOfPath(req.path, '');
  if (id) {
    const [logger, twin, events, audit, history] = await Promise.all([
      deps.loggers.get(id),
      deps.loggers.get(twinOf(id)),
      deps.events.listEvents(id, 10),
      deps.audit.list(id, 20),
      deps.history?.read(id),
    ]);
    if (!logger) return message(deps, 404, 'Not registered', 'No such Logger is registered.', {}, viewer);
    const findings = [
      ...diagnoseLogger(logger, twin, [], now, deps.listenerPair),
      ...(deps.extraFindings?.(formatLoggerId(id)) ?? []),
    ];
    const data = {
      logger,
      events,
      audit,
      findings,
      now,
      ...(twin ? { twin } : {}),
      ...(history ? { history } : {}),
    };
    return frame(`Logger ${formatLoggerId(id)}`, 'logger', loggerBody(data, viewer));
  }
  return message(deps, 404, 'Not found', 'There is no such console page.', {}, viewer);
}

/** `/console/loggers/<customer>/<side><suffix>` → the Logger id. */
function loggerOfPath(path: string, suffix: string): LoggerId | undefined {
  const match = /^\/console\/loggers\/([a-z0-9-]{1,63})\/([AB])(\/[a-z]+)?$/.exec(path);
  if (!match || (match[3] ?? '') !== suffix) return undefined;
  return parseLoggerId(`${match[1]}/${match[2]}`);
}

async function act(req: ConsoleRequest, deps: ConsoleDeps, session: Session, now: number) {
  const form = req.form ?? new URLSearchParams();
  const op: Operator = { loggers: deps.loggers, audit: deps.audit, actor: session.user, via: 'console', now };
  try {
    if (req.path === `${CONSOLE_PATH}/sign-out`) {
      return redirect(`${CONSOLE_PATH}/sign-in`, { 'set-cookie': clearedSessionCookie() });
    }
    for (const action of ['ack', 'unack', 'pause', 'resume'] as const) {
      const id = loggerOfPath(req.path, `/${action}`);
      if (!id) continue;
      const change = await runAction(action, op, id, form, deps);
      return redirect(`${loggerPath(id)}?done=${change ? action : 'nothing'}`);
    }
    if (req.path === `${CONSOLE_PATH}/pause`) {
      const id = parseLoggerId(form.get('logger')?.trim() ?? '');
      const change = await pauseLogger(op, id);
      return redirect(`${loggerPath(id)}?done=${change.after ? 'pause' : 'nothing'}`);
    }
    if (req.path === `${CONSOLE_PATH}/maintenance`) return startMaintenance(op, form);
    const end = /^\/console\/maintenance\/(mw-[0-9a-f]{6})\/end$/.exec(req.path);
    if (end?.[1]) {
      const holders = await endMaintenanceWindow(op, end[1]);
      return redirect(`${CONSOLE_PATH}/alarms?done=${holders.length > 0 ? 'ended' : 'nothing'}`);
    }
  } catch (error) {
    if (error instanceof LoggerNotFoundError) {
      return message(deps, 404, 'Not registered', 'No such Logger is registered.');
    }
    if (error instanceof ValidationError) {
      return message(deps, 400, 'Check the form', error.message.replace(/^"[^"]*" /, 'That '));
    }
    throw error;
  }
  return message(deps, 404, 'Not found', 'There is no such console action.');
}

async function runAction(
  action: 'ack' | 'unack' | 'pause' | 'resume',
  op: Operator,
  id: LoggerId,
  form: URLSearchParams,
  deps: ConsoleDeps,
): Promise<boolean> {
  switch (action) {
    case 'ack': {
      const ticket = cleanText(form.get('ticket'), 64);
      const note = cleanText(form.get('note'), 500);
      const change = await acknowledgeAlarm(op, id, {
        ...(ticket ? { ticket } : {}),
        ...(note ? { note } : {}),
      });
      return change.after !== undefined;
    }
    case 'unack':
      return (await unacknowledgeAlarm(op, id, deps.renotifyEveryMs)).after !== undefined;
    case 'pause':
      return (await pauseLogger(op, id)).after !== undefined;
    case 'resume':
      return (await resumeLogger(op, id)).after !== undefined;
  }
}

async function startMaintenance(op: Operator, form: URLSearchParams): Promise<ConsoleResponse> {
  const target = form.get('target')?.trim() ?? '';
  const hours = Number(form.get('hours'));
  if (!(WINDOW_HOURS as readonly number[]).includes(hours)) {
    throw new ValidationError('choose how long the maintenance lasts');
  }
  const ids: LoggerId[] = target.includes('/')
    ? [parseLoggerId(target)]
    : [parseLoggerId(`${target}/A`), parseLoggerId(`${target}/B`)];
  const registered: LoggerId[] = [];
  for (const id of ids) if (await op.loggers.get(id)) registered.push(id);
  if (registered.length === 0) throw new LoggerNotFoundError(target);
  const reason = cleanText(form.get('reason'), 200);
  const window = {
    id: newWindowId(),
    from: op.now,
    to: op.now + hours * 3_600_000,
    ...(reason ? { reason } : {}),
  };
  await addMaintenanceWindow(op, registered, window);
  const [only] = registered;
  return redirect(
    registered.length === 1 && only
      ? `${loggerPath(only)}?done=maintenance`
      : `${CONSOLE_PATH}/alarms?done=maintenance`,
  );
}

/** Printable text, trimmed and bounded; empty → undefined. */
export function cleanText(value: string | null | undefined, max: number): string | undefined {
  const text = (value ?? '').trim();
  if (text === '') return undefined;
  return [...text]
    .filter((ch) => (ch.codePointAt(0) ?? 0) >= 0x20)
    .join('')
    .slice(0, max);
}

export function message(
  deps: ConsoleDeps,
  status: number,
  title: string,
  text: string,
  headers: Record<string, string> = {},
  viewer?: Viewer,
): ConsoleResponse {
  const body = viewer
    ? html`<h1>${title}</h1><p>${text}</p><p><a href="${CONSOLE_PATH}">Fleet</a></p>`
    : refusedBody(title, text);
  return htmlResponse(
    status,
    page({ title, listener: deps.listenerName, section: 'none', body, ...(viewer ? { viewer } : {}) }),
    headers,
  );
}
