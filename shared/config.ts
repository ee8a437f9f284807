/**
 * The Listener's configuration, read once at cold start from the environment and validated; a bad or
 * missing value fails naming the variable.
 */
import * as z from 'zod/mini';
import { type StageChannel, stageChannelsSchema } from './adapters/channels/stage/stage-channels.js';
import { parseDuration } from './domain/duration.js';
import { DEFAULT_MASS_SILENCE, type MassSilenceSettings } from './domain/guards/mass-silence.js';
import { durationSchema as duration } from './duration-schema.js';

// zod/mini (see shared/strict-schema.ts): every schema and check says in words what is wrong.
const arn = (what: string) => z.optional(z.string({ error: what }).check(z.startsWith('arn:', what)));
const text = (what: string) => z.optional(z.string({ error: what }).check(z.minLength(1, what)));
const wholeLoggers = 'must be a whole number of Loggers, e.g. 20';
const fraction = 'must be a fraction of the fleet, e.g. 0.2';

const LISTENER_NAME_RULE = /^[A-Za-z0-9][A-Za-z0-9-]{0,31}$/;

const envSchema = z
  .object({
    LISTENER_NAME: z
      .string({ error: 'is required: the name alarms give this Listener, e.g. GEOCSCLNRA' })
      .check(z.regex(LISTENER_NAME_RULE, 'must be 1–32 letters, digits or "-", e.g. GEOCSCLNRA')),
    /** The other Listener of a pair, whose sweeper this one watches (LISTENER_SILENT); absent = none. */
    TWIN_LISTENER_NAME: z.optional(
      z
        .string({ error: "must be the twin Listener's name, e.g. GEOCSCLNRB" })
        .check(
          z.regex(
            LISTENER_NAME_RULE,
            'must be the twin Listener\'s name: 1–32 letters, digits or "-", e.g. GEOCSCLNRB',
          ),
        ),
    ),
    /** How often the sweeper is scheduled (the stage's sweepRate; local mode's --sweep-every). */
    SWEEP_EVERY: duration('1m'),
    TABLE_NAME: z
      .string({ error: 'is required: the DynamoDB table name' })
      .check(z.minLength(3, 'must be at least 3 characters')),
    ALARM_TOPIC_ARN: arn('must be an SNS topic ARN'),
    /** Ops hear about the Listener's own side here (MASS_SILENCE), never on the reps' alarm topic. */
    OPS_TOPIC_ARN: arn('must be an SNS topic ARN'),
    MASS_SILENCE_MIN_LOGGERS: z._default(
      z.coerce
        .number({ error: wholeLoggers })
        .check(z.int({ error: wholeLoggers }), z.gte(1, 'must be at least 1')),
      DEFAULT_MASS_SILENCE.minLoggers,
    ),
    MASS_SILENCE_FRACTION: z._default(
      z.coerce
        .number({ error: fraction })
        .check(z.gt(0, 'must be above 0, e.g. 0.2'), z.lte(1, 'must be at most 1')),
      DEFAULT_MASS_SILENCE.fraction,
    ),
    MASS_SILENCE_WINDOW: duration('10m'),
    MASS_SILENCE_HOLD: duration('15m'),
    EVENT_BUS_NAME: text('must be the EventBridge bus name'),
    NOTIFICATIONS_FILE: text('must be a file path'),
    /** Local mode: the channels file (`listener local --channels`, docs/channels.md). */
    CHANNELS_FILE: text('must be a file path'),
    /**
     * A stage's channels (infra/constructs/channels.ts): JSON, secrets by reference only, read by the
     * delivering functions through the Parameters and Secrets extension (docs/channels.md#on-a-stage).
     */
    CHANNELS: z.optional(
      z.pipe(
        z.pipe(
          z.string({ error: "must be the stage's channels as JSON" }),
          z.transform((text: string, ctx) => {
            try {
              return JSON.parse(text) as unknown;
            } catch {
              ctx.issues.push({ code: 'custom', message: "must be the stage's channels as JSON", input: '' });
              return z.NEVER;
            }
          }),
        ),
        stageChannelsSchema,
      ),
    ),
    /** The web console's base URL: email notifications link to it (absent: no links). */
    CONSOLE_URL: z.optional(z.url({ error: 'must be the console URL, e.g. https://…/console' })),
    DEFAULT_EVENT_TIMEOUT: duration('780m'),
    DEFAULT_HEARTBEAT_INTERVAL: duration('720m'),
    EVENT_RETENTION: duration('30d'),
    OUTBOX_RETRY: duration('30s'),
    /** Reminders while DOWN and unacknowledged: a duration, or `off` / empty (the default). */
    RENOTIFY_EVERY: z.pipe(
      z.optional(z.string({ error: 'must be off or a duration, e.g. 4h' })),
      z.transform((value: string | undefined, ctx) => {
        if (value === undefined || value === '' || value === 'off') return undefined;
        try {
          return parseDuration(value);
        } catch {
          ctx.issues.push({ code: 'custom', message: 'must be off or a duration, e.g. 4h', input: value });
          return z.NEVER;
        }
      }),
    ),
  })
  .check(
    z.refine((env) => env.TWIN_LISTENER_NAME === undefined || env.TWIN_LISTENER_NAME !== env.LISTENER_NAME, {
      path: ['TWIN_LISTENER_NAME'],
      message: 'must name the other Listener of the pair, not this one (LISTENER_NAME)',
    }),
  );

