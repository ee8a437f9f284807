/**
 * Stage configuration: every environment the Listener is deployed to, typed and validated in one place.
 *
 * Kept free of aws-cdk-lib so the CLI can read a stage's region without loading the CDK. Durations are
 * written as operators write them (`780m`) because they reach the Lambdas as env vars in that form.
 */
import { z } from 'zod';
import { stageChannelsSchema } from '../shared/adapters/channels/stage/stage-channels.js';
import { DURATION_FORMS, parseDuration } from '../shared/domain/duration.js';
import { SEVERITIES, type Severity } from '../shared/domain/event.js';
import { customerSchema, MIN_TIMEOUT_MARGIN_MS } from '../shared/domain/logger.js';
import { DETAIL_TYPES } from '../shared/domain/notices/notification.js';

/** Notification kinds, as sent in the `kind` SNS message attribute. */
export type NotificationKind = keyof typeof DETAIL_TYPES;
const KINDS = Object.keys(DETAIL_TYPES) as [NotificationKind, ...NotificationKind[]];

/** Retention periods CloudWatch Logs accepts; anything else is rejected by CloudFormation at deploy time. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** Room for the channels in a function's environment (Lambda: 4 KB for every variable; the others take ~1 KB). */
export const CHANNELS_ENV_MAX_CHARS = 2_500;

const STAGE_NAME = /^[a-z][a-z0-9-]{1,15}$/;

const duration = z.string().refine(
  (text) => {
    try {
      parseDuration(text);
      return true;
    } catch {
      return false;
    }
  },
  { message: `must be ${DURATION_FORMS}` },
);

/** Milliseconds of a duration, NaN when it does not parse (its own refinement reports that). */
function msOrNaN(text: string): number {
  try {
    return parseDuration(text);
  } catch {
    return Number.NaN;
  }
}

const throttleShape = { rateLimit: z.number().int().positive(), burstLimit: z.number().int().positive() };
const throttleSchema = z.strictObject(throttleShape);
/** Each Logger route's own limits when a stage gives none. */
const DEFAULT_ROUTE_THROTTLES = {
  heartbeat: { rateLimit: 50, burstLimit: 100 },
  events: { rateLimit: 20, burstLimit: 40 },
  relay: { rateLimit: 10, burstLimit: 20 },
};

/**
 * Which notifications a subscriber receives; omitted fields do not filter. Two promises hold whatever the
 * filter: whoever gets a Logger's silence page also gets its all-clear and the customer-blind page (the most
 * urgent page there is), so `kinds` with LOGGER_SILENT must list both, and `minSeverity` filters forwarded
 * events only, never state changes.
 */
const filterSchema = z
  .strictObject({
    /** Only these customer instances: AlarmTracker paged the reps assigned to a customer, not everyone. */
    customers: z.array(customerSchema).min(1).optional(),
    /** Forwarded events (LOGGER_EVENT) of this severity and above; state changes always pass. */
    minSeverity: z.enum(SEVERITIES).optional(),
    kinds: z.array(z.enum(KINDS)).min(1).optional(),
  })
  .superRefine((filter, ctx) => {
    if (!filter.kinds?.includes('LOGGER_SILENT')) return;
    for (const needed of ['LOGGER_RECOVERED', 'CUSTOMER_BLIND'] as const) {
      if (!filter.kinds.includes(needed)) {
        ctx.addIssue({
          code: 'custom',
          path: ['kinds'],
          message: `must include ${needed} with LOGGER_SILENT: ${needed === 'LOGGER_RECOVERED' ? 'whoever is paged must get the all-clear' : 'a blind customer is the most urgent page there is'}`,
        });
      }
    }
  });

/** A valid (phone number ↔ Listener) pair, as in the reference note: `9,19191234567 ↔ GEOCSCLNRA`. */
const pairSchema = z.strictObject({
  phone: z.string().regex(/^[0-9,*#+ -]{3,32}$/, 'must be a phone number as dialled, e.g. 9,19191234567'),
  listener: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9-]{0,31}$/, 'must be a Listener name, e.g. GEOCSCLNRA'),
});

/** The reference note's example pairs (its numbers are examples): local mode's default. */
export const EXAMPLE_PHONE_HOME_PAIRS = [
  { phone: '9,19191234567', listener: 'GEOCSCLNRA' },
  { phone: '9,14081234567', listener: 'GEOCSCLNRB' },
] as const;

