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

/** The extension's default port (AWS sets PARAMETERS_SECRETS_EXTENSION_HTTP_PORT when it is changed). */
const DEFAULT_PORT = '2773';
/** Per attempt: the extension answers from its cache, or after one Secrets Manager call. */
const ATTEMPT_TIMEOUT_MS = 2_000;
const ATTEMPTS = 2;

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
    const port = this.env.PARAMETERS_SECRETS_EXTENSION_HTTP_PORT || DEFAULT_PORT;
    const url = `http://localhost:${port}/secretsmanager/get?secretId=${encodeURIComponent(this.secretArn)}`;
    let failure = 'no attempt';
    for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
      try {
        const answer = await this.fetchFn(url, {
          // The extension only answers callers holding the function's session token.
          headers: { 'X-Aws-Parameters-Secrets-Token': this.env.AWS_SESSION_TOKEN ?? '' },
          signal: AbortSignal.timeout(ATTEMPT_TIMEOUT_MS),
        });
        if (answer.ok) {
          const { SecretString } = (await answer.json()) as { SecretString?: unknown };
          if (typeof SecretString === 'string' && SecretString.length >= 32) {
            return Buffer.from(SecretString, 'utf8');
          }
          failure = 'the secret has no usable value';
          break; // a bad value does not improve with a retry
        }
        failure = `the extension answered ${answer.status}`;
        if (answer.status < 500) break;
      } catch (error) {
        failure = (error as Error).name;
      }
    }
    // Never the value, never the ARN's content beyond what the operator configured.
    throw new StoreUnavailableError(`the console key could not be read (${failure})`);
  }
}
