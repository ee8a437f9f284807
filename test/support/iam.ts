/**
 * A small IAM policy evaluator for synthesized templates: resolves the intrinsics CDK writes (Ref,
 * Fn::GetAtt, Fn::Join, pseudo parameters) to a test's concrete names, then decides a request the way IAM
 * does: an explicit Deny wins, else an Allow, else denied. It understands what the Listener's policies use
 * (wildcards in actions and resources, Principal, and the condition operators below, `ForAllValues:` over a
 * multi-valued key such as `dynamodb:LeadingKeys`, and `Null`) and throws on
 * anything else, so a policy it cannot read fails a test rather than passing it.
 */

export const TEST_ACCOUNT = '123456789012';
export const TEST_REGION = 'eu-west-1';

export interface Statement {
  readonly Sid?: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Action?: string | string[];
  readonly NotAction?: string | string[];
  readonly Resource?: unknown;
  readonly Principal?: unknown;
  readonly Condition?: Record<string, Record<string, unknown>>;
}

/** One request to judge. `principal` is for resource policies (key and topic policies). */
export interface Request {
  readonly action: string;
  readonly resource: string;
  readonly principal?: { readonly service?: string; readonly account?: string };
  /**
   * Condition keys and their values, e.g. `aws:SourceAccount`, `kms:ViaService`, `aws:SecureTransport`; a
   * multi-valued key (`dynamodb:LeadingKeys`: every partition key the request names) is a list.
   */
  readonly context?: Readonly<Record<string, string | readonly string[]>>;
}

export type Decision = 'allowed' | 'explicitly denied' | 'implicitly denied';

type Template = { [key: string]: unknown };
type Resources = Record<string, { Type: string; Properties?: Record<string, unknown> }>;

/** Concrete names for a template's resources: what `Ref` and `Fn::GetAtt` of each logical id become. */
export class TemplateNames {
  private readonly refs = new Map<string, string>();
  private readonly attrs = new Map<string, string>();

  constructor(
    template: Template,
    readonly account = TEST_ACCOUNT,
    readonly region = TEST_REGION,
  ) {
    const arn = (service: string, rest: string) => `arn:aws:${service}:${region}:${account}:${rest}`;
    for (const [id, resource] of Object.entries(template.Resources as Resources)) {
      const name = `phl-test-${id}`;
      switch (resource.Type) {
        case 'AWS::DynamoDB::Table':
          this.set(id, name, { Arn: arn('dynamodb', `table/${name}`) });
          break;
        case 'AWS::DynamoDB::GlobalTable': {
          // Named by the stage (a Listener pair): the same name in every replica region.
          const tableName = String(resource.Properties?.TableName ?? name);
          this.set(id, tableName, { Arn: arn('dynamodb', `table/${tableName}`) });
          break;
        }
        case 'AWS::SNS::Topic':
          this.set(id, arn('sns', name), { TopicName: name, TopicArn: arn('sns', name) });
          break;
        case 'AWS::KMS::Key':
          this.set(id, id, { Arn: arn('kms', `key/${id}`), KeyId: id });
          break;
        case 'AWS::Events::EventBus': {
          const busName = String(resource.Properties?.Name ?? name);
          this.set(id, busName, { Arn: arn('events', `event-bus/${busName}`), Name: busName });
          break;
        }
        case 'AWS::Logs::LogGroup':
          this.set(id, name, { Arn: arn('logs', `log-group:${name}:*`) });
          break;
        case 'AWS::Lambda::Function':
          this.set(id, name, { Arn: arn('lambda', `function:${name}`) });
          break;
        case 'AWS::ApiGatewayV2::Api': {
          const apiId = id.toLowerCase().slice(0, 10);
          this.set(id, apiId, {
            ApiEndpoint: `https://${apiId}.execute-api.${region}.amazonaws.com`,
            ApiId: apiId,
          });
          break;
        }
        case 'AWS::SecretsManager::Secret': {
          // Ref is the ARN, with the six random characters Secrets Manager appends to the name.
          const secretArn = arn('secretsmanager', `secret:${name}-AbCdEf`);
          this.set(id, secretArn, { Id: secretArn });
          break;
        }
        case 'AWS::SQS::Queue':
          this.set(id, `https://sqs.${region}.amazonaws.com/${account}/${name}`, {
            Arn: arn('sqs', name),
            QueueName: name,
          });
          break;
        default:
          this.set(id, name, {});
      }
    }
  }

  private set(id: string, ref: string, attrs: Record<string, string>) {
    this.refs.set(id, ref);
    for (const [attr, value] of Object.entries(attrs)) this.attrs.set(`${id}.${attr}`, value);
  }

