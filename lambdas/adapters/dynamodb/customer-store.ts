import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Customer } from '../../core/customers/customer';
import type { CustomerStore } from '../../core/ports';

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
   * Stores the customer's master data. The on-account credit is left as it is (payments change it
   * atomically with their allocations), so an update never loses a concurrent payment's credit.
   */
  async put(customer: Customer): Promise<void> {
    const { customerId, onAccountCreditMinor: _credit, ...fields } = customer;
    const entries = Object.entries(fields);
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { customerId },
        UpdateExpression: `SET ${entries.map((_, i) => `#f${i} = :v${i}`).join(', ')}, onAccountCreditMinor = if_not_exists(onAccountCreditMinor, :zero)`,
        ExpressionAttributeNames: Object.fromEntries(entries.map(([k], i) => [`#f${i}`, k])),
        ExpressionAttributeValues: { ...Object.fromEntries(entries.map(([, v], i) => [`:v${i}`, v])), ':zero': 0 },
      }),
    );
  }
}

/**
 * The transaction item that adds to a customer what cash application learned or kept for it: the
 * on-account credit of an overpayment (`ADD onAccountCreditMinor`) and the payer accounts and names
 * it pays with (`ADD` to the string sets `knownPayerAccounts` / `knownPayerNames`). Only `ADD`: no
 * other field of the customer is touched, so it never overwrites a concurrent update of the master
 * data. Undefined when there is nothing to add.
 */
export function customerCashUpdate(
  tableName: string,
  customerId: string,
  add: { readonly onAccountCreditMinor?: number; readonly payerAccount?: string | null; readonly payerName?: string | null },
) {
  const parts: string[] = [];
  const values: Record<string, unknown> = {};
  if (add.onAccountCreditMinor) {
    parts.push('onAccountCreditMinor :credit');
    values[':credit'] = add.onAccountCreditMinor;
  }
  if (add.payerAccount) {
    parts.push('knownPayerAccounts :accounts');
    values[':accounts'] = new Set([add.payerAccount]);
  }
  if (add.payerName) {
    parts.push('knownPayerNames :names');
    values[':names'] = new Set([add.payerName]);
  }
  if (parts.length === 0) return undefined;
  return {
    Update: {
      TableName: tableName,
      Key: { customerId },
      UpdateExpression: `ADD ${parts.join(', ')}`,
      ConditionExpression: 'attribute_exists(customerId)',
      ExpressionAttributeValues: values,
    },
  };
}
