/**
 * Lambda bundles only (esbuild alias of `@aws-sdk/credential-provider-node`, see infra/constructs/functions.ts):
 * the credential chain reduced to what Lambda provides, the execution role's keys in the environment. The
 * SSO, ini-file, process, web-identity and instance-metadata providers of the default chain (and the STS
 * and SSO clients they carry) never serve a Lambda, yet cost every cold start their size.
 */
/** What the SDK expects of a credential provider. */
interface Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

/** Same signature as the SDK's `defaultProvider`: a provider of the environment's credentials. */
export function defaultProvider(_init?: unknown): () => Promise<Credentials> {
  return async () => {
    const { AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN } = process.env;
    if (!AWS_ACCESS_KEY_ID || !AWS_SECRET_ACCESS_KEY) {
      throw Object.assign(
        new Error(
          'AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set: Lambda sets them from the execution role',
        ),
        { name: 'CredentialsProviderError' },
      );
    }
    return {
      accessKeyId: AWS_ACCESS_KEY_ID,
      secretAccessKey: AWS_SECRET_ACCESS_KEY,
      ...(AWS_SESSION_TOKEN ? { sessionToken: AWS_SESSION_TOKEN } : {}),
    };
  };
}
