/**
 * Logger tokens: `phl.<customer>.<side>.<secret>`. The Logger id travels in the token so that a heartbeat
 * is authenticated by the same single conditional write that records it; the secret (32 random bytes) is
 * what proves it. Only a SHA-256 hash of the whole token is stored; the token is shown once.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { UnknownBridgeError, UnknownLoggerError } from './errors.js';
import { customerSchema, type LoggerId, sideSchema } from './logger.js';

const PREFIX = 'phl';

/** A new token for a Logger (or any registered identity with a customer and side). */
export function generateToken(id: LoggerId): string {
  return `${PREFIX}.${id.customer}.${id.side}.${randomBytes(32).toString('base64url')}`;
}

/** The Logger a token claims to be; throws {@link UnknownLoggerError} for anything not shaped like a token. */
export function loggerIdOfToken(token: string): LoggerId {
  const [prefix, customer, side, secret, ...rest] = token.split('.');
  const c = customerSchema.safeParse(customer);
  const s = sideSchema.safeParse(side);
  if (prefix !== PREFIX || rest.length > 0 || !c.success || !s.success || !secret || secret.length < 43) {
    throw new UnknownLoggerError();
  }
  return { customer: c.data, side: s.data };
}

/** SHA-256 (hex) of a token: the only form in which tokens are stored. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** What an unknown id's token is compared with: the unknown path does the same work as a wrong token. */
const NO_SUCH_HASH = hashToken('');

/**
 * Whether `hash` (of the token presented) is the stored one. The comparison runs whether or not anything is
 * stored (against a hash no token has, when nothing is), so a wrong token for a registered id and any
 * token for an unregistered one cost the same: timing does not tell which ids exist.
 */
export function provesStored(stored: { readonly tokenHash: string } | undefined, hash: string): boolean {
  const same = sameHash(stored?.tokenHash ?? NO_SUCH_HASH, hash);
  return same && stored !== undefined;
}

/** Compares two token hashes in constant time. */
export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

const BRIDGE_PREFIX = 'phb';

/** A dial-in bridge's relay token: `phb.<site>.<secret>`. */
export function generateBridgeToken(site: string): string {
  return `${BRIDGE_PREFIX}.${site}.${randomBytes(32).toString('base64url')}`;
}

/** The site a bridge token claims; throws {@link UnknownBridgeError} for anything not shaped like one. */
export function siteOfBridgeToken(token: string): string {
  const [prefix, site, secret, ...rest] = token.split('.');
  const parsed = customerSchema.safeParse(site);
  if (prefix !== BRIDGE_PREFIX || rest.length > 0 || !parsed.success || !secret || secret.length < 43) {
    throw new UnknownBridgeError();
  }
  return parsed.data;
}
