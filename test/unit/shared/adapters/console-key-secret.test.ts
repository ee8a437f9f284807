/**
 * The console's cookie-signing key as deployed: read once per container from its secret through AWS's
 * Parameters and Secrets extension, with the function's session token, a timeout and one retry; a failure
 * is "the store is unavailable" (the console answers 503), never the value or a stack trace.
 */
import { describe, expect, it } from 'vitest';
import { SecretConsoleKeys } from '../../../../shared/adapters/secrets/console-key-secret.js';
import { StoreUnavailableError } from '../../../../shared/domain/errors.js';

const ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:ConsoleCookieKey-AbCdEf';
const VALUE = 'x'.repeat(64);
const ENV = { AWS_SESSION_TOKEN: 'session', PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: '2999' };

function fakeFetch(answers: (() => Response)[]) {
  const seen: { url: string; token: string | null; signal: boolean }[] = [];
  const fn = (async (url: string, init?: RequestInit) => {
    seen.push({
      url,
      token: new Headers(init?.headers).get('x-aws-parameters-secrets-token'),
      signal: init?.signal instanceof AbortSignal,
    });
    const next = answers.shift();
    if (!next) throw new Error('no answer left');
    return next();
  }) as typeof fetch;
  return { fn, seen };
}

const ok = () => new Response(JSON.stringify({ SecretString: VALUE }), { status: 200 });

describe('the console key from its secret', () => {
  it('asks the extension on its port with the session token and a timeout, once per container', async () => {
    const { fn, seen } = fakeFetch([ok]);
    const keys = new SecretConsoleKeys(ARN, ENV, fn);
    expect(await keys.key(true)).toEqual(Buffer.from(VALUE));
    expect(await keys.key(false)).toEqual(Buffer.from(VALUE));
    expect(seen).toEqual([
      {
        url: `http://localhost:2999/secretsmanager/get?secretId=${encodeURIComponent(ARN)}`,
        token: 'session',
        signal: true,
      },
    ]);
  });

  it('retries once after a failure of the extension, then gives up as unavailable', async () => {
    const refused = () => {
      throw Object.assign(new Error('connect ECONNREFUSED'), { name: 'TypeError' });
    };
    expect(await new SecretConsoleKeys(ARN, ENV, fakeFetch([refused, ok]).fn).key(true)).toEqual(
      Buffer.from(VALUE),
    );
    const { fn, seen } = fakeFetch([refused, () => new Response('', { status: 502 }), ok]);
    await expect(new SecretConsoleKeys(ARN, ENV, fn).key(true)).rejects.toThrow(StoreUnavailableError);
    expect(seen).toHaveLength(2);
  });

  it('does not retry a refusal or a value too short to sign with, and never says the value', async () => {
    const denied = fakeFetch([() => new Response('AccessDenied', { status: 400 }), ok]);
    await expect(new SecretConsoleKeys(ARN, ENV, denied.fn).key(true)).rejects.toThrow(
      'the console key could not be read (the extension answered 400)',
    );
    expect(denied.seen).toHaveLength(1);
    const short = () => new Response(JSON.stringify({ SecretString: 'short-secret' }), { status: 200 });
    const error = await new SecretConsoleKeys(ARN, ENV, fakeFetch([short]).fn).key(true).catch((e) => e);
    expect(String(error.message)).toBe('the console key could not be read (the secret has no usable value)');
  });
});