const emailSchema = z.strictObject({ address: z.email(), filter: filterSchema.optional() });
const e164 = z.string().regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 phone number, e.g. +447700900123');
const smsSchema = z.strictObject({
  number: e164,
  filter: filterSchema.optional(),
});

const listenerNameSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9-]{0,31}$/, 'must be 1–32 letters, digits or "-", e.g. GEOCSCLNRA');
const regionSchema = z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be an AWS region such as eu-west-1');

/**
 * The region sets a DynamoDB global table with multi-Region strong consistency (MRSC) may span: its two
 * replicas and its witness must all be in one set (the same list as aws-cdk-lib's TableV2 check).
 */
export const MRSC_REGION_SETS = {
  US: ['us-east-1', 'us-east-2', 'us-west-2'],
  EU: ['eu-west-1', 'eu-west-2', 'eu-west-3', 'eu-central-1'],
  AP: ['ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3'],
} as const satisfies Record<string, readonly string[]>;

/** The two sides of a Listener pair. */
export const PAIR_SIDES = ['a', 'b'] as const;
export type PairSide = (typeof PAIR_SIDES)[number];

const dnsName = z
  .string()
  .regex(
    /^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/,
    'must be a DNS name, e.g. listener.example.com',
  );
const certificateArnSchema = z
  .string()
  .regex(
    /^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[0-9a-f-]{36}$/,
    'must be an ACM certificate ARN, e.g. arn:aws:acm:eu-west-1:123456789012:certificate/…',
  );

/**
 * One side's own hostname, kept across stack replacements: an API Gateway custom domain with an ACM
 * certificate in that side's region — the one given, or one the stack requests (validated by DNS: in the
 * Route 53 zone `hostedZoneId` automatically, which then also gets the alias record; otherwise by the
 * CNAME the operator adds while the deploy waits).
 */
const domainSchema = z.strictObject({
  name: dnsName,
  certificateArn: certificateArnSchema.optional(),
  hostedZoneId: z
    .string()
    .regex(/^Z[A-Z0-9]{1,31}$/, 'must be a Route 53 hosted zone id, e.g. Z0123456789ABCDEFGHIJ')
    .optional(),
});
/** A custom domain, as a stage gives it. */
export type CustomDomain = z.output<typeof domainSchema>;

const pairSideSchema = z.strictObject({
  region: regionSchema,
  listenerName: listenerNameSchema,
  domain: domainSchema.optional(),
});

/**
 * A Listener pair (docs/deploy.md#listener-pair): the reference note's Listener A and B in two regions,
 * sharing one MRSC global table whose witness is a third region of the same region set.
 */
const listenerPairSchema = z
  .strictObject({ a: pairSideSchema, b: pairSideSchema, witnessRegion: regionSchema })
  .superRefine((pair, ctx) => {
    const regions = {
      'a.region': pair.a.region,
      'b.region': pair.b.region,
      witnessRegion: pair.witnessRegion,
    };
    const seen = new Map<string, string>();
    for (const [path, region] of Object.entries(regions)) {
      const first = seen.get(region);
      if (first !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: path.split('.'),
          message: `must differ from ${first} (${region}): two replicas and a witness need three regions`,
        });
      }
      seen.set(region, path);
    }
    const set = Object.entries(MRSC_REGION_SETS).find(([, members]) =>
      (members as readonly string[]).includes(pair.a.region),
    );
    const sets = Object.entries(MRSC_REGION_SETS)
      .map(([name, members]) => `${name} ${members.join(', ')}`)
      .join('; ');
    if (set === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['a', 'region'],
        message: `must be in a region set that supports multi-Region strong consistency: ${sets}`,
      });
    } else {
      const [name, members] = set;
      for (const [path, region] of Object.entries(regions)) {
        if (!(members as readonly string[]).includes(region)) {
          ctx.addIssue({
            code: 'custom',
            path: path.split('.'),
            message: `must be in side a's MRSC region set ${name} (${members.join(', ')}), not ${region}`,
          });
        }
      }
    }
    for (const side of PAIR_SIDES) {
      const certificateRegion = pair[side].domain?.certificateArn?.split(':')[3];
      if (certificateRegion && certificateRegion !== pair[side].region) {
        ctx.addIssue({
          code: 'custom',
          path: [side, 'domain', 'certificateArn'],
          message: `must be a certificate in side ${side}'s region ${pair[side].region} (a regional API needs one there)`,
        });
      }
    }
    if (pair.a.domain && pair.a.domain.name === pair.b.domain?.name) {
      ctx.addIssue({
        code: 'custom',
        path: ['b', 'domain', 'name'],
        message:
          'must differ from a.domain.name: each side keeps its own hostname (the primary and backup numbers)',
      });
    }
    if (pair.a.listenerName === pair.b.listenerName) {
      ctx.addIssue({
        code: 'custom',
        path: ['b', 'listenerName'],
        message: 'must differ from a.listenerName: a page says which Listener raised it',
      });
    }
  });

