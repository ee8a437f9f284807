import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UnknownLoggerError } from '../../../../shared/domain/errors.js';
import { generateToken, hashToken, loggerIdOfToken, sameHash } from '../../../../shared/domain/token.js';
import { GEOCUST1_A } from '../../fixtures.js';

const SECRET = 'A'.repeat(43);

describe('generateToken', () => {
  it('embeds the Logger id and at least 32 random bytes', () => {
    const token = generateToken(GEOCUST1_A);
    const match = /^phl\.geocust1\.A\.([A-Za-z0-9_-]+)$/.exec(token);
    expect(match).not.toBeNull();
    expect(Buffer.from(match?.[1] ?? '', 'base64url').length).toBeGreaterThanOrEqual(32);
  });

  it('never gives the same token twice', () => {
    const tokens = new Set(Array.from({ length: 200 }, () => generateToken(GEOCUST1_A)));
    expect(tokens.size).toBe(200);
  });
});

describe('loggerIdOfToken', () => {
  it('reads back the Logger id of any generated token', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,62}$/),
        fc.constantFrom('A' as const, 'B' as const),
        (customer, side) => {
          expect(loggerIdOfToken(generateToken({ customer, side }))).toEqual({ customer, side });
        },
      ),
      { numRuns: 200 },
    );
  });

  it.each([
    ['an empty string', ''],
    ['just the prefix', 'phl'],
    ['a foreign prefix', `xyz.geocust1.A.${SECRET}`],
    ['a JWT', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlc2lnbmF0dXJlc2lnbmF0dXJlc2ln'],
    ['an upper-case customer', `phl.GEOCUST1.A.${SECRET}`],
    ['side C', `phl.geocust1.C.${SECRET}`],
    ['a lower-case side', `phl.geocust1.a.${SECRET}`],
    ['no secret', 'phl.geocust1.A'],
    ['an empty secret', 'phl.geocust1.A.'],
    ['a short secret', `phl.geocust1.A.${'A'.repeat(42)}`],
    ['an extra segment', `phl.geocust1.A.${SECRET}.x`],
    ['a Bearer header', `Bearer phl.geocust1.A.${SECRET}`],
  ])('rejects %s as an unknown Logger', (_what, token) => {
    expect(() => loggerIdOfToken(token)).toThrow(UnknownLoggerError);
  });

  it('accepts a well-shaped token it did not generate (the hash check is the proof, not the shape)', () => {
    expect(loggerIdOfToken(`phl.geocust1.B.${SECRET}`)).toEqual({ customer: 'geocust1', side: 'B' });
  });
});

describe('hashToken', () => {
  it('is the SHA-256 hex of the token', () => {
    expect(hashToken('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    const token = generateToken(GEOCUST1_A);
    expect(hashToken(token)).toBe(createHash('sha256').update(token).digest('hex'));
  });

  it('is 64 hex characters and never the token itself', () => {
    const token = generateToken(GEOCUST1_A);
    const hash = hashToken(token);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hash).not.toBe(token);
    expect(hash).not.toContain(token.split('.')[3]);
  });

  it('differs for different tokens', () => {
    expect(hashToken(generateToken(GEOCUST1_A))).not.toBe(hashToken(generateToken(GEOCUST1_A)));
  });
});

describe('sameHash', () => {
  it('is true only for equal hashes', () => {
    const token = generateToken(GEOCUST1_A);
    expect(sameHash(hashToken(token), hashToken(token))).toBe(true);
    expect(sameHash(hashToken(token), hashToken(`${token}x`))).toBe(false);
  });

  it('is false (and does not throw) for hashes of different lengths', () => {
    expect(sameHash(hashToken('a'), hashToken('a').slice(0, 63))).toBe(false);
    expect(sameHash('', hashToken('a'))).toBe(false);
  });
});
