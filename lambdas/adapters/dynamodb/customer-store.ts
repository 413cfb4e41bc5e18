import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Customer } from '../../core/customers/customer';
import type { CustomerStore } from '../../core/ports';
import { isConditionalCheckFailed } from './document-client';

export class DynamoCustomerStore implements CustomerStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(customerId: string): Promise<Customer | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: { customerId }, ConsistentRead: true }));
    return Item as Customer | undefined;
  }

  /**
   * Stores the customer's master data. The on-account credit and the reserved credit are left as they
   * are (payments and orders change them atomically with themselves), so an update never loses them.
   * Conditional on the owner: a customer registered by another client meanwhile is not overwritten.
   */
  async put(customer: Customer): Promise<boolean> {
    const { customerId, onAccountCreditMinor: _credit, creditReservedMinor: _reserved, ...fields } = customer;
    const entries = Object.entries(fields).filter(([, v]) => v !== undefined);
    const owner = customer.registeredBy;
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { customerId },
          UpdateExpression: `SET ${entries.map((_, i) => `#f${i} = :v${i}`).join(', ')}, onAccountCreditMinor = if_not_exists(onAccountCreditMinor, :zero)`,
          ConditionExpression: owner === undefined ? 'attribute_not_exists(customerId) OR attribute_not_exists(#owner)' : 'attribute_not_exists(customerId) OR #owner = :owner',
          ExpressionAttributeNames: { ...Object.fromEntries(entries.map(([k], i) => [`#f${i}`, k])), '#owner': 'registeredBy' },
          ExpressionAttributeValues: { ...Object.fromEntries(entries.map(([, v], i) => [`:v${i}`, v])), ':zero': 0, ...(owner === undefined ? {} : { ':owner': owner }) },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }
}