const stageSchema = z
  .strictObject({
    /** The name alarms give this Listener (AlarmTracker's Listener name), e.g. GEOCSCLNRA. */
    listenerName: listenerNameSchema.optional(),
    /**
     * Two Listeners in two regions sharing one fleet (docs/deploy.md#listener-pair), instead of
     * `listenerName` and `region`: each side names its own.
     */
    pair: listenerPairSchema.optional(),
    /** Target account and region; omitted = the CLI's (CDK_DEFAULT_ACCOUNT / CDK_DEFAULT_REGION). */
    account: z
      .string()
      .regex(/^\d{12}$/, 'must be a 12-digit AWS account id')
      .optional(),
    region: regionSchema.optional(),
    /** Listener Event Timeout for Loggers registered without one. */
    eventTimeout: duration.default('780m'),
    /** The CSFS heartbeat interval Loggers are expected to use. */
    heartbeatInterval: duration.default('720m'),
    eventRetention: duration.default('30d'),
    outboxRetry: duration.default('30s'),
    /** Remind about a DOWN, unacknowledged Logger this often (`off` = never) → `RENOTIFY_EVERY`. */
    renotifyEvery: z.union([z.literal('off'), duration]).default('off'),
    /**
     * The mass-silence guard (docs/mass-silence.md): at least `minLoggers` and `fraction` of the watched
     * Loggers overdue within `window` raise one MASS_SILENCE to ops and hold customer pages for `hold`.
     */
    massSilence: z
      .strictObject({
        minLoggers: z.number().int('must be a whole number').min(1, 'must be at least 1').default(20),
        fraction: z.number().gt(0, 'must be above 0').max(1, 'must be at most 1').default(0.2),
        window: duration.default('10m'),
        hold: duration.default('15m'),
      })
      .default({ minLoggers: 20, fraction: 0.2, window: '10m', hold: '15m' }),
    /**
     * The valid Phone Home pairs (phone number ↔ Listener import system name) for `listener doctor`: a modem
     * Logger dialling a number paired with another Listener fails to phone home.
     */
    phoneHomePairs: z.array(pairSchema).default([]),
    /** How often the sweeper looks for silent Loggers: whole minutes (EventBridge's resolution). */
    sweepRate: duration
      .refine((text) => parseDuration(text) % 60_000 === 0, 'must be whole minutes, e.g. 1m')
      .default('1m'),
    /**
     * Ops are paged when no heartbeat at all arrives for this long while Loggers are watched. Pick it well
     * above the usual gap between any two heartbeats of the fleet (interval ÷ fleet size): 60m suits a fleet
     * of 100+ Loggers at 720m. Whole minutes, 5m to 1d (a CloudWatch alarm looks back at most a day).
     */
    heartbeatSilenceWindow: duration
      .refine((text) => {
        const ms = msOrNaN(text);
        return ms % 60_000 === 0 && ms >= 5 * 60_000 && ms <= 24 * 60 * 60_000;
      }, 'must be whole minutes between 5m and 1d, e.g. 60m')
      .default('60m'),
    /**
     * API throttling, requests per second and burst: the stage as a whole, and each Logger route on its own
     * so that a flood of events or relayed records cannot starve heartbeats.
     */
    throttling: z
      .strictObject({
        ...throttleShape,
        routes: z
          .strictObject({ heartbeat: throttleSchema, events: throttleSchema, relay: throttleSchema })
          .default(DEFAULT_ROUTE_THROTTLES),
      })
      .default({ rateLimit: 50, burstLimit: 100, routes: DEFAULT_ROUTE_THROTTLES }),
    /**
     * Reserved concurrency of each function Loggers call (heartbeat, events, relay): a flood cannot take
     * the account's whole concurrency. The sweeper always has 1. The account must keep 10 unreserved: a
     * new account's default quota of 10 cannot deploy any cap (ask for the 1 000 quota first).
     */
    ingestConcurrency: z.number().int().min(1).max(1000).default(10),
    /** AWS X-Ray active tracing of the functions (costs per trace; off by default). */
    tracing: z.boolean().default(false),
    /**
     * Optional custom domain for the API, e.g. `listener.example.com`, with an ACM certificate for it in
     * the stage's region. Loggers then phone home to `https://<domainName>`; point DNS at the
     * `CustomDomainTarget` output.
     */
    domainName: dnsName.optional(),
    certificateArn: certificateArnSchema.optional(),
    alarmEmails: z.array(emailSchema).default([]),
    alarmSms: z.array(smsSchema).default([]),
    /**
     * PagerDuty, Opsgenie, Slack, Teams, webhook and Alertmanager channels (docs/channels.md#on-a-stage):
     * the channels file's shape, every secret by reference (Secrets Manager or SSM), never inline.
     */
    channels: z._default(stageChannelsSchema, []),
    /** Who hears about the Listener itself failing (CloudWatch alarms): email, SMS and HTTPS subscribers. */
    opsEmails: z.array(z.email()).default([]),
    opsSms: z.array(e164).default([]),
    opsHttps: z
      .array(
        z.url({ protocol: /^https$/, error: 'must be an https:// URL, e.g. https://events.pagerduty.com/…' }),
      )
      .default([]),
    /**
     * The ops topic's encryption: `own-key` (its own customer-managed key, apart from the alarm topic's, so
     * that disabling one key cannot silence the alarm reporting it) or `none` (unencrypted: alarm texts
     * carry no secrets, and no key can then stop them).
     */
    opsTopicKey: z.enum(['own-key', 'none']).default('own-key'),
    /**
     * How SMS pages are sent: always `Transactional` (delivered ahead of marketing traffic), with the
     * account's SMS monthly spend limit in USD (the alarm fires at 80 % of it) and, where the destination
     * country needs one, a sender ID or an origination number registered in the account.
     */
    sms: z
      .strictObject({
        monthlySpendLimitUsd: z.number().positive('must be above 0').default(1),
        senderId: z
          .string()
          .regex(
            /^(?=.*[A-Za-z])[A-Za-z0-9]{1,11}$/,
            'must be 1–11 letters or digits with a letter, e.g. GEOLISTEN',
          )
          .optional(),
        originationNumber: e164.optional(),
      })
      .default({ monthlySpendLimitUsd: 1 }),
    /**
     * A production stage: its stacks get CloudFormation termination protection, so `cdk destroy` (or a
     * console click) cannot delete them until someone turns it off on purpose.
     */
    production: z.boolean().default(false),
    /** `retain` keeps the table (with deletion protection) when the stack is deleted: use it where data matters. */
    removalPolicy: z.enum(['retain', 'destroy']),
    logLevel: z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR']).default('INFO'),
    logRetentionDays: z
      .number()
      .refine((days) => (LOG_RETENTION_DAYS as readonly number[]).includes(days), {
        message: `must be one of ${LOG_RETENTION_DAYS.join(', ')}`,
      })
      .default(30),
  })
  .superRefine((stage, ctx) => {
    if (stage.pair === undefined && stage.listenerName === undefined) {
      ctx.addIssue({ code: 'custom', path: ['listenerName'], message: 'is required (or a pair)' });
    }
    if (stage.pair !== undefined) {
      // A pair's sides name their own region and Listener; a custom domain would need one per side.
      for (const field of ['listenerName', 'region', 'domainName', 'certificateArn'] as const) {
        if (stage[field] !== undefined) {
          ctx.addIssue({
            code: 'custom',
            path: [field],
            message: `does not go with pair: ${field === 'listenerName' || field === 'region' ? `give pair.a.${field} and pair.b.${field}` : 'give each side its own, as pair.a.domain and pair.b.domain'}`,
          });
        }
      }
    }
    // The reference note: the interval must be at least an hour below the timeout, or every Logger
    // whose heartbeat is a little late raises a false alarm.
    try {
      if (
        parseDuration(stage.heartbeatInterval) + MIN_TIMEOUT_MARGIN_MS >
        parseDuration(stage.eventTimeout)
      ) {
        ctx.addIssue({
          code: 'custom',
          path: ['heartbeatInterval'],
          message: 'must be at least 60 minutes below eventTimeout',
        });
      }
    } catch {
      // An unparseable duration is already reported by its own field.
    }
    if (JSON.stringify(stage.channels).length > CHANNELS_ENV_MAX_CHARS) {
      ctx.addIssue({
        code: 'custom',
        path: ['channels'],
        message: `take more than ${CHANNELS_ENV_MAX_CHARS} characters as JSON (the CHANNELS variable; Lambda allows 4 KB of variables in all): use fewer channels or shorter names`,
      });
    }
    if (stage.throttling.burstLimit < stage.throttling.rateLimit) {
      ctx.addIssue({ code: 'custom', path: ['throttling', 'burstLimit'], message: 'must be ≥ rateLimit' });
    }
    for (const [route, limits] of Object.entries(stage.throttling.routes)) {
      if (limits.burstLimit < limits.rateLimit) {
        ctx.addIssue({
          code: 'custom',
          path: ['throttling', 'routes', route, 'burstLimit'],
          message: 'must be ≥ rateLimit',
        });
      }
    }
    if ((stage.domainName === undefined) !== (stage.certificateArn === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: [stage.domainName === undefined ? 'domainName' : 'certificateArn'],
        message: 'domainName and certificateArn go together: give both or neither',
      });
    }
    const certificateRegion = stage.certificateArn?.split(':')[3];
    if (certificateRegion && stage.region && certificateRegion !== stage.region) {
      ctx.addIssue({
        code: 'custom',
        path: ['certificateArn'],
        message: `must be a certificate in the stage's region ${stage.region} (a regional API needs one there)`,
      });
    }
  });

