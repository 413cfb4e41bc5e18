/** The customers' portal activity (table PortalActivity): written once per action, read newest first. */
import { PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { PortalActivityEntry, PortalActivityStore } from '../../core/portal/portal';

export class DynamoPortalActivityStore implements PortalActivityStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async record(entry: PortalActivityEntry): Promise<void> {
    await this.db.send(new PutCommand({ TableName: this.tableName, Item: entry, ConditionExpression: 'attribute_not_exists(entryId)' }));
  }

  async list(customerId: string, limit: number): Promise<PortalActivityEntry[]> {
    const { Items } = await this.db.send(
      new QueryCommand({ TableName: this.tableName, KeyConditionExpression: 'customerId = :c', ExpressionAttributeValues: { ':c': customerId }, ScanIndexForward: false, Limit: limit }),
    );
    return (Items ?? []) as PortalActivityEntry[];
  }
}
