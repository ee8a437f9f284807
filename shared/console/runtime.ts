/**
 * The console function's dependencies, built once per container from the environment: the Listener's
 * configuration plus how people sign in (`CONSOLE_AUTH`: `local` links, or `cognito` with its settings).
 */

import { z } from 'zod';
import { dynamoClient } from '../adapters/aws-clients.js';
import { DynamoAuditLog } from '../adapters/dynamo/dynamo-audit-log.js';
import { DynamoConsoleKeys, DynamoUsedLinks } from '../adapters/dynamo/dynamo-console-items.js';
import { DynamoLoggerStore } from '../adapters/dynamo/dynamo-logger-store.js';
import { ConfigError, loadConfig } from '../config.js';
import { listenerPairOf } from '../domain/doctor.js';
import { cognitoSignIn } from './auth/cognito.js';
import type { ConsoleDeps } from './deps.js';

const consoleEnv = z.discriminatedUnion('CONSOLE_AUTH', [
  z.object({ CONSOLE_AUTH: z.literal('local') }),
  z.object({
    CONSOLE_AUTH: z.literal('cognito'),
    COGNITO_DOMAIN: z.string().min(1, 'is required: the user pool’s managed login domain'),
    COGNITO_CLIENT_ID: z.string().min(1, 'is required: the console’s app client id'),
    COGNITO_ISSUER: z.string().startsWith('https://', 'must be the user pool’s issuer URL'),
  }),
]);

export function createConsoleDeps(env: Record<string, string | undefined> = process.env): ConsoleDeps {
  const config = loadConfig(env);
  const parsed = consoleEnv.safeParse({ CONSOLE_AUTH: 'local', ...env });
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`);
    throw new ConfigError(`invalid console configuration: ${problems.join('; ')}`);
  }
  const e = parsed.data;
  const client = dynamoClient();
  return {
    store: new DynamoLoggerStore(client, config.tableName),
    audit: new DynamoAuditLog(client, config.tableName, config.eventRetentionMs),
    usedLinks: new DynamoUsedLinks(client, config.tableName),
    keys: new DynamoConsoleKeys(client, config.tableName),
    listenerName: config.listenerName,
    ...(config.twinListenerName
      ? { listenerPair: listenerPairOf(config.listenerName, config.twinListenerName) }
      : {}),
    ...(config.renotifyEveryMs === undefined ? {} : { renotifyEveryMs: config.renotifyEveryMs }),
    now: Date.now,
    auth:
      e.CONSOLE_AUTH === 'local'
        ? { mode: 'local' }
        : {
            mode: 'cognito',
            cognito: cognitoSignIn({
              domain: e.COGNITO_DOMAIN,
              clientId: e.COGNITO_CLIENT_ID,
              issuer: e.COGNITO_ISSUER,
            }),
          },
  };
}

let shared: ConsoleDeps | undefined;

export function consoleRuntime(): ConsoleDeps {
  shared ??= createConsoleDeps();
  return shared;
}
