/** Which bridge sites may relay for a modem Logger: the pure rules (shared/domain/bridge-binding.ts). */
import { describe, expect, it } from 'vitest';
import {
  isUnboundModem,
  MAX_BOUND_SITES,
  mayRelay,
  notBoundReason,
  parseSites,
} from '../../../../shared/domain/bridge-binding.js';
import { bridgeSitesOf, checkBridgeBinding } from '../../../../shared/domain/doctor.js';
import { ValidationError } from '../../../../shared/domain/errors.js';
import { aLogger } from '../../fixtures.js';

describe('parseSites (--bridge values)', () => {
  it('takes repeated flags and comma lists, in order, without repeats', () => {
    expect(parseSites(['acme-dc1,acme-dc2', 'acme-dc3', 'acme-dc1'])).toEqual([
      'acme-dc1',
      'acme-dc2',
      'acme-dc3',
    ]);
  });

  it('refuses a bad site, an empty list and too many sites, naming the rule', () => {
    expect(() => parseSites(['Acme DC'])).toThrow(ValidationError);
    expect(() => parseSites(['acme-dc1,'])).toThrow(/"" is not a site name/);
    expect(() => parseSites([`a${'b'.repeat(56)}`])).toThrow(/at most 56/);
    const many = Array.from({ length: MAX_BOUND_SITES + 1 }, (_, i) => `s${i}`);
    expect(() => parseSites(many)).toThrow(`at most ${MAX_BOUND_SITES} sites`);
  });
});

describe('mayRelay', () => {
  it('lets only the bound sites relay for a bound Logger', () => {
    const bound = aLogger({ transport: 'modem', bridges: ['site1', 'site2'] });
    expect(mayRelay(bound, 'site1')).toBe(true);
    expect(mayRelay(bound, 'site2')).toBe(true);
    expect(mayRelay(bound, 'site3')).toBe(false);
  });

  it('lets any bridge relay for a legacy Logger bound to none (until an operator binds it)', () => {
    const legacy = aLogger({ transport: 'modem' });
    expect(mayRelay(legacy, 'anywhere')).toBe(true);
    expect(isUnboundModem(legacy)).toBe(true);
    expect(isUnboundModem(aLogger({ transport: 'https' }))).toBe(false);
  });

  it('says why a record was refused: the Logger, the relaying site, the bound sites, and the fix', () => {
    const bound = aLogger({ customer: 'geocust3', side: 'A', transport: 'modem', bridges: ['site2'] });
    expect(notBoundReason(bound, 'site1')).toBe(
      'Logger geocust3/A is not bound to bridge site1 (bound to site2): bind it with listener logger bind geocust3/A --bridge <sites>',
    );
  });
});

describe('doctor rule bridge-binding', () => {
  const bridgeOf = (site: string) => aLogger({ customer: `bridge-${site}`, side: 'A' });
  const sites = bridgeSitesOf([bridgeOf('site1'), bridgeOf('site2'), aLogger()]);

  it('knows the registered sites from the bridges’ own Loggers', () => {
    expect([...sites]).toEqual(['site1', 'site2']);
  });

  it('passes a modem Logger bound to registered sites, and never looks at HTTPS or bridge Loggers', () => {
    expect(checkBridgeBinding(aLogger({ transport: 'modem', bridges: ['site1'] }), sites)).toEqual([]);
    expect(checkBridgeBinding(aLogger({ transport: 'https' }), sites)).toEqual([]);
    expect(checkBridgeBinding(bridgeOf('site1'), sites)).toEqual([]);
  });

  it('warns about a modem Logger bound to no site: any bridge may relay for it', () => {
    const [finding] = checkBridgeBinding(aLogger({ transport: 'modem' }), sites);
    expect(finding).toMatchObject({ rule: 'bridge-binding', severity: 'warning' });
    expect(finding?.remedy.join(' ')).toContain('listener logger bind geocust1/A --bridge');
  });

  it('fails a Logger bound only to sites with no bridge (refused from every bridge), warns when a backup is missing', () => {
    const [none] = checkBridgeBinding(aLogger({ transport: 'modem', bridges: ['gone'] }), sites);
    expect(none).toMatchObject({
      severity: 'error',
      message: expect.stringContaining('refused from every bridge'),
    });
    const [some] = checkBridgeBinding(aLogger({ transport: 'modem', bridges: ['site1', 'gone'] }), sites);
    expect(some).toMatchObject({ severity: 'warning' });
  });
});
