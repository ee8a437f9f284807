/**
 * Cognito managed login for the console in AWS: the authorize URL (code flow with PKCE) and the code
 * exchange, whose ID token is verified here (RS256 against the pool's published keys, issuer, audience,
 * token use, expiry) before anyone is signed in. Every call has a timeout.
 */
import { createPublicKey, createVerify, type JsonWebKey } from 'node:crypto';
import type { CognitoSignIn } from '../deps.js';

export interface CognitoSettings {
  /** The managed login domain, e.g. `listener-prod-123456789012.auth.eu-west-1.amazoncognito.com`. */
  readonly domain: string;
  readonly clientId: string;
  /** `https://cognito-idp.<region>.amazonaws.com/<pool id>` */
  readonly issuer: string;
}

const TIMEOUT_MS = 5_000;

export function cognitoSignIn(settings: CognitoSettings, now: () => number = Date.now): CognitoSignIn {
  let keys: Map<string, JsonWebKey> | undefined;
  const jwks = async (): Promise<Map<string, JsonWebKey>> => {
    if (keys) return keys;
    const res = await fetch(`${settings.issuer}/.well-known/jwks.json`, {
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    if (!res.ok) throw new Error(`the user pool's keys could not be read (${res.status})`);
    const body = (await res.json()) as { keys: (JsonWebKey & { kid: string })[] };
    keys = new Map(body.keys.map((k) => [k.kid, k]));
    return keys;
  };
  return {
    authorizeUrl(redirectUri, state, codeChallenge) {
      const q = new URLSearchParams({
        response_type: 'code',
        client_id: settings.clientId,
        redirect_uri: redirectUri,
        scope: 'openid email',
        state,
        code_challenge: codeChallenge,
        code_challenge_method: 'S256',
      });
      return `https://${settings.domain}/oauth2/authorize?${q}`;
    },
    async userFromCode(code, redirectUri, codeVerifier) {
      const res = await fetch(`https://${settings.domain}/oauth2/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'authorization_code',
          client_id: settings.clientId,
          code,
          redirect_uri: redirectUri,
          code_verifier: codeVerifier,
        }),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      if (!res.ok) throw new Error(`the sign-in code was refused (${res.status})`);
      const { id_token: idToken } = (await res.json()) as { id_token?: string };
      const claims = verifyIdToken(idToken ?? '', await jwks(), settings, now());
      return String(claims.email ?? claims['cognito:username']);
    },
  };
}

/** The claims of a valid ID token of this pool and client; throws otherwise. */
export function verifyIdToken(
  token: string,
  keys: ReadonlyMap<string, JsonWebKey>,
  settings: Pick<CognitoSettings, 'clientId' | 'issuer'>,
  now: number,
): Record<string, unknown> {
  const [head, body, signature, ...rest] = token.split('.');
  if (!head || !body || !signature || rest.length > 0) throw new Error('not a JWT');
  const header = JSON.parse(Buffer.from(head, 'base64url').toString('utf8')) as {
    alg?: string;
    kid?: string;
  };
  const jwk = header.kid ? keys.get(header.kid) : undefined;
  if (header.alg !== 'RS256' || !jwk) throw new Error('unknown signing key');
  const verifier = createVerify('RSA-SHA256');
  verifier.update(`${head}.${body}`);
  if (!verifier.verify(createPublicKey({ key: jwk, format: 'jwk' }), Buffer.from(signature, 'base64url'))) {
    throw new Error('bad signature');
  }
  const claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Record<string, unknown>;
  const valid =
    claims.iss === settings.issuer &&
    claims.aud === settings.clientId &&
    claims.token_use === 'id' &&
    typeof claims.exp === 'number' &&
    claims.exp * 1000 > now;
  if (!valid) throw new Error('the token is not for this console, or expired');
  return claims;
}