/** A stage as written below (defaults may be omitted). */
export type StageInput = z.input<typeof stageSchema>;
/** A subscriber's filter. */
export type SubscriptionFilter = z.output<typeof filterSchema>;
/** A validated stage, defaults applied. */
export type StageConfig = Omit<z.output<typeof stageSchema>, 'listenerName'> & {
  readonly stage: string;
  /** The name alarms give this Listener; in a pair stage, side a's until {@link sideConfig} picks one. */
  readonly listenerName: string;
  /** Set on the configuration of one side of a pair (see {@link sideConfig}). */
  readonly pairing?: Pairing;
  /** The API's custom domain: the stage's `domainName` and `certificateArn`, or a side's `domain`. */
  readonly customDomain?: CustomDomain;
};

/** One side's place in its pair: what its stack builds or refers to. */
export interface Pairing {
  /** The pair stage, e.g. `prod-pair` (the side's own `stage` is `prod-pair-a`). */
  readonly pairStage: string;
  readonly side: PairSide;
  /** The other side: its Listener name (the sweeper watches it) and region. */
  readonly twin: { readonly side: PairSide; readonly listenerName: string; readonly region: string };
  /** The global table's name, chosen here so that side b finds its replica without a cross-region reference. */
  readonly tableName: string;
  /** Side a's region, where the global table is defined (its replica in b and its witness with it). */
  readonly tableHomeRegion: string;
  readonly replicaRegions: readonly [string, string];
  readonly witnessRegion: string;
}

