/**
 * CPU per heartbeat, layer by layer, in one process against a real DynamoDB Local (started here): the raw
 * UpdateItem the fast path sends; the store's recordPhoneHome; the phoneHome use case; the heartbeat
 * Lambda handler (middy, Powertools, body and token checks) on a ready-made API Gateway event. Each layer
 * runs `BENCH_LAYER_CALLS` calls, 16 in flight, in interleaved rounds; the differences between layers are
 * what each costs on top of the one it wraps. CPU time depends far less on the machine's load than
 * throughput does (bench/scale.ts `ingestRatio` prices the whole HTTP path). Prints figures; asserts nothing.
 * Run: `node --no-warnings --import tsx bench/ingest-layers.ts`.
 */
import { randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import { UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { ensureTable, startDynamoLocal } from '../cli/local/dynamo-local.js';
import { DYNAMODB_LIMITS, dynamoClient } from '../shared/adapters/aws-clients.js';
import { loggerItem, phoneHomeUpdate } from '../shared/adapters/dynamo/logger/dynamo-items.js';
import { type LoggerId, newLogger } from '../shared/domain/logger.js';
import { generateToken, hashToken } from '../shared/domain/token.js';
import { phoneHome } from '../shared/listener/phone-home.js';
import { benchRuntime } from './bench-runtime.js';

// As local mode runs the handlers (cli/local/mode.ts): warnings only, no EMF metrics. Set before the import.
Object.assign(process.env, { POWERTOOLS_LOG_LEVEL: 'WARN', POWERTOOLS_METRICS_DISABLED: 'true' });
const { createHandler } = await import('../functions/heartbeat/handler.js');

const CALLS = Number(process.env.BENCH_LAYER_CALLS ?? 2000);
const ROUNDS = Number(process.env.BENCH_LAYER_ROUNDS ?? 4);
const IN_FLIGHT = 16;
const LOGGERS = 1000;
const MINUTE = 60_000;

const idOf = (i: number): LoggerId => ({ customer: `c${Math.floor(i / 2)}`, side: i % 2 === 0 ? 'A' : 'B' });

async function pool(n: number, concurrency: number, task: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < n; i = next++) await task(i);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, worker));
}

const dynamo = await startDynamoLocal();
try {
  const client = dynamoClient(
    { endpoint: dynamo.endpoint, region: 'local', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } },
    DYNAMODB_LIMITS,
  );
  const table = `layers-${randomUUID()}`;
  await ensureTable(client, table);
  const tokens = Array.from({ length: LOGGERS }, (_, i) => generateToken(idOf(i)));
  const doc = DynamoDBDocumentClient.from(client);
  const t0 = Date.now() - 700 * MINUTE;
  for (let b = 0; b < LOGGERS; b += 25) {
    const items = tokens.slice(b, b + 25).map((token, k) => {
      const logger = newLogger(
        idOf(b + k),
        { eventTimeoutMs: 780 * MINUTE, heartbeatIntervalMs: 720 * MINUTE, transport: 'https' },
        t0,
      );
      const seen = { ...logger, state: 'UP' as const, lastSeenAt: t0, deadline: t0 + 780 * MINUTE };
      return { PutRequest: { Item: loggerItem(seen, hashToken(token)) } };
    });
    await doc.send(new BatchWriteCommand({ RequestItems: { [table]: items } }));
  }
  const runtime = benchRuntime(client, table);
  const handler = createHandler(() => runtime);
  const token = (i: number) => tokens[i % LOGGERS] ?? '';
  const event = (i: number): APIGatewayProxyEventV2 => {
    const requestId = randomUUID();
    const now = new Date();
    return {
      version: '2.0',
      routeKey: 'POST /v1/heartbeat',
      rawPath: '/v1/heartbeat',
      rawQueryString: '',
      headers: { authorization: `Bearer ${token(i)}`, 'content-length': '0', host: 'localhost' },
      requestContext: {
        accountId: 'local',
        apiId: 'local',
        domainName: 'localhost',
        domainPrefix: 'local',
        http: {
          method: 'POST',
          path: '/v1/heartbeat',
          protocol: 'HTTP/1.1',
          sourceIp: '127.0.0.1',
          userAgent: '',
        },
        requestId,
        routeKey: 'POST /v1/heartbeat',
        stage: '$default',
        time: now.toISOString(),
        timeEpoch: now.getTime(),
      },
      isBase64Encoded: false,
    };
  };
  const context = (requestId: string) =>
    ({
      functionName: 'heartbeat',
      awsRequestId: requestId,
      invokedFunctionArn: 'arn:aws:lambda:local:000000000000:function:heartbeat',
      memoryLimitInMB: '256',
      functionVersion: '$LATEST',
      logGroupName: '/local/heartbeat',
      logStreamName: 'local',
      getRemainingTimeInMillis: () => 30_000,
    }) as unknown as Context;
  const layers: Record<string, (i: number) => Promise<unknown>> = {
    'raw UpdateItem': async (i) => {
      const update = phoneHomeUpdate(
        table,
        idOf(i % LOGGERS),
        { tokenHash: hashToken(token(i)) },
        Date.now(),
        {},
        {
          heardBy: 'BENCH',
        },
      );
      return client.send(
        new UpdateItemCommand({
          ...update,
          Key: marshall(update.Key),
          ExpressionAttributeValues: marshall(update.ExpressionAttributeValues),
        }),
      );
    },
    'store.recordPhoneHome': (i) =>
      runtime.loggers.recordPhoneHome(
        idOf(i % LOGGERS),
        { tokenHash: hashToken(token(i)) },
        Date.now(),
        {},
        {
          heardBy: 'BENCH',
        },
      ),
    'phoneHome use case': (i) => phoneHome(runtime, token(i), Date.now()),
    'heartbeat handler': async (i) => {
      const e = event(i);
      const answer = await handler(e, context(e.requestContext.requestId));
      if (typeof answer !== 'object' || answer.statusCode !== 200) throw new Error('not 200');
    },
  };
  const cpu: Record<string, number[]> = {};
  // A warm-up round first (JIT, lazy imports), not counted.
  for (let round = -1; round < ROUNDS; round++) {
    for (const [name, call] of Object.entries(layers)) {
      const before = process.cpuUsage();
      await pool(CALLS, IN_FLIGHT, call);
      const used = process.cpuUsage(before);
      if (round >= 0) cpu[name] = [...(cpu[name] ?? []), (used.user + used.system) / CALLS];
    }
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
  console.log(`## CPU per heartbeat by layer (${CALLS} calls × ${ROUNDS} rounds, ${IN_FLIGHT} in flight)\n`);
  console.log('| layer | median µs per call | rounds |');
  console.log('| --- | ---: | --- |');
  for (const [name, values] of Object.entries(cpu)) {
    console.log(`| ${name} | ${median(values).toFixed(0)} | ${values.map((v) => v.toFixed(0)).join(', ')} |`);
  }
  console.log(
    `\nload average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
  client.destroy();
} finally {
  await dynamo.stop();
}