  /** The concrete value of a template expression; throws on an intrinsic it does not know. */
  resolve(value: unknown): unknown {
    if (Array.isArray(value)) return value.map((v) => this.resolve(v));
    if (value === null || typeof value !== 'object') return value;
    const entries = Object.entries(value);
    const [key, arg] = entries[0] ?? [];
    if (entries.length === 1 && key === 'Ref') return this.ref(String(arg));
    if (entries.length === 1 && key === 'Fn::GetAtt') {
      const [id, attr] = arg as [string, string];
      const found = this.attrs.get(`${id}.${attr}`);
      if (found === undefined) throw new Error(`no test value for Fn::GetAtt ${id}.${attr}`);
      return found;
    }
    if (entries.length === 1 && key === 'Fn::Join') {
      const [separator, parts] = arg as [string, unknown[]];
      return parts.map((p) => String(this.resolve(p))).join(separator);
    }
    if (entries.length === 1 && key?.startsWith('Fn::')) throw new Error(`cannot resolve ${key}`);
    return Object.fromEntries(entries.map(([k, v]) => [k, this.resolve(v)]));
  }

  private ref(id: string): string {
    const pseudo: Record<string, string> = {
      'AWS::AccountId': this.account,
      'AWS::Region': this.region,
      'AWS::Partition': 'aws',
      'AWS::URLSuffix': 'amazonaws.com',
    };
    const found = pseudo[id] ?? this.refs.get(id);
    if (found === undefined) throw new Error(`no test value for Ref ${id}`);
    return found;
  }
}

/** `*` and `?` wildcards, as IAM matches actions (case-insensitively) and resources. */
export function wildcardMatch(pattern: string, value: string, ignoreCase = false): boolean {
  const source = pattern
    .split('')
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`, ignoreCase ? 'i' : '').test(value);
}

const list = (value: unknown): unknown[] => (value === undefined ? [] : [value].flat());

function principalMatches(principal: unknown, request: Request): boolean {
  if (principal === undefined) return true; // an identity policy: the role is the principal
  if (principal === '*') return true;
  const p = principal as { AWS?: unknown; Service?: unknown };
  if (list(p.AWS).includes('*')) return true;
  if (request.principal?.service && list(p.Service).includes(request.principal.service)) return true;
  if (request.principal?.account) {
    const root = `arn:aws:iam::${request.principal.account}:root`;
    if (list(p.AWS).some((a) => a === root || a === request.principal?.account)) return true;
  }
  return false;
}

/** One condition operator against the request's context; unknown operators throw. */
function conditionHolds(operator: string, key: string, expected: unknown[], request: Request): boolean {
  const value = request.context?.[key];
  // A multi-valued key with no value is absent, as IAM sees it.
  const absent = value === undefined || (Array.isArray(value) && value.length === 0);
  if (operator === 'Null') return expected.map(String).includes(String(absent));
  if (operator.startsWith('ForAllValues:')) {
    // Every value must satisfy the operator; no value at all satisfies it (hence policies add Null).
    const single = operator.slice('ForAllValues:'.length);
    return [value ?? []]
      .flat()
      .every((one) => conditionHolds(single, key, expected, { ...request, context: { [key]: one } }));
  }
  if (Array.isArray(value)) throw new Error(`iam test evaluator: ${key} is multi-valued: use ForAllValues`);
  const actual = value as string | undefined;
  const ifExists = operator.endsWith('IfExists');
  const op = ifExists ? operator.slice(0, -'IfExists'.length) : operator;
  if (actual === undefined) return ifExists || op.startsWith('StringNot') || op.startsWith('ArnNot');
  const values = expected.map(String);
  switch (op) {
    case 'StringEquals':
    case 'ArnEquals':
      return values.includes(actual);
    case 'StringNotEquals':
      return !values.includes(actual);
    case 'StringLike':
    case 'ArnLike':
      return values.some((v) => wildcardMatch(v, actual));
    case 'Bool':
      return values.includes(actual);
    default:
      throw new Error(`iam test evaluator: condition operator ${operator} not supported`);
  }
}

/** Whether one statement applies to the request (its effect aside). */
export function statementApplies(statement: Statement, request: Request): boolean {
  if (!principalMatches(statement.Principal, request)) return false;
  const actionHit = (patterns: unknown) =>
    list(patterns).some((a) => wildcardMatch(String(a), request.action, true));
  if (statement.Action !== undefined && !actionHit(statement.Action)) return false;
  if (statement.NotAction !== undefined && actionHit(statement.NotAction)) return false;
  if (!list(statement.Resource).some((r) => wildcardMatch(String(r), request.resource))) return false;
  for (const [operator, keys] of Object.entries(statement.Condition ?? {})) {
    for (const [key, expected] of Object.entries(keys)) {
      if (!conditionHolds(operator, key, list(expected), request)) return false;
    }
  }
  return true;
}

/** IAM's decision: explicit Deny, else Allow, else implicit deny. Statements must be resolved already. */
export function evaluate(statements: readonly Statement[], request: Request): Decision {
  const applying = statements.filter((s) => statementApplies(s, request));
  if (applying.some((s) => s.Effect === 'Deny')) return 'explicitly denied';
  if (applying.some((s) => s.Effect === 'Allow')) return 'allowed';
  return 'implicitly denied';
}

/** The statements of a policy document, resolved to the test's names. */
export function resolvedStatements(names: TemplateNames, document: unknown): Statement[] {
  return (names.resolve(document) as { Statement: Statement[] }).Statement;
}
