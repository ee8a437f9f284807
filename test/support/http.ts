/** API Gateway HTTP API (v2) events and a Lambda context for invoking handlers directly. */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';

export interface RequestSpec {
  readonly method?: string;
  readonly path: string;
  readonly token?: string;
  readonly body?: unknown;
  readonly contentType?: string;
  readonly headers?: Record<string, string>;
}

export function httpEvent(spec: RequestSpec): APIGatewayProxyEventV2 {
  const method = spec.method ?? 'POST';
  const headers: Record<string, string> = { ...spec.headers };
  if (spec.token) headers.authorization = `Bearer ${spec.token}`;
  if (spec.body !== undefined) headers['content-type'] = spec.contentType ?? 'application/json';
  const body =
    spec.body === undefined
      ? undefined
      : typeof spec.body === 'string'
        ? spec.body
        : JSON.stringify(spec.body);
  return {
    version: '2.0',
    routeKey: `${method} ${spec.path}`,
    rawPath: spec.path,
    rawQueryString: '',
    headers,
    isBase64Encoded: false,
    ...(body === undefined ? {} : { body }),
    requestContext: {
      http: { method, path: spec.path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'test' },
      requestId: 'test-request',
      routeKey: `${method} ${spec.path}`,
      stage: '$default',
      time: '',
      timeEpoch: 0,
      accountId: 'test',
      apiId: 'test',
      domainName: 'test',
      domainPrefix: 'test',
    },
  };
}

export const lambdaContext = { awsRequestId: 'test-request', functionName: 'test' } as unknown as Context;

/** The handler's answer with its JSON body parsed. */
export function parsed(result: unknown): {
  statusCode: number;
  headers: Record<string, string>;
  body: Record<string, unknown>;
} {
  const r = result as APIGatewayProxyStructuredResultV2;
  return {
    statusCode: r.statusCode ?? 200,
    headers: (r.headers ?? {}) as Record<string, string>,
    body: r.body ? (JSON.parse(r.body) as Record<string, unknown>) : {},
  };
}
