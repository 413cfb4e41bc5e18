import { afterEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoCustomerStore } from '../../../lambdas/adapters/dynamodb/customer-store';
import { DynamoLedgerReader } from '../../../lambdas/adapters/dynamodb/ledger-reader';
import { aCustomer } from '../../support/builders';

const ddb = mockClient(DynamoDBDocumentClient);
const client = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-central-1' }));

afterEach(() => {
  ddb.reset();
});

describe('DynamoCustomerStore.put', () => {
  it('writes the master data and never overwrites the on-account credit a payment keeps', async () => {
    // Prepare
    ddb.on(UpdateCommand).resolves({});
    const store = new DynamoCustomerStore(client, 'Customers');

    // Act
    await store.put(aCustomer({ customerId: 'C-1', onAccountCreditMinor: 999 }));

    // Assess
    const input = ddb.commandCalls(UpdateCommand)[0]!.args[0].input;
    expect(input.TableName).toBe('Customers');
    expect(input.Key).toEqual({ customerId: 'C-1' });
    expect(input.UpdateExpression).toMatch(/, onAccountCreditMinor = if_not_exists\(onAccountCreditMinor, :zero\)$/);
    expect(Object.values(input.ExpressionAttributeNames ?? {})).not.toContain('onAccountCreditMinor');
    expect(Object.values(input.ExpressionAttributeNames ?? {})).not.toContain('customerId');
    expect(Object.values(input.ExpressionAttributeValues ?? {})).not.toContain(999);
    expect(input.ExpressionAttributeValues).toMatchObject({ ':zero': 0 });
    expect(Object.values(input.ExpressionAttributeNames ?? {})).toEqual(expect.arrayContaining(['name', 'email', 'currency', 'creditLimitMinor', 'paymentTermsDays']));
  });
});

describe('DynamoLedgerReader', () => {
  it('sums every journal line over all scan pages and names journals that do not balance', async () => {
    // Prepare
    ddb
      .on(ScanCommand, { TableName: 'Ledger' })
      .resolvesOnce({
        Items: [
          { pk: 'invoice-1', account: 'receivables', side: 'debit', amountMinor: 1_000, currency: 'EUR' },
          { pk: 'invoice-1', account: 'revenue', side: 'credit', amountMinor: 1_000, currency: 'EUR' },
        ],
        LastEvaluatedKey: { pk: 'invoice-1', sk: 'line#002' },
      })
      .resolvesOnce({ Items: [{ pk: 'payment-1', account: 'cash', side: 'debit', amountMinor: 400, currency: 'EUR' }] });
    const reader = new DynamoLedgerReader(client, { ledger: 'Ledger', invoices: 'Invoices' });

    // Act
    const totals = await reader.accountTotals();

    // Assess
    expect(totals.balances).toEqual(
      expect.arrayContaining([
        { account: 'receivables', currency: 'EUR', debitMinor: 1_000, creditMinor: 0 },
        { account: 'revenue', currency: 'EUR', debitMinor: 0, creditMinor: 1_000 },
        { account: 'cash', currency: 'EUR', debitMinor: 400, creditMinor: 0 },
      ]),
    );
    expect(totals.unbalancedJournals).toEqual(['payment-1']);
    expect(ddb).toHaveReceivedNthCommandWith(ScanCommand, 1, { TableName: 'Ledger', ConsistentRead: true, ExclusiveStartKey: undefined });
    expect(ddb).toHaveReceivedNthCommandWith(ScanCommand, 2, { TableName: 'Ledger', ExclusiveStartKey: { pk: 'invoice-1', sk: 'line#002' } });
  });

  it('sums open balances per currency from the invoices', async () => {
    // Prepare
    ddb.on(ScanCommand, { TableName: 'Invoices' }).resolves({
      Items: [
        { currency: 'EUR', balanceMinor: 1_050 },
        { currency: 'EUR', balanceMinor: 0 },
        { currency: 'JPY', balanceMinor: 1_500 },
      ],
    });
    const reader = new DynamoLedgerReader(client, { ledger: 'Ledger', invoices: 'Invoices' });

    // Act
    const open = await reader.openItemsTotal();

    // Assess
    expect(open).toEqual({ EUR: 1_050, JPY: 1_500 });
    expect(ddb).toHaveReceivedCommandWith(ScanCommand, {
      TableName: 'Invoices',
      ProjectionExpression: '#p0, #p1',
      ExpressionAttributeNames: { '#p0': 'currency', '#p1': 'balanceMinor' },
    });
  });
});
