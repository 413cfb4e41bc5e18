import { DeleteCommand, GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import type { Order, Shipment, StatusChange } from '../../core/orders/order';
import type { CreditChange, OrderStore, OrderWait } from '../../core/ports';
import { cancellationCodes, isConditionalCheckFailed, withoutAttributes } from './document-client';
import { queryAll } from './batch';
import { indexName } from '../../../lib/definitions/tables';
import { outboxPuts } from './outbox';
import { eventIdFor } from '../../core/events/events';
import type { DomainEvent } from '../../core/events/catalogue';

const ORDERS_BY_CUSTOMER = indexName('Orders', 'byCustomer');

/** Storage-only attributes: the waiting step's token and what it waits for, the settled invoices. */
const STORAGE_ONLY = ['taskToken', 'waitingFor', 'settledInvoiceIds'];

/** Orders, with the task token of the step their execution waits in. */
export class DynamoOrderStore implements OrderStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    /** The Customers table, for the credit reserved with an order's transition (functions that change credit). */
    private readonly customersTable?: string,
    /** The Outbox table: the events a change reports are written with it (functions that change orders). */
    private readonly outboxTable?: string,
  ) {}

  async reserveCredit(orderId: string, customerId: string, amountMinor: number, maxReservedBefore: number, events: readonly DomainEvent[] = []): Promise<'reserved' | 'over-limit' | 'not-received'> {
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.customers(),
                Key: { customerId },
                UpdateExpression: 'ADD creditReservedMinor :amount',
                ConditionExpression: 'attribute_exists(customerId) AND (attribute_not_exists(creditReservedMinor) OR creditReservedMinor <= :max)',
                ExpressionAttributeValues: { ':amount': amountMinor, ':max': maxReservedBefore },
              },
            },
            {
              Update: {
                TableName: this.tableName,
                Key: { orderId },
                UpdateExpression: 'SET creditReservedMinor = :amount',
                ConditionExpression: '#status = :received AND attribute_not_exists(creditReservedMinor)',
                ExpressionAttributeNames: { '#status': 'status' },
                ExpressionAttributeValues: { ':amount': amountMinor, ':received': 'RECEIVED' },
              },
            },
            ...outboxPuts(this.outboxTable, events),
          ],
        }),
      );
      return 'reserved';
    } catch (error) {
      const codes = cancellationCodes(error);
      if (!codes) throw error;
      if (codes[1] === 'ConditionalCheckFailed') return 'not-received';
      if (codes[0] === 'ConditionalCheckFailed') return 'over-limit';
      throw error;
    }
  }

  private customers(): string {
    if (!this.customersTable) throw new Error('The order store was built without the Customers table');
    return this.customersTable;
  }

  async get(orderId: string): Promise<Order | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: { orderId }, ConsistentRead: true }));
    return Item ? withoutAttributes<Order>(Item, ...STORAGE_ONLY) : undefined;
  }

  async create(order: Order, events: readonly DomainEvent[] = []): Promise<boolean> {
    const put = { TableName: this.tableName, Item: order, ConditionExpression: 'attribute_not_exists(orderId)' };
    if (events.length === 0) return this.conditional(new PutCommand(put));
    return this.transaction([{ Put: put }, ...outboxPuts(this.outboxTable, events)]);
  }

  async discard(orderId: string): Promise<boolean> {
    const remove = {
      TableName: this.tableName,
      Key: { orderId },
      ConditionExpression: '#status = :received AND size(invoiceIds) = :none',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':received': 'RECEIVED', ':none': 0 },
    };
    if (!this.outboxTable) return this.conditional(new DeleteCommand(remove));
    // The order's OrderPlaced event goes with it: the forwarder publishes only what is still in the outbox.
    return this.transaction([{ Delete: remove }, { Delete: { TableName: this.outboxTable, Key: { eventId: eventIdFor('OrderPlaced.v1', orderId) } } }]);
  }

  async addShipment(orderId: string, shipment: Shipment, expectedStatuses: readonly string[], expectedVersion: number, events: readonly DomainEvent[] = []): Promise<boolean> {
    return this.conditionalWithEvents(
      events,
      new UpdateCommand({
        TableName: this.tableName,
        Key: { orderId },
        UpdateExpression: 'SET shipments = list_append(shipments, :shipment), updatedAt = :now ADD pendingShipments :one, version :one',
        ConditionExpression: `attribute_exists(orderId) AND version = :version AND #status IN (${expectedStatuses.map((_, i) => `:s${i}`).join(', ')})`,
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':shipment': [shipment],
          ':now': shipment.reportedAt,
          ':one': 1,
          ':version': expectedVersion,
          ...Object.fromEntries(expectedStatuses.map((s, i) => [`:s${i}`, s])),
        },
      }),
    );
  }

  async transition(
    orderId: string,
    from: readonly string[],
    change: StatusChange & { status: Order['status'] },
    extra: { wait?: { taskToken: string; waitingFor: OrderWait }; requireNoShipments?: boolean; requireNoPendingShipments?: boolean; credit?: CreditChange; events?: readonly DomainEvent[] } = {},
  ): Promise<boolean> {
    const sets = ['#status = :status', 'history = list_append(history, :change)', 'updatedAt = :at'];
    const values: Record<string, unknown> = {
      ':status': change.status,
      ':change': [change],
      ':at': change.at,
      ...Object.fromEntries(from.map((s, i) => [`:from${i}`, s])),
    };
    if (extra.wait) {
      sets.push('taskToken = :token', 'waitingFor = :waitingFor');
      values[':token'] = extra.wait.taskToken;
      values[':waitingFor'] = extra.wait.waitingFor;
    }
    let condition = `attribute_exists(orderId) AND #status IN (${from.map((_, i) => `:from${i}`).join(', ')})`;
    if (extra.requireNoShipments) {
      condition += ' AND size(shipments) = :none';
      values[':none'] = 0;
    }
    if (extra.requireNoPendingShipments) {
      condition += ' AND pendingShipments = :zero';
      values[':zero'] = 0;
    }
    if (extra.credit) {
      sets.push('creditReservedMinor = :orderReserved');
      values[':orderReserved'] = extra.credit.orderReservedMinor;
    }
    const update = { TableName: this.tableName, Key: { orderId }, UpdateExpression: `SET ${sets.join(', ')}`, ConditionExpression: condition, ExpressionAttributeNames: { '#status': 'status' }, ExpressionAttributeValues: values };
    if (!extra.credit) return this.conditionalWithEvents(extra.events ?? [], new UpdateCommand(update));
    // The customer's reserved credit changes with the order, in one transaction.
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            { Update: update },
            {
              Update: {
                TableName: this.customers(),
                Key: { customerId: extra.credit.customerId },
                UpdateExpression: 'ADD creditReservedMinor :delta',
                ConditionExpression: 'attribute_exists(customerId)',
                ExpressionAttributeValues: { ':delta': extra.credit.deltaMinor },
              },
            },
            ...outboxPuts(this.outboxTable, extra.events ?? []),
          ],
        }),
      );
      return true;
    } catch (error) {
      if (cancellationCodes(error)?.[0] === 'ConditionalCheckFailed') return false;
      throw error;
    }
  }

  async taskToken(orderId: string, waitingFor: OrderWait): Promise<string | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: { orderId }, ConsistentRead: true, ProjectionExpression: 'taskToken, waitingFor' }),
    );
    return typeof Item?.taskToken === 'string' && Item.waitingFor === waitingFor ? Item.taskToken : undefined;
  }

  async waitInStatus(orderId: string, status: Order['status'], wait: { taskToken: string; waitingFor: OrderWait }): Promise<boolean> {
    return this.conditional(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { orderId },
        UpdateExpression: 'SET taskToken = :token, waitingFor = :waitingFor',
        ConditionExpression: 'attribute_exists(orderId) AND #status = :status',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':token': wait.taskToken, ':waitingFor': wait.waitingFor, ':status': status },
      }),
    );
  }

  async waitForSettlement(orderId: string, taskToken: string): Promise<boolean> {
    return this.conditional(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { orderId },
        UpdateExpression: 'SET taskToken = :token, waitingFor = :settlement',
        ConditionExpression: 'attribute_exists(orderId) AND openInvoiceCount > :zero',
        ExpressionAttributeValues: { ':token': taskToken, ':settlement': 'settlement', ':zero': 0 },
      }),
    );
  }

  async recordInvoiceSettled(orderId: string, invoiceId: string) {
    try {
      const { Attributes } = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { orderId },
          UpdateExpression: 'ADD openInvoiceCount :minusOne, settledInvoiceIds :invoice',
          ConditionExpression: 'attribute_exists(orderId) AND NOT contains(settledInvoiceIds, :id)',
          ExpressionAttributeValues: { ':minusOne': -1, ':invoice': new Set([invoiceId]), ':id': invoiceId },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return {
        openInvoiceCount: Number(Attributes?.openInvoiceCount ?? 0),
        settlementToken: Attributes?.waitingFor === 'settlement' && typeof Attributes.taskToken === 'string' ? Attributes.taskToken : undefined,
      };
    } catch (error) {
      if (isConditionalCheckFailed(error)) return undefined;
      throw error;
    }
  }

  async uninvoicedTotal(customerId: string, currency: string): Promise<number> {
    const items = await queryAll(this.db, {
      TableName: this.tableName,
      IndexName: ORDERS_BY_CUSTOMER,
      KeyConditionExpression: 'customerId = :c',
      FilterExpression: '#status IN (:received, :awaiting, :partially) AND currency = :currency',
      ProjectionExpression: 'totalMinor, invoicedMinor',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':c': customerId, ':currency': currency, ':received': 'RECEIVED', ':awaiting': 'AWAITING_SHIPMENT', ':partially': 'PARTIALLY_SHIPPED' },
    });
    return items.reduce((total, item) => total + Number(item.totalMinor ?? 0) - Number(item.invoicedMinor ?? 0), 0);
  }

  /** The update alone, or with the events it reports in one transaction; false when its condition fails. */
  private async conditionalWithEvents(events: readonly DomainEvent[], command: UpdateCommand): Promise<boolean> {
    if (events.length === 0) return this.conditional(command);
    return this.transaction([{ Update: command.input as NonNullable<TransactWriteCommandInput['TransactItems']>[number]['Update'] }, ...outboxPuts(this.outboxTable, events)]);
  }

  /** A transaction whose first item carries the condition that decides: false when it fails. */
  private async transaction(items: NonNullable<TransactWriteCommandInput['TransactItems']>): Promise<boolean> {
    try {
      await this.db.send(new TransactWriteCommand({ TransactItems: items }));
      return true;
    } catch (error) {
      if (cancellationCodes(error)?.[0] === 'ConditionalCheckFailed') return false;
      throw error;
    }
  }

  private async conditional(command: UpdateCommand | PutCommand | DeleteCommand): Promise<boolean> {
    try {
      await this.db.send(command as UpdateCommand);
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }
}
