import { Arn, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import {
  AttributeType,
  BillingMode,
  type CfnGlobalTable,
  type ITable,
  MultiRegionConsistency,
  type ProjectionType,
  Table,
  TableEncryption,
  TableEncryptionV2,
  TableV2,
} from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { AwsCustomResource, AwsCustomResourcePolicy, PhysicalResourceId } from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import {
  createTableInput,
  DUE_INDEX,
  KEY,
  type TableConsistency,
  timeToLiveAttribute,
} from '../../shared/adapters/dynamo/table-schema.js';
import type { Pairing } from '../stages.js';

/** Properties of {@link Store}. */
export interface StoreProps {
  /** Keep the table (and forbid deleting it) when the stack goes: production data. */
  readonly retain: boolean;
  /** One side of a Listener pair: the pair's global table instead of a table of this stack's own. */
  readonly pairing?: Pairing;
}

/**
 * The Listener's DynamoDB table: Loggers, their events and the sparse `due` index the sweeper reads. The
 * shape comes from `createTableInput`, the same description local mode and the tests create, so the
 * deployed table cannot drift from the code that uses it.
 *
 * A single Listener owns its table (events expire by TTL). The two sides of a pair share one global table
 * with multi-Region strong consistency (docs/architecture.md#two-regions-why-mrsc), so that a conditional
 * write holds across both regions: side a's stack defines it, with its replica in side b's region and its
 * witness; side b's stack refers to its own region's replica by the name the pair stage chose.
 */
export class Store extends Construct {
  /** This region's table (in a pair, this region's replica). */
  readonly table: ITable;
  /** The pair's global table: in side a's stack only. */
  readonly globalTable?: TableV2;

  constructor(scope: Construct, id: string, props: StoreProps) {
    super(scope, id);
    const { pairing } = props;
    if (pairing === undefined) {
      this.table = singleRegionTable(this, props.retain);
    } else if (pairing.side === 'a') {
      this.globalTable = pairTable(this, pairing, props.retain);
      this.table = this.globalTable;
      if (props.retain) protectOnceCreated(this, this.globalTable, pairing);
    } else {
      // Created by side a's stack (this stack depends on it): the name is the pair stage's, so no
      // cross-region reference is needed, and the ARN is this region's replica.
      this.table = TableV2.fromTableName(this, 'Table', pairing.tableName);
    }
  }

  get tableName(): string {
    return this.table.tableName;
  }

  /** ARN of this region's table: the only table this stack's functions may touch. */
  get tableArn(): string {
    return this.table.tableArn;
  }

  /** ARN of one index of this region's table. */
  indexArn(indexName: string): string {
    return `${this.tableArn}/index/${indexName}`;
  }

  /** ARN of the sweeper's `due` index (grants name it so that no other index is readable). */
  get dueIndexArn(): string {
    return this.indexArn(DUE_INDEX.name);
  }
}

const SHAPE = createTableInput('shape');

function typeOf(name: string): AttributeType {
  const type = SHAPE.AttributeDefinitions.find((a) => a.AttributeName === name)?.AttributeType;
  if (type === undefined) throw new Error(`table-schema: attribute ${name} has no definition`);
  return type === 'N' ? AttributeType.NUMBER : AttributeType.STRING;
}

/** The key schema, and each global secondary index of the shape in CDK's terms. */
function keys() {
  const indexes = SHAPE.GlobalSecondaryIndexes.map((index) => {
    const [hash, range] = index.KeySchema;
    if (hash === undefined) throw new Error(`table-schema: index ${index.IndexName} has no partition key`);
    return {
      indexName: index.IndexName,
      partitionKey: { name: hash.AttributeName, type: typeOf(hash.AttributeName) },
      ...(range ? { sortKey: { name: range.AttributeName, type: typeOf(range.AttributeName) } } : {}),
      projectionType: index.Projection.ProjectionType as ProjectionType,
    };
  });
  return {
    partitionKey: { name: KEY.partition, type: typeOf(KEY.partition) },
    sortKey: { name: KEY.sort, type: typeOf(KEY.sort) },
    indexes,
  };
}

function singleRegionTable(scope: Construct, retain: boolean): Table {
  const { partitionKey, sortKey, indexes } = keys();
  const table = new Table(scope, 'Table', {
    partitionKey,
    sortKey,
    // On demand: 10^4 Loggers make a few writes a minute; provisioned capacity would sit idle.
    billingMode: BillingMode.PAY_PER_REQUEST,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    timeToLiveAttribute: timeToLiveAttribute('single-region'),
    // AWS-owned key: encrypted at rest at no KMS request cost on every heartbeat write.
    encryption: TableEncryption.DEFAULT,
    deletionProtection: retain,
    removalPolicy: retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
  });
  for (const index of indexes) table.addGlobalSecondaryIndex(index);
  return table;
}

/**
 * The pair's global table: replicas in side a's region (this stack's) and side b's, and a witness, with
 * multi-Region strong consistency. MRSC must be chosen at creation and supports neither TTL nor
 * transactions: the table has no TTL, and the sweeper deletes expired items itself
 * (docs/architecture.md#expiring-items-without-ttl).
 *
 * A first create that fails must leave nothing behind, or the next deploy finds the table's name taken
 * (and MRSC tables are slow to clear by hand: docs/deploy.md#tearing-a-pair-down). So a `retain` pair is
 * RETAIN_ON_UPDATE_OR_DELETE (a rolled-back create deletes it; an update or a stack deletion keeps it) and
 * the template asks for no deletion protection, which would stop that rollback: {@link protectOnceCreated}
 * turns it on once the table exists.
 */
function pairTable(scope: Construct, pairing: Pairing, retain: boolean): TableV2 {
  const { partitionKey, sortKey, indexes } = keys();
  const consistency: TableConsistency = 'multi-region-strong';
  const ttl = timeToLiveAttribute(consistency);
  const table = new TableV2(scope, 'GlobalTable', {
    tableName: pairing.tableName,
    ...(ttl ? { timeToLiveAttribute: ttl } : {}),
    partitionKey,
    sortKey,
    globalSecondaryIndexes: indexes,
    multiRegionConsistency: MultiRegionConsistency.STRONG,
    replicas: [{ region: pairing.twin.region }],
    witnessRegion: pairing.witnessRegion,
    // On demand, PITR, AWS-owned key and deletion protection in every replica, as for a single table.
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    encryption: TableEncryptionV2.dynamoOwnedKey(),
    // Off in the template either way: a retain pair's is turned on by protectOnceCreated.
    deletionProtection: false,
    removalPolicy: retain ? RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE : RemovalPolicy.DESTROY,
  });
  // Said by nobody in the template (not even `false`), so that no later update touches what
  // protectOnceCreated set.
  const cfn = table.node.defaultChild as CfnGlobalTable;
  if (retain) {
    for (const index of [0, 1])
      cfn.addPropertyDeletionOverride(`Replicas.${index}.DeletionProtectionEnabled`);
  }
  // TableV2 turns a stream on for any replicated table; MRSC replicates without one and nothing here reads
  // it, so it would only keep a day of every item's images for nobody.
  (table.node.defaultChild as CfnGlobalTable).addPropertyDeletionOverride('StreamSpecification');
  return table;
}

/**
 * Deletion protection on each replica of a `retain` pair's table, turned on by an UpdateTable once
 * CloudFormation has created it (after the table, in the same deploy), and off again only when this
 * resource is deleted: in a rolled-back first deploy, just before CloudFormation deletes the table; in a
 * stack deletion, which a production pair's termination protection refuses first, the retained table is
 * then left unprotected (docs/deploy.md#tearing-a-pair-down says to turn it back on or remove it).
 */
function protectOnceCreated(scope: Construct, table: TableV2, pairing: Pairing) {
  for (const region of pairing.replicaRegions) {
    const replicaArn = Arn.format(
      { service: 'dynamodb', region, resource: 'table', resourceName: pairing.tableName },
      Stack.of(scope),
    );
    const call = (enabled: boolean) => ({
      service: 'DynamoDB',
      action: 'UpdateTable',
      region,
      parameters: { TableName: pairing.tableName, DeletionProtectionEnabled: enabled },
      physicalResourceId: PhysicalResourceId.of(`${pairing.tableName}:${region}:deletion-protection`),
    });
    const protection = new AwsCustomResource(scope, `DeletionProtection-${region}`, {
      onCreate: call(true),
      onUpdate: call(true),
      onDelete: { ...call(false), ignoreErrorCodesMatching: 'ResourceNotFoundException' },
      policy: AwsCustomResourcePolicy.fromStatements([
        new PolicyStatement({ actions: ['dynamodb:UpdateTable'], resources: [replicaArn] }),
      ]),
      installLatestAwsSdk: false,
    });
    protection.node.addDependency(table);
  }
  acknowledgeProvider(scope);
}

/** cdk-nag findings of the AwsCustomResource provider function CDK adds once per stack. */
function acknowledgeProvider(scope: Construct) {
  // The singleton function's id, as SingletonFunction names it.
  const id = `AWS${AwsCustomResource.PROVIDER_FUNCTION_UUID.replace(/-/g, '')}`;
  const provider = Stack.of(scope).node.tryFindChild(id);
  if (!provider) throw new Error(`AwsCustomResource provider ${id} not found: did aws-cdk-lib rename it?`);
  Validations.of(provider).acknowledge({
    id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    reason:
      "CDK's AwsCustomResource provider (it only turns a pair table's deletion protection on and off, twice " +
      'in a stack’s life) logs with the basic execution role; it touches no data.',
  });
}