/** The stage name of one side of a pair: `prod-pair` → `prod-pair-a` (its stack, alarms, bus and service). */
export function sideStageName(stage: string, side: PairSide): string {
  return `${stage}-${side}`;
}

/** The global table of a pair stage: a fixed name, the same in every replica region. */
export function pairTableName(stage: string): string {
  return `PhoneHomeListener-${stage}`;
}

/**
 * The configuration of one side of a pair stage: the stage's settings with that side's Listener name and
 * region, under its own stage name. Throws for a stage without a pair.
 */
export function sideConfig(config: StageConfig, side: PairSide): StageConfig {
  const { pair } = config;
  if (pair === undefined)
    throw new StageConfigError(`stage "${config.stage}" is not a pair: it has no side ${side}`);
  const twin: PairSide = side === 'a' ? 'b' : 'a';
  return {
    ...config,
    stage: sideStageName(config.stage, side),
    listenerName: pair[side].listenerName,
    region: pair[side].region,
    ...(pair[side].domain ? { customDomain: pair[side].domain } : {}),
    pairing: {
      pairStage: config.stage,
      side,
      twin: { side: twin, ...pair[twin] },
      tableName: pairTableName(config.stage),
      tableHomeRegion: pair.a.region,
      replicaRegions: [pair.a.region, pair.b.region],
      witnessRegion: pair.witnessRegion,
    },
  };
}