/** Validated configuration. Durations are milliseconds. */
export interface ListenerConfig {
  readonly listenerName: string;
  /** The other Listener of a pair (watched by this one's sweeper); absent = none configured. */
  readonly twinListenerName?: string;
  /** How often the sweeper runs: the twin-watch's two-period rule needs it. */
  readonly sweepEveryMs: number;
  readonly tableName: string;
  /** SNS topic for pages; absent = no SNS (local mode writes notifications to a file instead). */
  readonly alarmTopicArn?: string;
  /** SNS topic for ops (MASS_SILENCE); absent = none. */
  readonly opsTopicArn?: string;
  /** The mass-silence guard (docs/mass-silence.md). */
  readonly massSilence: MassSilenceSettings;
  /** EventBridge bus for domain events; absent = none. */
  readonly eventBusName?: string;
  /** Local mode: append every notification as a JSON line here. */
  readonly notificationsFile?: string;
  /** Local mode: PagerDuty, Opsgenie, Slack, Teams, webhook and Alertmanager channels (docs/channels.md). */
  readonly channelsFile?: string;
  /** A deployed stage's PagerDuty, Opsgenie, Slack, Teams, webhook and Alertmanager channels, secrets by reference. */
  readonly stageChannels?: readonly StageChannel[];
  /** The web console's base URL, for links in email notifications. */
  readonly consoleUrl?: string;
  readonly defaultEventTimeoutMs: number;
  readonly defaultHeartbeatIntervalMs: number;
  readonly eventRetentionMs: number;
  readonly outboxRetryMs: number;
  /** Reminders while DOWN and unacknowledged; absent = off. */
  readonly renotifyEveryMs?: number;
}

/** Thrown for invalid configuration; the message names every bad variable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Reads and validates the configuration from `env`. */
export function loadConfig(env: Record<string, string | undefined> = process.env): ListenerConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`);
    throw new ConfigError(`invalid Listener configuration: ${problems.join('; ')}`);
  }
  const e = parsed.data;
  return {
    listenerName: e.LISTENER_NAME,
    ...(e.TWIN_LISTENER_NAME ? { twinListenerName: e.TWIN_LISTENER_NAME } : {}),
    sweepEveryMs: e.SWEEP_EVERY,
    tableName: e.TABLE_NAME,
    ...(e.ALARM_TOPIC_ARN ? { alarmTopicArn: e.ALARM_TOPIC_ARN } : {}),
    ...(e.OPS_TOPIC_ARN ? { opsTopicArn: e.OPS_TOPIC_ARN } : {}),
    massSilence: {
      minLoggers: e.MASS_SILENCE_MIN_LOGGERS,
      fraction: e.MASS_SILENCE_FRACTION,
      windowMs: e.MASS_SILENCE_WINDOW,
      holdMs: e.MASS_SILENCE_HOLD,
    },
    ...(e.EVENT_BUS_NAME ? { eventBusName: e.EVENT_BUS_NAME } : {}),
    ...(e.NOTIFICATIONS_FILE ? { notificationsFile: e.NOTIFICATIONS_FILE } : {}),
    ...(e.CHANNELS_FILE ? { channelsFile: e.CHANNELS_FILE } : {}),
    ...(e.CHANNELS?.length ? { stageChannels: e.CHANNELS } : {}),
    ...(e.CONSOLE_URL ? { consoleUrl: e.CONSOLE_URL } : {}),
    defaultEventTimeoutMs: e.DEFAULT_EVENT_TIMEOUT,
    defaultHeartbeatIntervalMs: e.DEFAULT_HEARTBEAT_INTERVAL,
    eventRetentionMs: e.EVENT_RETENTION,
    outboxRetryMs: e.OUTBOX_RETRY,
    ...(e.RENOTIFY_EVERY === undefined ? {} : { renotifyEveryMs: e.RENOTIFY_EVERY }),
  };
}
