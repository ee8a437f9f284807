/**
 * Local stand-ins for the AWS APIs a Listener bundle calls, speaking their wire protocols, and recording
 * every call with the caller (the access key id of its SigV4 signature; each function under test gets its
 * own) so the calls can be checked against the function's IAM role:
 * - SNS: AWS query protocol (form-encoded `Action=Publish`, XML answer);
 * - EventBridge: JSON 1.1 (`X-Amz-Target: AWSEvents.PutEvents`);
 * - DynamoDB: a proxy in front of DynamoDB Local that reads `X-Amz-Target` and the body;
 * - Secrets Manager and SSM as the console and the channels read them: AWS's Parameters and Secrets Lambda
 *   extension (`GET /secretsmanager/get?secretId=…`, `GET /systemsmanager/parameters/get?name=…`,
 *   authenticated by the function's session token, which the extension's own GetSecretValue or
 *   GetParameter call is made with: the token names the caller).
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One AWS API call as a bundle made it. */
export interface RecordedCall {
  /** The access key id that signed it: which function called. */
  readonly caller: string;
  readonly service: 'sns' | 'events' | 'dynamodb' | 'secretsmanager' | 'ssm';
  /** The API operation, e.g. `Publish`, `PutEvents`, `UpdateItem`. */
  readonly operation: string;
  /** The request's parameters (form fields for SNS, the JSON body otherwise). */
  readonly params: Record<string, unknown>;
}

export interface AwsStubs {
  readonly snsEndpoint: string;
  readonly eventsEndpoint: string;
  readonly dynamodbEndpoint: string;
  /** The port of the Parameters and Secrets extension stand-in (PARAMETERS_SECRETS_EXTENSION_HTTP_PORT). */
  readonly secretsExtensionPort: string;
  /** The value every secret has here. */
  readonly secretValue: string;
  readonly calls: RecordedCall[];
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      body += chunk;
    });
    req.on('end', () => resolve(body));
    req.on('error', reject);
  });
}

/** The access key id in `Authorization: AWS4-HMAC-SHA256 Credential=<key>/<date>/…`. */
function callerOf(req: IncomingMessage): string {
  return /Credential=([^/]+)\//.exec(req.headers.authorization ?? '')?.[1] ?? 'unsigned';
}

async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<Server> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

const url = (server: Server) => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

/** Starts the SNS and EventBridge stubs and the DynamoDB recording proxy in front of `dynamoEndpoint`. */
export async function startAwsStubs(dynamoEndpoint: string): Promise<AwsStubs> {
  const calls: RecordedCall[] = [];

  const sns = await listen(async (req, res) => {
    const params = Object.fromEntries(new URLSearchParams(await readBody(req)));
    const operation = params.Action ?? 'unknown';
    calls.push({ caller: callerOf(req), service: 'sns', operation, params });
    res.setHeader('content-type', 'text/xml');
    if (operation !== 'Publish') {
      res.statusCode = 400;
      res.end(
        `<ErrorResponse><Error><Type>Sender</Type><Code>InvalidAction</Code><Message>stub: ${operation}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`,
      );
      return;
    }
    res.end(
      `<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>${randomUUID()}</MessageId></PublishResult><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></PublishResponse>`,
    );
  });

  const events = await listen(async (req, res) => {
    const params = JSON.parse((await readBody(req)) || '{}') as Record<string, unknown>;
    const operation = String(req.headers['x-amz-target'] ?? '').replace(/^AWSEvents\./, '');
    calls.push({ caller: callerOf(req), service: 'events', operation, params });
    res.setHeader('content-type', 'application/x-amz-json-1.1');
    if (operation !== 'PutEvents') {
      res.statusCode = 400;
      res.end(JSON.stringify({ __type: 'UnknownOperationException', message: `stub: ${operation}` }));
      return;
    }
    const entries = (params.Entries as unknown[] | undefined) ?? [];
    res.end(JSON.stringify({ FailedEntryCount: 0, Entries: entries.map(() => ({ EventId: randomUUID() })) }));
  });

  const secretValue = 'k'.repeat(64);
  const secrets = await listen((req, res) => {
    const query = new URL(req.url ?? '/', 'http://localhost').searchParams;
    const token = String(req.headers['x-aws-parameters-secrets-token'] ?? '');
    const caller = /^session-of-(.+)$/.exec(token)?.[1] ?? 'unsigned';
    const parameter = req.url?.startsWith('/systemsmanager/parameters/get?');
    const secretId = query.get(parameter ? 'name' : 'secretId') ?? '';
    calls.push(
      parameter
        ? { caller, service: 'ssm', operation: 'GetParameter', params: { Name: secretId } }
        : { caller, service: 'secretsmanager', operation: 'GetSecretValue', params: { SecretId: secretId } },
    );
    res.setHeader('content-type', 'application/json');
    if (caller === 'unsigned' || !(parameter || req.url?.startsWith('/secretsmanager/get?'))) {
      res.statusCode = 400;
      res.end(JSON.stringify({ message: 'stub: unsigned or unknown path' }));
      return;
    }
    res.end(
      JSON.stringify(
        parameter
          ? { Parameter: { Name: secretId, Type: 'SecureString', Value: secretValue } }
          : { ARN: secretId, Name: secretId, SecretString: secretValue },
      ),
    );
  });

  const target = new URL(dynamoEndpoint);
  const dynamodb = await listen(async (req, res) => {
    const body = await readBody(req);
    const operation = String(req.headers['x-amz-target'] ?? '').replace(/^DynamoDB_\d+\./, '');
    calls.push({
      caller: callerOf(req),
      service: 'dynamodb',
      operation,
      params: JSON.parse(body || '{}') as Record<string, unknown>,
    });
    const forwarded = request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 500, answer.headers);
        answer.pipe(res);
      },
    );
    forwarded.on('error', (error) => {
      res.statusCode = 502;
      res.end(String(error));
    });
    forwarded.end(body);
  });

  return {
    snsEndpoint: url(sns),
    eventsEndpoint: url(events),
    dynamodbEndpoint: url(dynamodb),
    secretsExtensionPort: String((secrets.address() as AddressInfo).port),
    secretValue,
    calls,
    close: async () => {
      for (const server of [sns, events, dynamodb, secrets]) {
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
      }
    },
  };
}
