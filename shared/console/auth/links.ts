/**
 * One-time links: the local sign-in link `listener console-url` prints, and the acknowledge link an email
 * notification carries. Both are signed and expiring; each is accepted once (see {@link UsedLinks}). The
 * acknowledge link only opens a confirmation page: a mail scanner following it acknowledges nothing.
 */
import { formatLoggerId, type LoggerId, parseLoggerId } from '../../domain/logger.js';
import { isAboutListener, type Notification } from '../../domain/notices/notification.js';
import { CONSOLE_PATH, loggerPath } from '../routes.js';
import { randomId, signToken, verifyToken } from './signing.js';

/** How long a sign-in link printed by `listener console-url` works. */
export const SIGN_IN_LINK_MS = 10 * 60_000;
/** How long an emailed acknowledge link works: a night's on-call shift. */
export const ACK_LINK_MS = 12 * 3_600_000;

export function signInLink(baseUrl: string, user: string, key: Buffer, now: number): string {
  const token = signToken({ purpose: 'sign-in', id: randomId(), exp: now + SIGN_IN_LINK_MS, user }, key);
  return `${baseUrl}${CONSOLE_PATH}/sign-in/link?t=${token}`;
}

export interface SignInClaims {
  readonly id: string;
  readonly user: string;
  readonly exp: number;
}

export function readSignInLink(
  token: string | undefined,
  key: Buffer,
  now: number,
): SignInClaims | undefined {
  const c = verifyToken(token, 'sign-in', key, now);
  return c && typeof c.user === 'string' && c.user !== ''
    ? { id: c.id, user: c.user, exp: c.exp }
    : undefined;
}

export function ackToken(id: LoggerId, key: Buffer, now: number): string {
  return signToken(
    { purpose: 'ack', id: randomId(), exp: now + ACK_LINK_MS, logger: formatLoggerId(id) },
    key,
  );
}

export interface AckClaims {
  readonly id: string;
  readonly logger: LoggerId;
  readonly exp: number;
}

export function readAckToken(token: string | undefined, key: Buffer, now: number): AckClaims | undefined {
  const c = verifyToken(token, 'ack', key, now);
  if (!c || typeof c.logger !== 'string') return undefined;
  try {
    return { id: c.id, logger: parseLoggerId(c.logger), exp: c.exp };
  } catch {
    return undefined;
  }
}

/**
 * The lines an email notification adds: the Logger's page, and for an alarm a signed acknowledge link.
 * `key` absent (the console never started yet): the page link only.
 */
export function emailLinks(
  n: Notification,
  consoleUrl: string,
  key: Buffer | undefined,
  now: number,
): string[] {
  if (isAboutListener(n)) return []; // to ops, about the Listener: no Logger page to link
  const base = consoleUrl.replace(/\/+$/, '').replace(/\/console$/, '');
  const lines = [`Logger page: ${base}${loggerPath(n.logger)}`];
  const alarm = n.kind === 'LOGGER_SILENT' || n.kind === 'CUSTOMER_BLIND';
  if (alarm && key) {
    lines.push(
      `Acknowledge (asks you to confirm; works once, for ${ACK_LINK_MS / 3_600_000} hours): ${base}${CONSOLE_PATH}/ack?t=${ackToken(n.logger, key, now)}`,
    );
  }
  return lines;
}
