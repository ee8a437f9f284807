/**
 * The channels file of `listener local --channels FILE`: where pages go beyond SNS and EventBridge
 * (docs/channels.md). Validated with zod; unknown keys are allowed (a later version's settings), secrets are
 * inline only here. Routing is per channel: `kinds` (default: pages and their all-clears) and `customers`.
 */
import * as z from 'zod/mini';
import type { Notification } from '../../domain/notices/notification.js';

/**
 * The notification kinds a channel may take. Forwarded events only go to the chat and webhook channels. The
 * ops notices about the Listener itself (a mass silence, a silent twin Listener, and their clears) only where
 * `kinds` lists them: by default a channel gets pages and all-clears, as the reps' SNS topic does.
 */
export const CHANNEL_KINDS = [
  'LOGGER_SILENT',
  'CUSTOMER_BLIND',
  'LOGGER_RECOVERED',
  'LOGGER_EVENT',
  'MASS_SILENCE',
  'MASS_SILENCE_CLEARED',
  'LISTENER_SILENT',
  'LISTENER_RECOVERED',
] as const;
export type ChannelKind = (typeof CHANNEL_KINDS)[number];
export const DEFAULT_KINDS: readonly ChannelKind[] = ['LOGGER_SILENT', 'CUSTOMER_BLIND', 'LOGGER_RECOVERED'];

/** Ops notices and their clears: a channel takes both or neither. */
const OPS_PAIRS = [
  ['MASS_SILENCE', 'MASS_SILENCE_CLEARED'],
  ['LISTENER_SILENT', 'LISTENER_RECOVERED'],
] as const;

/** Names recorded on notices by the built-in channels: a configured channel may not take them. */
const RESERVED = ['file', 'sns', 'eventbridge', 'all'];

const url = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });

/** The fields every channel takes, in the channels file and in a stage alike. */
export const commonChannelFields = {
  name: z.string().check(
    z.regex(/^[a-z0-9][a-z0-9-]{0,31}$/, 'must be 1–32 lowercase letters, digits or dashes'),
    z.refine((name) => !RESERVED.includes(name), 'is taken by a built-in channel (file, sns, eventbridge)'),
  ),
  kinds: z.optional(z.array(z.enum(CHANNEL_KINDS)).check(z.minLength(1))),
  customers: z.optional(z.array(z.string().check(z.minLength(1))).check(z.minLength(1))),
  /** Per request; a hanging receiver costs at most this (default 5 s). */
  timeoutSeconds: z.optional(z.number().check(z.positive(), z.lte(30))),
};

const pagerduty = z.looseObject({
  ...commonChannelFields,
  type: z.literal('pagerduty'),
  routingKey: z
    .string()
    .check(z.minLength(1, 'must be the integration key of a PagerDuty Events API v2 service')),
  url: z.optional(url),
});
const opsgenie = z.looseObject({
  ...commonChannelFields,
  type: z.literal('opsgenie'),
  apiKey: z.string().check(z.minLength(1, 'must be the API key of an Opsgenie API integration')),
  region: z.optional(z.enum(['us', 'eu'])),
  url: z.optional(url),
});
const slack = z.looseObject({ ...commonChannelFields, type: z.literal('slack'), url });
const teams = z.looseObject({ ...commonChannelFields, type: z.literal('teams'), url });
const webhook = z.looseObject({
  ...commonChannelFields,
  type: z.literal('webhook'),
  url,
  secret: z
    .string()
    .check(z.regex(/^whsec_[A-Za-z0-9+/]+={0,2}$/, 'must be a Standard Webhooks secret: whsec_<base64>')),
});
const alertmanager = z.looseObject({
  ...commonChannelFields,
  type: z.literal('alertmanager'),
  url,
  listenerLabel: z.optional(z.string().check(z.minLength(1))),
  /** How often a standing alarm is posted again (default 300: 5 minutes); its `endsAt` is 3 periods ahead. */
  resendEverySeconds: z.optional(z.number().check(z.gte(1), z.lte(3600))),
});

/** A channel with its secrets, as the channels file gives it (a stage's, once its secrets are read). */
export const channelSchema = z
  .discriminatedUnion('type', [pagerduty, opsgenie, slack, teams, webhook, alertmanager])
  .check(z.superRefine((c, ctx) => checkRouting(c, ctx)));

