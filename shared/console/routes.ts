/** Where the console lives on the HTTP API (beside /v1/…): every path under it goes to the console function. */
export const CONSOLE_PATH = '/console';

/** Whether a request path belongs to the console. */
export function isConsolePath(path: string): boolean {
  return path === CONSOLE_PATH || path.startsWith(`${CONSOLE_PATH}/`);
}

/** The page of one Logger. */
export function loggerPath(id: { customer: string; side: string }): string {
  return `${CONSOLE_PATH}/loggers/${id.customer}/${id.side}`;
}

/**
 * A browser opening the API's root (`GET /` asking for HTML) is someone looking for the console: send them
 * there instead of a JSON 404. Programs (no `text/html` in Accept) still get the 404.
 */
export function consoleRedirect(
  method: string,
  path: string,
  accept: string | undefined,
): { statusCode: 302; headers: Record<string, string>; body: string } | undefined {
  if (method !== 'GET' || path !== '/' || !accept?.includes('text/html')) return undefined;
  return { statusCode: 302, headers: { location: CONSOLE_PATH, 'cache-control': 'no-store' }, body: '' };
}
