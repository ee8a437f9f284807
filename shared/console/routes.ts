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
