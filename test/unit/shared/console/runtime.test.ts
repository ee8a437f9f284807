import { describe, expect, it } from 'vitest';
import { DynamoConsoleKeys } from '../../../../shared/adapters/dynamo/dynamo-console-items.js';
import { SecretConsoleKeys } from '../../../../shared/adapters/secrets/console-key-secret.js';
import { ConfigError } from '../../../../shared/config.js';
import { createConsoleDeps } from '../../../../shared/console/runtime.js';

const LISTENER = { LISTENER_NAME: 'GEOCSCLNRA', TABLE_NAME: 'phone-home' };
const problem = (env: Record<string, string>) => {
  try {
    createConsoleDeps({ ...LISTENER, ...env });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('the configuration was accepted');
};

describe('the console configuration (CONSOLE_AUTH)', () => {
  it('signs in with local links by default, or with Cognito given its three settings', () => {
    expect(createConsoleDeps(LISTENER).auth.mode).toBe('local');
    const cognito = {
      CONSOLE_AUTH: 'cognito',
      COGNITO_DOMAIN: 'phl.auth.eu-west-1.amazoncognito.com',
      COGNITO_CLIENT_ID: 'client',
      COGNITO_ISSUER: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_x',
    };
    expect(createConsoleDeps({ ...LISTENER, ...cognito }).auth.mode).toBe('cognito');
  });

  it('names each missing or wrong variable in words, never echoing its value', () => {
    expect(problem({ CONSOLE_AUTH: 'saml-secret' })).toBe(
      'invalid console configuration: CONSOLE_AUTH must be local or cognito',
    );
    expect(
      problem({ CONSOLE_AUTH: 'cognito', COGNITO_CLIENT_ID: 'c', COGNITO_ISSUER: 'http://x-secret' }),
    ).toBe(
      'invalid console configuration: COGNITO_DOMAIN is required: the user pool’s managed login domain; ' +
        'COGNITO_ISSUER must be the user pool’s issuer URL',
    );
  });
});

describe('the console keys', () => {
  it('deployed: the cookie key from its secret, acknowledge links with the table key', () => {
    const deps = createConsoleDeps({ ...LISTENER, CONSOLE_KEY_SECRET_ARN: 'arn:aws:secretsmanager:x' });
    expect(deps.keys).toBeInstanceOf(SecretConsoleKeys);
    expect(deps.linkKeys).toBeInstanceOf(DynamoConsoleKeys);
  });

  it('local mode: one key, in the table', () => {
    const deps = createConsoleDeps(LISTENER);
    expect(deps.keys).toBeInstanceOf(DynamoConsoleKeys);
    expect(deps.linkKeys).toBeUndefined();
  });
});
