import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DomainEvent } from '../../core/events/catalogue';
import type { OutboxStore } from '../../core/events/forwarding';
import type { DynamoDBStreamEvent } from 'aws-lambda';

/** The ids of the events a stream batch reports as new (modifications, such as `publishedAt`, and removals are not news). */
export function insertedEventIds(event: Pick<DynamoDBStreamEvent, 'Records'>): string[] {
  return (event.Records ?? []).filter((r) => r.eventName === 'INSERT').flatMap((r) => (r.dynamodb?.Keys?.eventId?.S ? [r.dynamodb.Keys.eventId.S] : []));
}

/** The outbox as the forwarder reads it (items written by {@link outboxPuts} in `outbox.ts`). */
export class DynamoOutboxStore implements OutboxStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(eventId: string) {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: { eventId }, ConsistentRead: true }));
    if (!Item || typeof Item.event !== 'string') return undefined;
    return { event: JSON.parse(Item.event) as DomainEvent, publishedAt: typeof Item.publishedAt === 'string' ? Item.publishedAt : null };
  }

  async markPublished(eventId: string, at: string) {
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { eventId },
        UpdateExpression: 'SET publishedAt = if_not_exists(publishedAt, :at)',
        ConditionExpression: 'attribute_exists(eventId)',
        ExpressionAttributeValues: { ':at': at },
      }),
    ).catch((error: unknown) => {
      // Withdrawn meanwhile: nothing to mark.
      if ((error as { name?: string }).name !== 'ConditionalCheckFailedException') throw error;
    });
  }
}