/** The Listeners a stage deploys: itself, or its two sides. */
export function listenersOf(config: StageConfig): StageConfig[] {
  return config.pair ? PAIR_SIDES.map((side) => sideConfig(config, side)) : [config];
}

/**
 * The stages that work with no stages file: `dev`, a sandbox to try the Listener in (its example.com
 * address receives nothing: `listener deploy check` says so). Every other stage is the operator's, in
 * `stages.json` or the file named with `-c stages=PATH` (infra/stage-file.ts); `stages.example.json` holds
 * the documented `prod` and `prod-pair`. A file's `dev` replaces this one.
 */
export const BUILT_IN_STAGES: Readonly<Record<string, StageInput>> = {
  dev: {
    listenerName: 'GEOCSCLNRA-DEV',
    // A handful of test Loggers: hours can pass between two heartbeats.
    heartbeatSilenceWindow: '1d',
    throttling: {
      rateLimit: 10,
      burstLimit: 20,
      routes: {
        heartbeat: { rateLimit: 10, burstLimit: 20 },
        events: { rateLimit: 5, burstLimit: 10 },
        relay: { rateLimit: 5, burstLimit: 10 },
      },
    },
    ingestConcurrency: 5,
    tracing: true,
    alarmEmails: [{ address: 'listener-dev@example.com' }],
    opsEmails: ['listener-dev@example.com'],
    removalPolicy: 'destroy',
    logLevel: 'DEBUG',
    logRetentionDays: 7,
    phoneHomePairs: [...EXAMPLE_PHONE_HOME_PAIRS],
  },
};

/** Thrown for an unknown or invalid stage; the message lists the valid stages or the bad fields. */
export class StageConfigError extends Error {
  override readonly name = 'StageConfigError';
}

/**
 * Validates one stage's configuration. `source` (a file name) prefixes every message, so an error names the
 * file, the field and what to write. Exposed so that tests can check what a bad stage says.
 */
export function parseStage(stage: string, input: unknown, source?: string): StageConfig {
  const where = source ? `${source}: ` : '';
  if (!STAGE_NAME.test(stage)) {
    throw new StageConfigError(
      `${where}stage name "${stage}" must be 2–16 lower-case letters, digits or "-", starting with a letter`,
    );
  }
  const parsed = stageSchema.safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.join('.') || '(stage)'} ${issue.message}`,
    );
    throw new StageConfigError(`${where}stage "${stage}" is invalid: ${problems.join('; ')}`);
  }
  const { listenerName, pair, domainName, certificateArn } = parsed.data;
  // The refinement guarantees one of them.
  return {
    ...parsed.data,
    listenerName: listenerName ?? pair?.a.listenerName ?? '',
    stage,
    ...(domainName
      ? { customDomain: { name: domainName, ...(certificateArn ? { certificateArn } : {}) } }
      : {}),
  };
}

/**
 * The validated configuration of a stage; unknown names fail listing the valid ones. `stages` is what
 * infra/stage-file.ts read (default: the built-in `dev` only), `source` where it came from.
 */
export function loadStage(
  stage: string | undefined,
  stages: Readonly<Record<string, unknown>> = BUILT_IN_STAGES,
  source?: string,
): StageConfig {
  const valid = Object.keys(stages).join(', ');
  if (stage === undefined || stage === '') {
    throw new StageConfigError(`no stage given: pass -c stage=<name>, one of ${valid}`);
  }
  const input = Object.hasOwn(stages, stage) ? stages[stage] : undefined;
  if (input === undefined) {
    const file = source ? ` in ${source}` : '';
    throw new StageConfigError(
      `unknown stage "${stage}": valid stages${file} are ${valid} — add "${stage}" to stages.json (start from stages.example.json) or name another file with -c stages=PATH`,
    );
  }
  return parseStage(stage, input, source);
}

/**
 * The severities at or above `min`: SNS filter policies match exact strings, so "minimum severity" becomes
 * an allow-list.
 */
export function severitiesFrom(min: Severity): Severity[] {
  return SEVERITIES.slice(SEVERITIES.indexOf(min));
}

/** Milliseconds of a duration already validated by the schema. */
export function durationMs(text: string): number {
  return parseDuration(text);
}
