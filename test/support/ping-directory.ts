/**
 * The ping tests' directory over its own DynamoDB client, whose requests are counted (the test Listener
 * counts the store's), and a Logger registered with a ping URL.
 */
import { localClient } from '../../cli/local/dynamo-local.js';
import { DynamoPingDirectory } from '../../shared/adapters/dynamo/logger/dynamo-ping-directory.js';
import { registerLogger } from '../../shared/listener/register.js';
import type { LoggerStore } from '../../shared/ports/logger-store.js';
import type { PingDirectory } from '../../shared/ports/ping-directory.js';
import type { TestListener } from './listener.js';

export interface CountedDirectory {
  readonly directory: DynamoPingDirectory;
  /** The directory's DynamoDB commands so far. */
  readonly commands: string[];
  /** DynamoDB requests `body` sends, the test Listener's and the directory's together. */
  requestsOf(body: () => Promise<unknown>): Promise<number>;
  destroy(): void;
}

export function countedDirectory(endpoint: string, listener: TestListener): CountedDirectory {
  const client = localClient(endpoint);
  const commands: string[] = [];
  client.middlewareStack.add(
    (next, context) => (args) => {
      commands.push(String(context.commandName));
      return next(args);
    },
    { step: 'initialize', name: 'countDirectoryCommands' },
  );
  const count = () => listener.dynamoCommands().length + commands.length;
  return {
    directory: new DynamoPingDirectory(client, listener.tableName),
    commands,
    async requestsOf(body) {
      const before = count();
      await body();
      return count() - before;
    },
    destroy: () => client.destroy(),
  };
}

/** Registers `customer`/A with `timeoutMs` at `now` and a ping URL: its registration and `uuid`. */
export async function registerPinged(
  loggers: LoggerStore,
  directory: PingDirectory,
  customer: string,
  timeoutMs: number,
  now: number,
) {
  const registration = await registerLogger(
    loggers,
    { customer, side: 'A', eventTimeoutMs: timeoutMs, transport: 'https' },
    now,
    directory,
  );
  return { ...registration, uuid: registration.pingUuid ?? '' };
}
