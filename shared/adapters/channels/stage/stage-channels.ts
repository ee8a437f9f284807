/**
 * A stage's channels (stages.json `channels`, docs/channels.md#on-a-stage): the channels file's shape, but
 * every secret — PagerDuty's routing key, Opsgenie's API key, Slack's and Teams' webhook URLs, a webhook's
 * signing secret — given by reference, never inline: `{ "secret": "<Secrets Manager name or ARN>" }` or
 * `{ "parameter": "<SSM SecureString name>" }`, with `kmsKeyArn` when a customer-managed key encrypts it.
 *
 * The same schema checks stages.json (infra/stages.ts) and, at a function's cold start, the `CHANNELS`
 * environment variable the stack gives the delivering functions (shared/config.ts). The references are
 * names, not secrets: they may appear in the template and in logs; the values never do.
 */
import * as z from 'zod/mini';
import type { SecretSource } from '../../secrets/extension.js';
import {
  type ChannelConfig,
  channelSchema,
  checkRouting,
  commonChannelFields,
  uniqueNames,
} from '../channel-config.js';

const REFERENCE_HINT =
  'must name where the secret is kept, never the secret: { "secret": "<Secrets Manager name or ARN>" } or { "parameter": "<SSM SecureString name>" }';

const secretName = z
  .string({ error: REFERENCE_HINT })
  .check(
    z.regex(
      /^(arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:)?[A-Za-z0-9/_+=.@-]{1,512}$/,
      'must be a Secrets Manager secret name (letters, digits, /_+=.@-) or its full ARN',
    ),
  );
const parameterName = z
  .string({ error: REFERENCE_HINT })
  .check(
    z.regex(
      /^\/?[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/,
      'must be an SSM parameter name, e.g. /phone-home/prod/pd',
    ),
  );
const kmsKeyArn = z.optional(
  z
    .string()
    .check(z.regex(/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[0-9a-f-]{36}$/, 'must be a KMS key ARN')),
);

/** Where one secret is: exactly one of `secret` and `parameter`. */
export const secretReferenceSchema = z
  .strictObject(
    { secret: z.optional(secretName), parameter: z.optional(parameterName), kmsKeyArn },
    { error: REFERENCE_HINT },
  )
  .check(z.refine((ref) => (ref.secret === undefined) !== (ref.parameter === undefined), REFERENCE_HINT));
export type SecretReference = z.infer<typeof secretReferenceSchema>;

const url = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });
const ref = secretReferenceSchema;
const common = commonChannelFields;

const stageChannel = z
  .discriminatedUnion(
    'type',
    [
      z.strictObject({ ...common, type: z.literal('pagerduty'), routingKey: ref, url: z.optional(url) }),
      z.strictObject({
        ...common,
        type: z.literal('opsgenie'),
        apiKey: ref,
        region: z.optional(z.enum(['us', 'eu'])),
        url: z.optional(url),
      }),
      z.strictObject({ ...common, type: z.literal('slack'), url: ref }),
      z.strictObject({ ...common, type: z.literal('teams'), url: ref }),
      z.strictObject({ ...common, type: z.literal('webhook'), url, secret: ref }),
      z.strictObject({
        ...common,
        type: z.literal('alertmanager'),
        url,
        listenerLabel: z.optional(z.string().check(z.minLength(1))),
      }),
    ],
    { error: 'must have a type: pagerduty, opsgenie, slack, teams, webhook or alertmanager' },
  )
  .check(z.superRefine((c, ctx) => checkRouting(c, ctx)));

/** A stage's channels: each with a unique name. */
export const stageChannelsSchema = z.array(stageChannel).check(z.superRefine(uniqueNames));
export type StageChannel = z.infer<typeof stageChannel>;

/** The fields of each type that hold a secret (a reference on a stage, the value in the channels file). */
const SECRET_FIELDS = {
  pagerduty: ['routingKey'],
  opsgenie: ['apiKey'],
  slack: ['url'],
  teams: ['url'],
  webhook: ['secret'],
  alertmanager: [],
} as const satisfies Record<StageChannel['type'], readonly string[]>;

/** One secret a channel needs: the field it fills and where it is kept. */
export interface ChannelSecret {
  readonly field: string;
  readonly reference: SecretReference;
}

/** The secrets `channel` needs, in field order. */
export function channelSecrets(channel: StageChannel): ChannelSecret[] {
  const fields: readonly string[] = SECRET_FIELDS[channel.type];
  return fields.map((field) => ({
    field,
    reference: (channel as unknown as Record<string, SecretReference>)[field] as SecretReference,
  }));
}

/** The extension's source of a reference. */
export function sourceOf(reference: SecretReference): SecretSource {
  return reference.secret !== undefined
    ? { secret: reference.secret }
    : { parameter: reference.parameter ?? '' };
}

/** How a reference reads in a message or a listing: `secret phone-home/prod/pd`, `parameter /phl/pd`. */
export function describeReference(reference: SecretReference): string {
  return reference.secret !== undefined ? `secret ${reference.secret}` : `parameter ${reference.parameter}`;
}

/**
 * The channel with its secrets' values in place, checked as the channels file is (a webhook secret must be
 * `whsec_…`, a Slack URL an http(s) URL). The error names the channel, the field and where the value came
 * from, never the value.
 */
export function withSecrets(channel: StageChannel, values: Readonly<Record<string, string>>): ChannelConfig {
  const parsed = channelSchema.safeParse({ ...channel, ...values });
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = String(issue?.path[0] ?? '');
  const from = channelSecrets(channel).find((s) => s.field === field);
  const where = from ? ` (the value of ${describeReference(from.reference)})` : '';
  throw new Error(`its ${field}${where} ${issue?.message ?? 'is invalid'}`);
}
