/**
 * The console's cookie-signing key (sessions, CSRF, sign-in links) as deployed: a Secrets Manager secret
 * the stack generates (infra/constructs/console.ts), readable by the console function only. Read through
 * AWS's Parameters and Secrets Lambda extension (a layer on the console function, listening on
 * localhost:2773): it calls `secretsmanager:GetSecretValue` with the function's role and caches the value,
 * so the bundle needs no Secrets Manager client and a warm container makes no call at all.
 *
 * Local mode keeps the key in the table (dynamo-console-items.ts): there is no extension there.
 */
import { StoreUnavailableError } from '../../domain/errors.js';
import type { ConsoleKeys } from '../../ports/console-keys.js';
import { readSecret, SecretUnreadable } from './extension.js';

/** An HMAC key shorter than this is not worth signing with. */
const MIN_KEY_LENGTH = 32;

export class SecretConsoleKeys implements ConsoleKeys {
  private cached: Buffer | undefined;

  constructor(
    private readonly secretArn: string,
    private readonly env: Readonly<Record<string, string | undefined>> = process.env,
    private readonly fetchFn: typeof fetch = fetch,
  ) {}

  /** The key; `create` is ignored: the stack created the secret with a generated value. */
  async key(_create: boolean): Promise<Buffer | undefined> {
    this.cached ??= await this.read();
    return this.cached;
  }

  private async read(): Promise<Buffer> {
    let failure: string;
    try {
      const value = await readSecret({ secret: this.secretArn }, { env: this.env, fetchFn: this.fetchFn });
      if (value.length >= MIN_KEY_LENGTH) return Buffer.from(value, 'utf8');
      failure = 'the secret has no usable value';
    } catch (error) {
      if (!(error instanceof SecretUnreadable)) throw error;
      failure = error.reason;
    }
    // Never the value, never the ARN's content beyond what the operator configured.
    throw new StoreUnavailableError(`the console key could not be read (${failure})`);
  }
}
