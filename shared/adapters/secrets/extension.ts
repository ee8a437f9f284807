/**
 * Reading a secret through AWS's Parameters and Secrets Lambda extension (a layer listening on
 * localhost:2773): it calls `secretsmanager:GetSecretValue` or `ssm:GetParameter` (decrypted) with the
 * function's role and caches the value, so the bundle needs no Secrets Manager or SSM client. Each attempt
 * has a timeout; a failure of the extension or of AWS (5xx, no answer) is retried once, a refusal (4xx: no
 * such secret, access denied) is not. Failures say what went wrong, never the value.
 */

/** Where a secret lives: a Secrets Manager secret (name or ARN) or an SSM SecureString parameter (name). */
export type SecretSource = { readonly secret: string } | { readonly parameter: string };

/** The extension's default port (AWS sets PARAMETERS_SECRETS_EXTENSION_HTTP_PORT when it is changed). */
const DEFAULT_PORT = '2773';
/** Per attempt: the extension answers from its cache, or after one call to AWS. */
const ATTEMPT_TIMEOUT_MS = 2_000;
const ATTEMPTS = 2;

/** A secret that could not be read; `reason` is safe to log (`the extension answered 400`). */
export class SecretUnreadable extends Error {
  override readonly name = 'SecretUnreadable';
  constructor(readonly reason: string) {
    super(`the secret could not be read (${reason})`);
  }
}

export interface ExtensionOptions {
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly fetchFn?: typeof fetch;
}

/** The secret's string value; throws {@link SecretUnreadable}. */
export async function readSecret(source: SecretSource, options: ExtensionOptions = {}): Promise<string> {
  const env = options.env ?? process.env;
  const fetchFn = options.fetchFn ?? fetch;
  const port = env.PARAMETERS_SECRETS_EXTENSION_HTTP_PORT || DEFAULT_PORT;
  const url =
    'secret' in source
      ? `http://localhost:${port}/secretsmanager/get?secretId=${encodeURIComponent(source.secret)}`
      : `http://localhost:${port}/systemsmanager/parameters/get?name=${encodeURIComponent(source.parameter)}&withDecryption=true`;
  let failure = 'no attempt';
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    try {
      const answer = await fetchFn(url, {
        // The extension only answers callers holding the function's session token.
        headers: { 'X-Aws-Parameters-Secrets-Token': env.AWS_SESSION_TOKEN ?? '' },
        signal: AbortSignal.timeout(ATTEMPT_TIMEOUT_MS),
      });
      if (answer.ok) {
        const value = secretValueOf(await answer.json().catch(() => undefined));
        if (value !== undefined) return value;
        failure = 'the secret has no usable value';
        break; // a bad value does not improve with a retry
      }
      failure = `the extension answered ${answer.status}`;
      if (answer.status < 500) break;
    } catch (error) {
      failure = (error as Error).name;
    }
  }
  throw new SecretUnreadable(failure);
}

/** `SecretString` of a secret, `Parameter.Value` of a parameter; undefined when empty or absent. */
function secretValueOf(body: unknown): string | undefined {
  const b = body as { SecretString?: unknown; Parameter?: { Value?: unknown } } | undefined;
  const value = b?.SecretString ?? b?.Parameter?.Value;
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}
