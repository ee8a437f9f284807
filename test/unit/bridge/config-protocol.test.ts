import { describe, expect, it } from 'vitest';
import { parseBridgeConfig } from '../../../bridge/config.js';
import { relayRequestSchema } from '../../../shared/relay/protocol.js';

const minimal = {
  site: 'acme-dc1',
  apiUrl: 'https://api.example.com/',
  token: 'brg_0123456789abcdef',
  stateDir: '/var/lib/phone-home-bridge',
  ports: [{ path: '/dev/ttyS0' }],
};

describe('bridge configuration', () => {
  it('fills defaults and converts durations to milliseconds', () => {
    const config = parseBridgeConfig(minimal);
    expect(config.apiUrl).toBe('https://api.example.com');
    expect(config.ports[0]).toMatchObject({
      name: 'ttyS0',
      baudRate: 115200,
      modem: {
        init: ['ATZ', 'ATE0', 'ATV1', 'ATS0=0'],
        resetCommand: 'ATZ',
        connectTimeoutMs: 60_000,
        idleTimeoutMs: 120_000,
      },
    });
    expect(config.relay).toEqual({
      batchSize: 100,
      requestTimeoutMs: 30_000,
      backoffBaseMs: 5_000,
      backoffMaxMs: 900_000,
      everyMs: 30_000,
      failoverAfterFailures: 3,
      probePrimaryEveryMs: 60_000,
    });
    expect(config.backupApiUrl).toBeUndefined();
  });

  it('takes a pair’s backup Listener URL and its failover settings, and refuses the primary’s URL as backup', () => {
    const config = parseBridgeConfig({
      ...minimal,
      backupApiUrl: 'https://b.example.com/',
      relay: { failoverAfter: 5, probePrimaryEvery: '30s' },
    });
    expect(config.backupApiUrl).toBe('https://b.example.com');
    expect(config.relay).toMatchObject({ failoverAfterFailures: 5, probePrimaryEveryMs: 30_000 });
    expect(() => parseBridgeConfig({ ...minimal, backupApiUrl: 'https://api.example.com' })).toThrow(
      /backupApiUrl: is the same as apiUrl/,
    );
    expect(() => parseBridgeConfig({ ...minimal, backupApiUrl: 'ftp://b' })).toThrow(/backupApiUrl: /);
  });

  it('derives the self-heartbeat interval from "every"', () => {
    const config = parseBridgeConfig({
      ...minimal,
      selfHeartbeat: { every: '10m', token: 'phl_0123456789abcdef' },
    });
    expect(config.selfHeartbeat).toEqual({
      everyMs: 600_000,
      token: 'phl_0123456789abcdef',
      intervalMinutes: 10,
    });
  });

  it('names the field of every error', () => {
    expect(() =>
      parseBridgeConfig({ ...minimal, ports: [{ path: '/dev/ttyS0', connectTimeout: '5x' }] }),
    ).toThrow(/ports\.0\.connectTimeout: "5x" is not a duration/);
    expect(() => parseBridgeConfig({ ...minimal, site: 'ACME' })).toThrow(/site: /);
    expect(() => parseBridgeConfig({ ...minimal, token: undefined })).toThrow(/token: is required/);
    expect(() => parseBridgeConfig({ ...minimal, ports: [{ path: '/dev/ttyS0', init: ['ZAP'] }] })).toThrow(
      /ports\.0\.init\.0/,
    );
    expect(() => parseBridgeConfig({ ...minimal, relay: { batchSize: 500 } })).toThrow(/relay\.batchSize/);
    expect(() => parseBridgeConfig({ ...minimal, prots: [] })).toThrow(/unknown field\(s\) "prots"/);
    expect(() => parseBridgeConfig({ ...minimal, ports: [] })).toThrow(
      /at least one port or an importDirectory/,
    );
  });

  it('never puts a token in an error message', () => {
    expect(() => parseBridgeConfig({ ...minimal, token: 'S3CRET' })).toThrow(/^(?!.*S3CRET).*token: /);
    expect(() => parseBridgeConfig({ ...minimal, token: 1234567890123 })).toThrow(/^(?!.*1234567890123)/);
  });
});

describe('relay contract', () => {
  const hb = { id: 'hb-1', type: 'heartbeat', customer: 'geocust1', side: 'A', at: '2026-11-04T10:15:00Z' };

  it('accepts 1–100 records and refuses an empty or oversize batch', () => {
    expect(relayRequestSchema.safeParse({ records: [hb] }).success).toBe(true);
    expect(relayRequestSchema.safeParse({ records: [] }).success).toBe(false);
    expect(relayRequestSchema.safeParse({ records: Array(101).fill(hb) }).success).toBe(false);
  });

  it('requires severity and message on events', () => {
    const ev = { ...hb, type: 'event', severity: 'error', message: 'Router A is down' };
    expect(relayRequestSchema.safeParse({ records: [ev] }).success).toBe(true);
    expect(relayRequestSchema.safeParse({ records: [{ ...ev, severity: undefined }] }).success).toBe(false);
    expect(relayRequestSchema.safeParse({ records: [{ ...ev, message: undefined }] }).success).toBe(false);
    expect(relayRequestSchema.safeParse({ records: [{ ...ev, message: 'x'.repeat(2049) }] }).success).toBe(
      false,
    );
  });

  it('refuses bad ids, customers, sides and times', () => {
    for (const bad of [{ id: 'has space' }, { customer: 'Geo' }, { side: 'C' }, { at: '2026-11-04 10:15' }]) {
      expect(relayRequestSchema.safeParse({ records: [{ ...hb, ...bad }] }).success).toBe(false);
    }
  });
});
