import { afterEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoCustomerStore } from '../../../lambdas/adapters/dynamodb/customer-store';
import { DynamoInvoiceStore } from '../../../lambdas/adapters/dynamodb/invoice-store';
import { listInvoices } from '../../../lambdas/core/invoices/invoices';
import { ValidationError } from '../../../lambdas/core/errors';
import { FINANCE } from '../../support/builders';

const client = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-1' }));
const ddb = mockClient(client);

afterEach(() => ddb.reset());

describe('listing invoices at least N days past due', () => {
  it('asks the status index for due dates on or before the cut-off, not the whole status', async () => {
    // Prepare
    ddb.on(QueryCommand).resolves({ Items: [] });
    const store = new DynamoInvoiceStore(client, { invoices: 'Invoices' });

    // Act
    await listInvoices({ invoices: store, customers: new DynamoCustomerStore(client, 'Customers') }, FINANCE, { status: 'OVERDUE', dueOnOrBefore: '2026-10-27' });

    // Assess
    expect(ddb).toHaveReceivedCommandWith(QueryCommand, {
      TableName: 'Invoices',
      IndexName: 'byStatus',
      KeyConditionExpression: '#a = :v AND dueDate <= :due',
      ExpressionAttributeValues: { ':v': 'OVERDUE', ':due': '2026-10-27' },
    });
  });

  it('uses the customer index the same way, and without a cut-off reads the key alone', async () => {
    // Prepare
    ddb.on(QueryCommand).resolves({ Items: [] });
    const store = new DynamoInvoiceStore(client, { invoices: 'Invoices' });

    // Act
    await listInvoices({ invoices: store, customers: new DynamoCustomerStore(client, 'Customers') }, FINANCE, { customerId: 'C-1', dueOnOrBefore: '2026-11-01' });
    await listInvoices({ invoices: store, customers: new DynamoCustomerStore(client, 'Customers') }, FINANCE, { customerId: 'C-1' });

    // Assess
    expect(ddb).toHaveReceivedNthCommandWith(QueryCommand, 1, { IndexName: 'byCustomer', KeyConditionExpression: '#a = :v AND dueDate <= :due' });
    expect(ddb).toHaveReceivedNthCommandWith(QueryCommand, 2, { IndexName: 'byCustomer', KeyConditionExpression: '#a = :v' });
  });

  it('refuses a cut-off that is not a calendar date, naming it', async () => {
    const store = new DynamoInvoiceStore(client, { invoices: 'Invoices' });
    const error = await listInvoices({ invoices: store, customers: new DynamoCustomerStore(client, 'Customers') }, FINANCE, { status: 'OPEN', dueOnOrBefore: '30 days' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).problems[0]?.field).toBe('dueOnOrBefore');
    expect(ddb).not.toHaveReceivedCommand(QueryCommand);
  });
});