/**
 * The routing rules the SNS filters keep too: whoever gets a page gets its all-clear and the blind-customer
 * page; incident tools take outages only.
 */
export function checkRouting(
  c: { readonly type: string; readonly kinds?: readonly ChannelKind[] | undefined },
  ctx: { addIssue(issue: { code: 'custom'; path: PropertyKey[]; message: string }): void },
): void {
  const kinds = c.kinds ?? DEFAULT_KINDS;
  const pages = kinds.includes('LOGGER_SILENT') || kinds.includes('CUSTOMER_BLIND');
  if (pages && !kinds.includes('LOGGER_RECOVERED')) {
    ctx.addIssue({
      code: 'custom',
      path: ['kinds'],
      message: 'must include LOGGER_RECOVERED with a page kind: whoever is paged must get the all-clear',
    });
  }
  if (kinds.includes('LOGGER_SILENT') && !kinds.includes('CUSTOMER_BLIND')) {
    ctx.addIssue({
      code: 'custom',
      path: ['kinds'],
      message:
        'must include CUSTOMER_BLIND with LOGGER_SILENT: a blind customer is the most urgent page there is',
    });
  }
  for (const [raise, clear] of OPS_PAIRS) {
    if (kinds.includes(raise) !== kinds.includes(clear)) {
      ctx.addIssue({
        code: 'custom',
        path: ['kinds'],
        message: `must include ${raise} and ${clear} together: whoever is told of one must hear it is over`,
      });
    }
  }
  const incidents = c.type === 'pagerduty' || c.type === 'opsgenie' || c.type === 'alertmanager';
  if (incidents && kinds.includes('LOGGER_EVENT')) {
    ctx.addIssue({
      code: 'custom',
      path: ['kinds'],
      message: `cannot include LOGGER_EVENT on ${c.type}: it opens incidents for outages only`,
    });
  }
}

/** Each channel's name once: it is recorded on the notices it delivered. */
export function uniqueNames(list: readonly { readonly name: string }[], ctx: z.core.$RefinementCtx): void {
  const seen = new Set<string>();
  list.forEach((c, i) => {
    if (seen.has(c.name)) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: 'is used twice' });
    seen.add(c.name);
  });
}

export const channelsFileSchema = z.looseObject({
  channels: z.array(channelSchema).check(z.superRefine(uniqueNames)),
});

export type ChannelConfig = z.infer<typeof channelSchema>;
export type ChannelsFile = z.infer<typeof channelsFileSchema>;

/** Parses a channels file's JSON; the error names the field (`channels.1.url: must be an http(s) URL`). */
export function parseChannels(json: unknown): ChannelsFile {
  const parsed = channelsFileSchema.safeParse(json);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const path = issue?.path.join('.') || '(top level)';
  throw new ChannelsFileError(
    `the channels file's ${path} ${issue?.message ?? 'is invalid'}`,
    'fix it (docs/channels.md) and start again',
  );
}

/** A channels file that cannot be used; the message reads `<what> — <what to do>`. */
export class ChannelsFileError extends Error {
  override readonly name = 'ChannelsFileError';
  constructor(
    readonly what: string,
    readonly todo: string,
  ) {
    super(`${what} — ${todo}`);
  }
}

/**
 * Whether a channel takes a notification: its kind is among the channel's `kinds`. A customer filter applies
 * to a page and its all-clear alike, so whoever got a page gets its all-clear; ops notices name no customer
 * and go to every channel listing their kind.
 */
export function routes(config: ChannelConfig, n: Notification): boolean {
  // An acknowledgement goes where the outage's all-clear goes (to the incident tools among them).
  const kind = n.kind === 'LOGGER_ACKNOWLEDGED' ? 'LOGGER_RECOVERED' : n.kind;
  if (!(CHANNEL_KINDS as readonly string[]).includes(kind)) return false;
  if (!(config.kinds ?? DEFAULT_KINDS).includes(kind as ChannelKind)) return false;
  if (!('logger' in n)) return true;
  return config.customers === undefined || config.customers.includes(n.logger.customer);
}
