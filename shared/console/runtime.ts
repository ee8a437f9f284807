/**
 * The console function's dependencies, built once per container from the environment: the Listener's
 * configuration plus how people sign in (`CONSOLE_AUTH`: `local` links, or `cognito` with its settings).
 */

import * as z from 'zod/mini';
import { dynamoClient } from '../adapters/aws-clients.js';
import { DynamoAuditLog } from '../adapters/dynamo/dynamo-audit-log.js';
import { DynamoConsoleKeys, DynamoUsedLinks } from '../adapters/dynamo/dynamo-console-items.js';
import { dynamoPorts } from '../adapters/dynamo/dynamo-ports.js';
import { SecretConsoleKeys } from '../adapters/secrets/console-key-secret.js';
import { ConfigError, loadConfig } from '../config.js';
import { listenerPairOf } from '../domain/doctor.js';
import { cognitoSignIn } from './auth/cognito.js';
import type { ConsoleDeps } from './deps.js';

// zod/mini (see shared/strict-schema.ts): every schema and check says in words what is wrong, never the value.
const required = (what: string) => z.string({ error: `is required: ${what}` });
const consoleEnv = z.discriminatedUnion(
  'CONSOLE_AUTH',
  [
    z.object({ CONSOLE_AUTH: z.literal('local') }),
    z.object({
      CONSOLE_AUTH: z.literal('cognito'),
      COGNITO_DOMAIN: required('the user pool’s managed login domain').check(
        z.minLength(1, 'is required: the user pool’s managed login domain'),
      ),
      COGNITO_CLIENT_ID: required('the console’s app client id').check(
        z.minLength(1, 'is required: the console’s app client id'),
      ),
      COGNITO_ISSUER: required('the user pool’s issuer URL').check(
        z.startsWith('https://', 'must be the user pool’s issuer URL'),
      ),
    }),
  ],
  { error: 'must be local or cognito' },
);

export function createConsoleDeps(env: Record<string, string | undefined> = process.env): ConsoleDeps {
  const config = loadConfig(env);
  const parsed = consoleEnv.safeParse({ CONSOLE_AUTH: 'local', ...env });
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`);
    throw new ConfigError(`invalid console configuration: ${problems.join('; ')}`);
  }
  const e = parsed.data;
  const client = dynamoClient();
  const { loggers, events, history } = dynamoPorts(client, config.tableName);
  return {
    loggers,
    events,
    history,
    audit: new DynamoAuditLog(client, config.tableName, config.eventRetentionMs),
    usedLinks: new DynamoUsedLinks(client, config.tableName),
    // Deployed: the cookie-signing key is the stack's secret (console only), and acknowledge links have
    // their own key in the table, which the notifying functions sign with. Local mode: one key, in the table.
    ...(env.CONSOLE_KEY_SECRET_ARN
      ? {
          keys: new SecretConsoleKeys(env.CONSOLE_KEY_SECRET_ARN, env),
          linkKeys: new DynamoConsoleKeys(client, config.tableName),
        }
      : { keys: new DynamoConsoleKeys(client, config.tableName) }),
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
