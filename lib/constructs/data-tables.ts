/**
 * One DynamoDB table per entry of `tables` (lib/definitions/tables.ts): on-demand, point-in-time
 * recovery, encrypted with the AWS managed key (`aws/dynamodb`), with the declared keys, global
 * secondary indexes (all attributes projected) and TTL attribute.
 */
import { CfnOutput } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { indexProjection, tables, type KeyDefinition, type TableDefinition, type TableId } from '../definitions/tables';
import { removalPolicyOf, resourceName, type DeploymentConfig } from './deployment-config';

export interface DataTablesProps {
  readonly config: DeploymentConfig;
}

export class DataTables extends Construct {
  private readonly byId = new Map<TableId, dynamodb.TableV2>();

  constructor(scope: Construct, id: string, props: DataTablesProps) {
    super(scope, id);
    const { config } = props;
    for (const definition of tables) {
      const table = new dynamodb.TableV2(this, definition.id, {
        tableName: resourceName(config, definition.id),
        partitionKey: attribute(definition.partitionKey),
        ...(definition.sortKey ? { sortKey: attribute(definition.sortKey) } : {}),
        globalSecondaryIndexes: definition.indexes.map((index) => ({
          indexName: index.indexName,
          partitionKey: attribute(index.partitionKey),
          ...(index.sortKey ? { sortKey: attribute(index.sortKey) } : {}),
          ...cdkProjection(indexProjection(index)),
        })),
        ...(definition.timeToLiveAttribute ? { timeToLiveAttribute: definition.timeToLiveAttribute } : {}),
        ...(definition.stream ? { dynamoStream: dynamodb.StreamViewType.NEW_IMAGE } : {}),
        billing: dynamodb.Billing.onDemand(),
        pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
        // AWS managed key: encrypted at rest with a key whose use is logged in CloudTrail, without
        // a customer key to rotate, pay for and grant to every function (cdk-nag does not ask for one).
        encryption: dynamodb.TableEncryptionV2.awsManagedKey(),
        deletionProtection: config.retainData,
        removalPolicy: removalPolicyOf(config),
      });
      this.byId.set(definition.id, table);
      new CfnOutput(this, `${definition.id}TableName`, {
        key: `${definition.id}TableName`,
        value: table.tableName,
        description: definition.description,
      });
    }
  }

  /** The table created for a declared table id. */
  table(id: TableId): dynamodb.TableV2 {
    const table = this.byId.get(id);
    if (!table) throw new Error(`No table ${id}`);
    return table;
  }

  /**
   * ARNs an index query needs besides the table's: one per declared index, named exactly (no
   * `index/*` wildcard), so a grant covers the indexes the definition lists and nothing else.
   */
  indexArns(definition: TableDefinition): string[] {
    const table = this.table(definition.id);
    return definition.indexes.map((index) => `${table.tableArn}/index/${index.indexName}`);
  }
}

function attribute(key: KeyDefinition): dynamodb.Attribute {
  return { name: key.name, type: key.type === 'N' ? dynamodb.AttributeType.NUMBER : dynamodb.AttributeType.STRING };
}

function cdkProjection(projection: ReturnType<typeof indexProjection>): { projectionType: dynamodb.ProjectionType; nonKeyAttributes?: string[] } {
  if (projection.ProjectionType === 'KEYS_ONLY') return { projectionType: dynamodb.ProjectionType.KEYS_ONLY };
  if (projection.ProjectionType === 'INCLUDE') return { projectionType: dynamodb.ProjectionType.INCLUDE, nonKeyAttributes: projection.NonKeyAttributes ?? [] };
  return { projectionType: dynamodb.ProjectionType.ALL };
}
