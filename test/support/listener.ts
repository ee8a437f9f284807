/**
 * Test wiring: a fresh table on the suite's DynamoDB Local, SNS and EventBridge clients mocked at the SDK
 * boundary (aws-sdk-client-mock), and a hand-set clock.
 */
import { randomUUID } from 'node:crypto';
import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { ensureTable, localClient } from '../../cli/local/dynamo-local.js';
import { dynamoPorts } from '../../shared/adapters/dynamo/dynamo-ports.js';
import { EventBridgeNotifier } from '../../shared/adapters/notify/eventbridge-notifier.js';
import { SnsNotifier } from '../../shared/adapters/notify/sns-notifier.js';
import { loadConfig } from '../../shared/config.js';
import { noCounters, quietLog } from '../../shared/listener/deps.js';
import type { Runtime } from '../../shared/runtime.js';

export const TOPIC_ARN = 'arn:aws:sns:eu-west-1:123456789012:phone-home-alarms';
export const OPS_TOPIC_ARN = 'arn:aws:sns:eu-west-1:123456789012:phone-home-ops';
export const BUS_NAME = 'phone-home-test';
export const LISTENER_NAME = 'GEOCSCLNRA';
const fakeCredentials = { accessKeyId: 'test', secretAccessKey: 'test' };

export interface TestListener {
  readonly runtime: Runtime;
  readonly tableName: string;
  /** The SNS and EventBridge mocks: inspect `.commandCalls(PublishCommand)`, make them fail with `.rejects()`. */
  readonly sns: ReturnType<typeof mockClient>;
  readonly bus: ReturnType<typeof mockClient>;
  /** The clock the runtime reads; tests move it by hand. */
  readonly clock: { now: number };
  /** The next SNS publish / PutEvents call fails; later ones succeed again. */
  failNextPage(): void;
  failNextPutEvents(): void;
  /** The DynamoDB operations sent on the wire so far (`UpdateItem`, `Query`…), in order. */
  dynamoOperations(): readonly string[];
  /** The DynamoDB commands sent so far (`UpdateItemCommand`…), in order: each once, however often the SDK retried it. */
  dynamoCommands(): readonly string[];
  published(): {
    kind: string;
    /** The topic it went to: the reps' alarm topic or the ops topic. */
    topic: string;
    subject: string;
    sms: string;
    email: string;
    attributes: Record<string, string>;
  }[];
  dispose(): Promise<void>;
}

/** A Listener runtime on a fresh table of the suite's DynamoDB Local. */
export async function createTestListener(
  endpoint: string,
  start = Date.UTC(2026, 10, 24, 12),
  env: Record<string, string> = {},
): Promise<TestListener> {
  const tableName = `test-${randomUUID()}`;
  const dynamo = localClient(endpoint);
  await ensureTable(dynamo, tableName);
  // Recorded from the wire (the X-Amz-Target header), so the document client's commands show as sent.
  const operations: string[] = [];
  dynamo.middlewareStack.add(
    (next) => async (args) => {
      const headers = (args.request as { headers?: Record<string, string> }).headers ?? {};
      const target = headers['x-amz-target'] ?? headers['X-Amz-Target'];
      if (target) operations.push(target.slice(target.indexOf('.') + 1));
      return next(args);
    },
    { step: 'finalizeRequest', name: 'recordOperations' },
  );
  const commands: string[] = [];
  dynamo.middlewareStack.add(
    (next, context) => (args) => {
      commands.push(String(context.commandName));
      return next(args);
    },
    { step: 'initialize', name: 'testListenerCommands' },
  );
  const snsClient = new SNSClient({ region: 'eu-west-1', credentials: fakeCredentials });
  const busClient = new EventBridgeClient({ region: 'eu-west-1', credentials: fakeCredentials });
  const sns = mockClient(snsClient);
  const bus = mockClient(busClient);
  const snsOk = { MessageId: 'm-1' };
  const busOk = { FailedEntryCount: 0, Entries: [] };
  // "Fail the next call" as a flag: the mock library's *Once behaviours count from the client's first call.
  const failing = { sns: 0, bus: 0 };
  sns
    .on(PublishCommand)
    .callsFake(() => (failing.sns-- > 0 ? Promise.reject(new Error('SNS is down')) : Promise.resolve(snsOk)));
  bus
    .on(PutEventsCommand)
    .callsFake(() =>
      failing.bus-- > 0 ? Promise.reject(new Error('EventBridge is down')) : Promise.resolve(busOk),
    );
  const clock = { now: start };
  const config = loadConfig({
    LISTENER_NAME,
    TABLE_NAME: tableName,
    ALARM_TOPIC_ARN: TOPIC_ARN,
    EVENT_BUS_NAME: BUS_NAME,
    ...env,
  });
  const runtime: Runtime = {
    config,
    ...dynamoPorts(dynamo, tableName),
    channels: [new EventBridgeNotifier(busClient, BUS_NAME), new SnsNotifier(snsClient, TOPIC_ARN)],
    listenerName: LISTENER_NAME,
    outboxRetryMs: config.outboxRetryMs,
    eventRetentionMs: config.eventRetentionMs,
    ...(config.renotifyEveryMs === undefined ? {} : { renotifyEveryMs: config.renotifyEveryMs }),
    ...(config.twinListenerName ? { twinListenerName: config.twinListenerName } : {}),
    // The mass-silence guard only where a test sets one of its variables: other suites register fleets that
    // go silent together on purpose and expect every page at once.
    ...(Object.keys(env).some((name) => name.startsWith('MASS_SILENCE_'))
      ? {
          massSilence: config.massSilence,
          opsChannels: [
            new EventBridgeNotifier(busClient, BUS_NAME),
            new SnsNotifier(snsClient, OPS_TOPIC_ARN),
          ],
        }
      : {}),
    log: quietLog,
    counters: noCounters,
    now: () => clock.now,
  };
  return {
    runtime,
    tableName,
    sns,
    bus,
    clock,
    failNextPage: () => {
      failing.sns = 1;
    },
    failNextPutEvents: () => {
      failing.bus = 1;
    },
    dynamoOperations: () => operations,
    dynamoCommands: () => commands,
    published: () =>
      sns.commandCalls(PublishCommand).map((call) => {
        const input = call.args[0].input;
        const message = JSON.parse(input.Message ?? '{}') as { sms: string; email: string };
        const attributes = Object.fromEntries(
          Object.entries(input.MessageAttributes ?? {}).map(([k, v]) => [k, String(v.StringValue)]),
        );
        return {
          kind: String(attributes.kind),
          topic: String(input.TopicArn),
          subject: String(input.Subject),
          sms: message.sms,
          email: message.email,
          attributes,
        };
      }),
    dispose: async () => {
      sns.restore();
      bus.restore();
      await dynamo.send(new DeleteTableCommand({ TableName: tableName }));
      dynamo.destroy();
    },
  };
}

/** The DynamoDB commands a test listener sends from now on: how many, and which. */
export function countRequests(listener: TestListener): { count(): number; commands(): string[] } {
  const before = listener.dynamoCommands().length;
  const commands = () => listener.dynamoCommands().slice(before);
  return { count: () => commands().length, commands };
}
