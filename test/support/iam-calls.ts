/**
 * What IAM authorizes for each recorded AWS call: the action(s), the resource ARN and the condition keys
 * AWS sets. A transaction is authorized per item (its items' PutItem, UpdateItem…); a batch by its own
 * action (`dynamodb:BatchGetItem`) on each table it names; a publish to
 * an encrypted topic also needs the caller's `kms:GenerateDataKey` and `kms:Decrypt` on the topic's key,
 * requested by SNS on its behalf (`kms:ViaService`).
 */
import type { RecordedCall } from './aws-stubs.js';
import type { Request } from './iam.js';

export interface IamContext {
  readonly account: string;
  readonly region: string;
  /** The KMS key ARN that encrypts a topic, if any. */
  keyOfTopic(topicArn: string): string | undefined;
}

const TRANSACT_ITEM_ACTIONS: Record<string, string> = {
  ConditionCheck: 'dynamodb:ConditionCheckItem',
  Put: 'dynamodb:PutItem',
  Update: 'dynamodb:UpdateItem',
  Delete: 'dynamodb:DeleteItem',
};

export function iamRequests(call: RecordedCall, ctx: IamContext): Request[] {
  const arn = (service: string, rest: string) => `arn:aws:${service}:${ctx.region}:${ctx.account}:${rest}`;
  const table = (name: unknown, index?: unknown) =>
    arn('dynamodb', `table/${String(name)}${index === undefined ? '' : `/index/${String(index)}`}`);
  const p = call.params;
  switch (call.service) {
    case 'secretsmanager': {
      // Made by the Parameters and Secrets extension with the function's role. IAM judges the secret's ARN,
      // which ends in six random characters after its name.
      const id = String(p.SecretId);
      const resource = id.startsWith('arn:') ? id : arn('secretsmanager', `secret:${id}-AbCdEf`);
      return [{ action: `secretsmanager:${call.operation}`, resource }];
    }
    case 'ssm':
      // A parameter's ARN has its name without the leading slash.
      return [
        {
          action: `ssm:${call.operation}`,
          resource: arn('ssm', `parameter/${String(p.Name).replace(/^\//, '')}`),
        },
      ];
    case 'sns': {
      const topicArn = String(p.TopicArn);
      const requests: Request[] = [{ action: `sns:${call.operation}`, resource: topicArn }];
      const key = ctx.keyOfTopic(topicArn);
      if (key) {
        const context = { 'kms:ViaService': `sns.${ctx.region}.amazonaws.com` };
        requests.push({ action: 'kms:GenerateDataKey', resource: key, context });
        requests.push({ action: 'kms:Decrypt', resource: key, context });
      }
      return requests;
    }
    case 'events': {
      const buses = new Set(
        ((p.Entries as { EventBusName?: string }[] | undefined) ?? []).map(
          (e) => e.EventBusName ?? 'default',
        ),
      );
      return [...buses].map((bus) => ({
        action: `events:${call.operation}`,
        resource: bus.startsWith('arn:') ? bus : arn('events', `event-bus/${bus}`),
      }));
    }
    case 'dynamodb': {
      if (call.operation === 'TransactWriteItems' || call.operation === 'TransactGetItems') {
        return ((p.TransactItems as Record<string, { TableName: string }>[]) ?? []).flatMap((item) =>
          Object.entries(item).map(([kind, spec]) => ({
            action: kind === 'Get' ? 'dynamodb:GetItem' : (TRANSACT_ITEM_ACTIONS[kind] ?? `dynamodb:${kind}`),
            resource: table(spec.TableName),
          })),
        );
      }
      // Batch operations have their own IAM actions (unlike transactions), checked per table.
      if (call.operation === 'BatchWriteItem' || call.operation === 'BatchGetItem') {
        return Object.entries(p.RequestItems as Record<string, { Keys?: WireKey[] }>).map(([name, spec]) => ({
          action: `dynamodb:${call.operation}`,
          resource: table(name),
          context: { 'dynamodb:LeadingKeys': (spec.Keys ?? []).map((key) => String(key.pk?.S)) },
        }));
      }
      const keys = leadingKeys(p);
      return [
        {
          action: `dynamodb:${call.operation}`,
          resource: table(p.TableName, p.IndexName),
          ...(keys ? { context: { 'dynamodb:LeadingKeys': keys } } : {}),
        },
      ];
    }
  }
}

type WireKey = { pk?: { S?: string } };

/**
 * `dynamodb:LeadingKeys` of a single-item call: the partition key it names (`Key`, or `Item` for a put);
 * undefined for a Query or Scan, whose partition key is in an expression.
 */
function leadingKeys(p: Record<string, unknown>): string[] | undefined {
  const key = (p.Key ?? p.Item) as WireKey | undefined;
  return key?.pk?.S === undefined ? undefined : [key.pk.S];
}
