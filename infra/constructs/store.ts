import { RemovalPolicy } from 'aws-cdk-lib';
import {
  AttributeType,
  BillingMode,
  type ProjectionType,
  Table,
  TableEncryption,
} from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { createTableInput, DUE_INDEX, KEY, TTL_ATTRIBUTE } from '../../shared/adapters/table-schema.js';

/** Properties of {@link Store}. */
export interface StoreProps {
  /** Keep the table (and forbid deleting it) when the stack goes: production data. */
  readonly retain: boolean;
}

/**
 * The Listener's single DynamoDB table: Loggers, their events (expiring by TTL) and the sparse `due`
 * index the sweeper reads. The shape comes from `createTableInput`, the same description local mode and
 * the tests create, so the deployed table cannot drift from the code that uses it.
 */
export class Store extends Construct {
  readonly table: Table;

  constructor(scope: Construct, id: string, props: StoreProps) {
    super(scope, id);
    const shape = createTableInput('shape');
    const typeOf = (name: string): AttributeType => {
      const type = shape.AttributeDefinitions.find((a) => a.AttributeName === name)?.AttributeType;
      if (type === undefined) throw new Error(`table-schema: attribute ${name} has no definition`);
      return type === 'N' ? AttributeType.NUMBER : AttributeType.STRING;
    };

    this.table = new Table(this, 'Table', {
      partitionKey: { name: KEY.partition, type: typeOf(KEY.partition) },
      sortKey: { name: KEY.sort, type: typeOf(KEY.sort) },
      // On demand: 10^4 Loggers make a few writes a minute; provisioned capacity would sit idle.
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: TTL_ATTRIBUTE,
      // AWS-owned key: encrypted at rest at no KMS request cost on every heartbeat write.
      encryption: TableEncryption.DEFAULT,
      deletionProtection: props.retain,
      removalPolicy: props.retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });

    for (const index of shape.GlobalSecondaryIndexes) {
      const [hash, range] = index.KeySchema;
      if (hash === undefined) throw new Error(`table-schema: index ${index.IndexName} has no partition key`);
      this.table.addGlobalSecondaryIndex({
        indexName: index.IndexName,
        partitionKey: { name: hash.AttributeName, type: typeOf(hash.AttributeName) },
        ...(range ? { sortKey: { name: range.AttributeName, type: typeOf(range.AttributeName) } } : {}),
        projectionType: index.Projection.ProjectionType as ProjectionType,
      });
    }
  }

  /** ARN of the sweeper's `due` index (grants name it so that no other index is readable). */
  get dueIndexArn(): string {
    return `${this.table.tableArn}/index/${DUE_INDEX.name}`;
  }
}
