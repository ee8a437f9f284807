/**
 * The bridge's configuration file (JSON), validated with zod. Every error names the field
 * (`ports.0.connectTimeout: "5x" is not a duration …`); unknown fields are errors, so typos do not pass
 * silently. Durations are strings as `parseDuration` reads them: `45s`, `780m`, `13h`, `2d`.
 */
import { readFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { z } from 'zod';
import { durationSchema } from '../shared/duration-schema.js';
import type { ModemSettings } from './modem/machine.js';
import { DEFAULT_FAILOVER } from './relay/failover.js';

const duration = durationSchema;

const token = z
  .string({ error: 'is required: the token printed by "listener bridge add" (or at Logger registration)' })
  .min(16, 'looks too short to be a token');

const atCommand = z
  .string()
  .regex(/^AT[\x20-\x7e]{0,60}$/i, 'is an AT command: "AT" followed by at most 60 printable characters');

export const portSchema = z.strictObject({
  /** `/dev/ttyS0`, `/dev/ttyUSB0`, `COM3`. */
  path: z.string().min(1, 'is the serial device, e.g. /dev/ttyS0 or COM3'),
  /** Shown in logs and status; defaults to the device's base name. */
  name: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,32}$/, 'is 1–32 letters, digits, ".", "_" or "-"')
    .optional(),
  baudRate: z.number().int().positive().default(115200),
  init: z.array(atCommand).max(16).default(['ATZ', 'ATE0', 'ATV1', 'ATS0=0']),
  resetCommand: atCommand.default('ATZ'),
  answerAfterRings: z.number().int().min(1).max(10).default(1),
  connectTimeout: duration('60s'),
  idleTimeout: duration('2m'),
  probeEvery: duration('5m'),
  commandTimeout: duration('5s'),
  guardTime: duration('1s'),
  resetRetry: duration('1m'),
  /** Poll the DCD line while online (turned off by itself on devices that cannot report it). */
  watchDcd: z.boolean().default(true),
  /** Wait this long before reopening a port that failed or closed. */
  reopenAfter: duration('30s'),
});

export const bridgeConfigSchema = z.strictObject({
  /** Site name: the bridge's own Logger is `bridge-<site>/A`. */
  site: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,55}$/, 'is 1–56 lower-case letters, digits or "-", e.g. acme-dc1'),
  apiUrl: z
    .url({
      protocol: /^https?$/,
      error: 'is the Listener API base URL, e.g. https://xyz.execute-api.eu-west-1.amazonaws.com',
    })
    .transform((url) => url.replace(/\/+$/, '')),
  /**
   * A pair's other Listener (issue 13): relayed to while `apiUrl` (the primary) does not answer. Like the
   * note's backup Phone Home number; absent = one Listener, as before.
   */
  backupApiUrl: z
    .url({
      protocol: /^https?$/,
      error: "is the backup Listener's API base URL (the other Listener of the pair)",
    })
    .transform((url) => url.replace(/\/+$/, ''))
    .optional(),
  /** Bridge token for `POST /v1/relay`. */
  token,
  /** Spool, dead-letter and status.json live here. */
  stateDir: z.string().min(1, 'is the directory for the spool, dead-letter and status files'),
  ports: z.array(portSchema).default([]),
  importDirectory: z
    .strictObject({
      path: z.string().min(1),
      pollEvery: duration('5s'),
    })
    .optional(),
  relay: z
    .strictObject({
      batchSize: z.number().int().min(1).max(100).default(100),
      requestTimeout: duration('30s'),
      backoffBase: duration('5s'),
      backoffMax: duration('15m'),
      /** Also look at the spool this often, even without new records. */
      every: duration('30s'),
      /** With a backupApiUrl: failed attempts in a row (no answer, timeout, 5xx) before relaying to it. */
      failoverAfter: z.number().int().min(1).max(20).default(DEFAULT_FAILOVER.failoverAfterFailures),
      /** While on the backup: ask the primary this often whether it answers again. */
      probePrimaryEvery: duration('1m'),
    })
    .prefault({}),
  selfHeartbeat: z
    .strictObject({
      every: duration('10m'),
      /** Token of the Logger `bridge-<site>/A`. */
      token,
      /** Reported to the Listener; defaults to `every` in minutes (at least 1). */
      intervalMinutes: z.number().int().min(1).optional(),
    })
    .optional(),
  statusEvery: duration('1m'),
  logLevel: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
});

export type BridgeConfigInput = z.input<typeof bridgeConfigSchema>;
type Parsed = z.output<typeof bridgeConfigSchema>;

export interface PortConfig {
  readonly name: string;
  readonly path: string;
  readonly baudRate: number;
  readonly watchDcd: boolean;
  readonly reopenAfterMs: number;
  readonly modem: ModemSettings;
}

