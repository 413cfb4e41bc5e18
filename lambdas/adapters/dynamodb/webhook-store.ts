import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Delivery, Subscription, WebhookStore } from '../../core/webhooks/webhooks';
import { isConditionalCheckFailed, withoutAttributes } from './document-client';
import { queryAll } from './batch';
import { indexName } from '../../../lib/definitions/tables';

const ACTIVE = indexName('Webhooks', 'activeSubscriptions');
const SUBSCRIPTION = 'subscription';
const deliveryKey = (eventId: string) => `delivery#${eventId}`;

/** Subscriptions (sk `subscription`, `registry = ACTIVE` while active) and their deliveries (sk `delivery#<eventId>`). */
export class DynamoWebhookStore implements WebhookStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async create(subscription: Subscription) {
    await this.db.send(
      new PutCommand({ TableName: this.tableName, Item: { ...subscription, sk: SUBSCRIPTION, registry: 'ACTIVE' }, ConditionExpression: 'attribute_not_exists(webhookId)' }),
    );
  }

  async get(webhookId: string) {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: { webhookId, sk: SUBSCRIPTION }, ConsistentRead: true }));
    return Item ? withoutAttributes<Subscription>(Item, 'sk', 'registry') : undefined;
  }

  async active() {
    const items = await queryAll(this.db, { TableName: this.tableName, IndexName: ACTIVE, KeyConditionExpression: 'registry = :active', ExpressionAttributeValues: { ':active': 'ACTIVE' } });
    return items.map((item) => withoutAttributes<Subscription>(item, 'sk', 'registry'));
  }

  async markDeleted(webhookId: string, at: string) {
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { webhookId, sk: SUBSCRIPTION },
        UpdateExpression: 'SET deletedAt = :at REMOVE registry',
        ConditionExpression: 'attribute_exists(webhookId)',
        ExpressionAttributeValues: { ':at': at },
      }),
    );
  }

  async delivery(webhookId: string, eventId: string) {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: { webhookId, sk: deliveryKey(eventId) }, ConsistentRead: true }));
    return Item ? withoutAttributes<Delivery>(Item, 'sk', 'attemptCount') : undefined;
  }

  async recordAttempt(delivery: Delivery, attemptsBefore: number) {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...delivery, sk: deliveryKey(delivery.eventId), attemptCount: delivery.attempts.length },
          ConditionExpression: attemptsBefore === 0 ? 'attribute_not_exists(webhookId)' : 'attemptCount = :before',
          ...(attemptsBefore === 0 ? {} : { ExpressionAttributeValues: { ':before': attemptsBefore } }),
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }

  async deliveries(webhookId: string) {
    const items = await queryAll(this.db, {
      TableName: this.tableName,
      KeyConditionExpression: 'webhookId = :id AND begins_with(sk, :delivery)',
      ExpressionAttributeValues: { ':id': webhookId, ':delivery': 'delivery#' },
    });
    return items.map((item) => withoutAttributes<Delivery>(item, 'sk', 'attemptCount'));
  }
}
