import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { indexProjection, tables, type KeyDefinition } from '../../lib/definitions/tables';
import { buildStack } from './fixture';

const dev = buildStack();
const prod = buildStack({ stage: 'prod' });

const keySchema = (partitionKey: KeyDefinition, sortKey?: KeyDefinition) => [
  { AttributeName: partitionKey.name, KeyType: 'HASH' },
  ...(sortKey ? [{ AttributeName: sortKey.name, KeyType: 'RANGE' }] : []),
];

describe('tables', () => {
  it('creates exactly one table per declared table', () => {
    dev.template.resourceCountIs('AWS::DynamoDB::GlobalTable', tables.length);
    dev.template.resourceCountIs('AWS::DynamoDB::Table', 0);
  });

  describe.each(tables.map((t) => [t.id, t] as const))('%s', (id, definition) => {
    it('has the declared keys, indexes and TTL, on demand, encrypted with the AWS managed key', () => {
      const table = dev.resource(dev.tableLogicalId(id));
      const attributes = [definition.partitionKey, definition.sortKey, ...definition.indexes.flatMap((i) => [i.partitionKey, i.sortKey])]
        .filter((k): k is KeyDefinition => k !== undefined)
        .map((k) => ({ AttributeName: k.name, AttributeType: k.type }));
      const uniqueAttributes = [...new Map(attributes.map((a) => [a.AttributeName, a])).values()];

      expect(table.Properties).toMatchObject({
        TableName: `order-to-cash-dev-${id}`,
        KeySchema: keySchema(definition.partitionKey, definition.sortKey),
        BillingMode: 'PAY_PER_REQUEST',
        SSESpecification: { SSEEnabled: true, SSEType: 'KMS' },
      });
      expect(table.Properties.SSESpecification).not.toHaveProperty('KMSMasterKeyId');
      expect(table.Properties.AttributeDefinitions).toEqual(expect.arrayContaining(uniqueAttributes));
      expect(table.Properties.AttributeDefinitions).toHaveLength(uniqueAttributes.length);

      const indexes = (table.Properties.GlobalSecondaryIndexes ?? []) as unknown[];
      expect(indexes).toEqual(
        definition.indexes.map((index) => ({
          IndexName: index.indexName,
          KeySchema: keySchema(index.partitionKey, index.sortKey),
          // Only what the index's queries read (the declared projection); ALL where none is declared.
          Projection: indexProjection(index),
        })),
      );

      if (definition.timeToLiveAttribute) {
        expect(table.Properties.TimeToLiveSpecification).toEqual({ AttributeName: definition.timeToLiveAttribute, Enabled: true });
      } else {
        expect(table.Properties.TimeToLiveSpecification).toBeUndefined();
      }
    });

    it('projects into no Orders or Invoices index more than its queries read (every write copies the projection)', () => {
      const table = dev.resource(dev.tableLogicalId(id));
      const projections = ((table.Properties.GlobalSecondaryIndexes ?? []) as { IndexName: string; Projection: { ProjectionType: string } }[]).map((i) => [i.IndexName, i.Projection.ProjectionType]);
      if (id === 'Orders' || id === 'Invoices') expect(projections.filter(([, type]) => type === 'ALL')).toEqual([]);
      if (id === 'Invoices') expect(Object.fromEntries(projections)).toMatchObject({ byNextActionDate: 'KEYS_ONLY', byStatus: 'INCLUDE', byCustomer: 'INCLUDE' });
    });

    it('has point-in-time recovery; dev may be deleted, prod is protected and retained', () => {
      const devTable = dev.resource(dev.tableLogicalId(id));
      expect(devTable.Properties.Replicas).toEqual([
        expect.objectContaining({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true }, DeletionProtectionEnabled: false }),
      ]);
      expect(devTable).toMatchObject({ DeletionPolicy: 'Delete', UpdateReplacePolicy: 'Delete' });

      const prodTable = prod.resource(prod.tableLogicalId(id));
      expect(prodTable.Properties.TableName).toBe(`order-to-cash-prod-${id}`);
      expect(prodTable.Properties.Replicas).toEqual([
        expect.objectContaining({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true }, DeletionProtectionEnabled: true }),
      ]);
      expect(prodTable).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    });

    it('outputs the table name', () => {
      dev.template.hasOutput(`${id}TableName`, { Value: { Ref: dev.tableLogicalId(id) } });
    });
  });

  it('context retainData overrides the stage default', () => {
    const kept = buildStack({ stage: 'dev', retainData: 'true' });
    kept.template.allResources('AWS::DynamoDB::GlobalTable', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({ Replicas: [Match.objectLike({ DeletionProtectionEnabled: true })] }),
    });
  });
});