export interface BridgeConfig {
  readonly site: string;
  /** The (primary) Listener's API base URL. */
  readonly apiUrl: string;
  /** The backup Listener of a pair; absent = one Listener. */
  readonly backupApiUrl?: string;
  readonly token: string;
  readonly stateDir: string;
  readonly ports: readonly PortConfig[];
  readonly importDirectory?: { readonly path: string; readonly pollEveryMs: number };
  readonly relay: {
    readonly batchSize: number;
    readonly requestTimeoutMs: number;
    readonly backoffBaseMs: number;
    readonly backoffMaxMs: number;
    readonly everyMs: number;
    readonly failoverAfterFailures: number;
    readonly probePrimaryEveryMs: number;
  };
  readonly selfHeartbeat?: {
    readonly everyMs: number;
    readonly token: string;
    readonly intervalMinutes: number;
  };
  readonly statusEveryMs: number;
  readonly logLevel: 'debug' | 'info' | 'warn' | 'error';
}

export class BridgeConfigError extends Error {
  override readonly name = 'BridgeConfigError';
}

function toConfig(p: Parsed, baseDir: string): BridgeConfig {
  const ports = p.ports.map(
    (port): PortConfig => ({
      name: port.name ?? basename(port.path),
      path: port.path,
      baudRate: port.baudRate,
      watchDcd: port.watchDcd,
      reopenAfterMs: port.reopenAfter,
      modem: {
        init: port.init,
        resetCommand: port.resetCommand,
        answerAfterRings: port.answerAfterRings,
        connectTimeoutMs: port.connectTimeout,
        idleTimeoutMs: port.idleTimeout,
        probeEveryMs: port.probeEvery,
        commandTimeoutMs: port.commandTimeout,
        guardTimeMs: port.guardTime,
        resetRetryMs: port.resetRetry,
      },
    }),
  );
  return {
    site: p.site,
    apiUrl: p.apiUrl,
    ...(p.backupApiUrl ? { backupApiUrl: p.backupApiUrl } : {}),
    token: p.token,
    stateDir: resolve(baseDir, p.stateDir),
    ports,
    ...(p.importDirectory
      ? {
          importDirectory: {
            path: resolve(baseDir, p.importDirectory.path),
            pollEveryMs: p.importDirectory.pollEvery,
          },
        }
      : {}),
    relay: {
      batchSize: p.relay.batchSize,
      requestTimeoutMs: p.relay.requestTimeout,
      backoffBaseMs: p.relay.backoffBase,
      backoffMaxMs: p.relay.backoffMax,
      everyMs: p.relay.every,
      failoverAfterFailures: p.relay.failoverAfter,
      probePrimaryEveryMs: p.relay.probePrimaryEvery,
    },
    ...(p.selfHeartbeat
      ? {
          selfHeartbeat: {
            everyMs: p.selfHeartbeat.every,
            token: p.selfHeartbeat.token,
            intervalMinutes:
              p.selfHeartbeat.intervalMinutes ?? Math.max(1, Math.round(p.selfHeartbeat.every / 60_000)),
          },
        }
      : {}),
    statusEveryMs: p.statusEvery,
    logLevel: p.logLevel,
  };
}

/** Validates a parsed JSON value; relative paths resolve against `baseDir` (the config file's directory). */
export function parseBridgeConfig(input: unknown, baseDir = process.cwd()): BridgeConfig {
  const parsed = bridgeConfigSchema.safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const path = issue.path.join('.');
      if (issue.code === 'unrecognized_keys') {
        return `${path ? `${path}: ` : ''}unknown field(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
      }
      return `${path || '(root)'}: ${issue.message}`;
    });
    throw new BridgeConfigError(`invalid bridge configuration: ${problems.join('; ')}`);
  }
  const config = toConfig(parsed.data, baseDir);
  const names = new Set<string>();
  for (const [i, port] of config.ports.entries()) {
    if (names.has(port.name))
      throw new BridgeConfigError(
        `invalid bridge configuration: ports.${i}.name: "${port.name}" is used twice`,
      );
    names.add(port.name);
  }
  if (config.backupApiUrl === config.apiUrl) {
    throw new BridgeConfigError(
      'invalid bridge configuration: backupApiUrl: is the same as apiUrl; give the other Listener of the pair',
    );
  }
  if (config.ports.length === 0 && !config.importDirectory) {
    throw new BridgeConfigError(
      'invalid bridge configuration: ports: configure at least one port or an importDirectory',
    );
  }
  return config;
}

/** Fields the command line may set over the file's (`bridge run --api-url/--backup-api-url`). */
export interface BridgeConfigOverrides {
  readonly apiUrl?: string;
  readonly backupApiUrl?: string;
}

/** Reads and validates a config file, with `overrides` from the command line over its fields. */
export async function loadBridgeConfig(
  file: string,
  overrides: BridgeConfigOverrides = {},
): Promise<BridgeConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new BridgeConfigError(`cannot read bridge configuration ${file}: ${(error as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new BridgeConfigError(
      `bridge configuration ${file} is not valid JSON: ${(error as Error).message}`,
    );
  }
  const merged =
    typeof json === 'object' && json !== null && !Array.isArray(json)
      ? { ...json, ...Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined)) }
      : json;
  return parseBridgeConfig(merged, resolve(file, '..'));
}
