/**
 * The HTTP API's routes and the Lambda function serving each, shared by local mode's server and the CDK
 * stack so both expose the same API.
 */
export const FUNCTION_NAMES = ['heartbeat', 'events', 'relay', 'health', 'sweeper', 'ping'] as const;
export type FunctionName = (typeof FUNCTION_NAMES)[number];

export interface Route {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly function: FunctionName;
}

/** Routes of the HTTP API. Anything else is answered 404/405 by the `health` function (`$default`). */
export const ROUTES: readonly Route[] = [
  { method: 'POST', path: '/v1/heartbeat', function: 'heartbeat' },
  { method: 'POST', path: '/v1/events', function: 'events' },
  { method: 'POST', path: '/v1/relay', function: 'relay' },
  { method: 'GET', path: '/v1/health', function: 'health' },
];

/**
 * Healthchecks-compatible ping URLs (`/ping/<uuid>[/<suffix>]`, shared/domain/pings/ping.ts): every path under
 * `/ping/` goes to the `ping` function, by these methods (the ones Healthchecks documents).
 */
export const PING_ROUTE = {
  path: '/ping/{proxy+}',
  methods: ['HEAD', 'GET', 'POST'],
  function: 'ping',
} as const;

/** Whether a request path and method go to the `ping` function. */
export function isPingRequest(method: string, path: string): boolean {
  return path.startsWith('/ping/') && (PING_ROUTE.methods as readonly string[]).includes(method);
}

/** The function answering unmatched requests (`$default` route): 404 or 405 in the API's error format. */
export const FALLBACK_FUNCTION: FunctionName = 'health';
