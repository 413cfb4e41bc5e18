import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Order, Shipment, StatusChange } from '../../core/orders/order';
import type { OrderStore } from '../../core/ports';
import { isConditionalCheckFailed, withoutAttributes } from './document-client';

/** Orders, with the task token of the step their execution waits in (`taskToken`, storage only). */
export class DynamoOrderStore implements OrderStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(orderId: string): Promise<Order | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: { orderId }, ConsistentRead: true }));
    return Item ? withoutAttributes<Order>(Item, 'taskToken') : undefined;
  }

  async create(order: Order): Promise<boolean> {
    try {
      await this.db.send(new PutCommand({ TableName: this.tableName, Item: order, ConditionExpression: 'attribute_not_exists(orderId)' }));
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }

  async discard(orderId: string): Promise<boolean> {
    try {
      await this.db.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: { orderId },
          ConditionExpression: '#status = :received AND size(invoiceIds) = :none',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':received': 'RECEIVED', ':none': 0 },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }

  async addShipment(orderId: string, shipment: Shipment, expectedStatuses: readonly string[]): Promise<boolean> {
    return this.conditional(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { orderId },
        UpdateExpression: 'SET shipments = list_append(shipments, :shipment), updatedAt = :now',
        ConditionExpression: `attribute_exists(orderId) AND size(shipments) = :none AND #status IN (${expectedStatuses.map((_, i) => `:s${i}`).join(', ')})`,
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':shipment': [shipment],
          ':now': shipment.reportedAt,
          ':none': 0,
          ...Object.fromEntries(expectedStatuses.map((s, i) => [`:s${i}`, s])),
        },
      }),
    );
  }

  async transition(
    orderId: string,
    from: readonly string[],
    change: StatusChange & { status: Order['status'] },
    extra: { taskToken?: string | null; requireNoShipments?: boolean } = {},
  ): Promise<boolean> {
    const sets = ['#status = :status', 'history = list_append(history, :change)', 'updatedAt = :at'];
    const values: Record<string, unknown> = {
      ':status': change.status,
      ':change': [change],
      ':at': change.at,
      ...Object.fromEntries(from.map((s, i) => [`:from${i}`, s])),
    };
    let remove = '';
    if (extra.taskToken) {
      sets.push('taskToken = :token');
      values[':token'] = extra.taskToken;
    } else if (extra.taskToken === null) {
      remove = ' REMOVE taskToken';
    }
    let condition = `attribute_exists(orderId) AND #status IN (${from.map((_, i) => `:from${i}`).join(', ')})`;
    if (extra.requireNoShipments) {
      condition += ' AND size(shipments) = :none';
      values[':none'] = 0;
    }
    return this.conditional(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { orderId },
        UpdateExpression: `SET ${sets.join(', ')}${remove}`,
        ConditionExpression: condition,
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: values,
      }),
    );
  }

  async taskToken(orderId: string): Promise<string | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: { orderId }, ConsistentRead: true, ProjectionExpression: 'taskToken' }),
    );
    return typeof Item?.taskToken === 'string' ? Item.taskToken : undefined;
  }

  async uninvoicedTotal(customerId: string, currency: string): Promise<number> {
    let total = 0;
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: 'byCustomer',
          KeyConditionExpression: 'customerId = :c',
          FilterExpression: '#status IN (:received, :hold, :awaiting) AND currency = :currency',
          ProjectionExpression: 'totalMinor',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':c': customerId, ':currency': currency, ':received': 'RECEIVED', ':hold': 'CREDIT_HOLD', ':awaiting': 'AWAITING_SHIPMENT' },
          ExclusiveStartKey,
        }),
      );
      for (const item of page.Items ?? []) total += Number(item.totalMinor ?? 0);
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return total;
  }

  private async conditional(command: UpdateCommand): Promise<boolean> {
    try {
      await this.db.send(command);
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }
}
