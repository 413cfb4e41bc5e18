import { afterEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoUnappliedPayments } from '../../../lambdas/adapters/dynamodb/payment-store';
import { customerCashUpdate } from '../../../lambdas/adapters/dynamodb/customer-store';
import { applyUnappliedPayment, type CashPayment } from '../../../lambdas/core/cash-application/application';
import { ConcurrentUpdateError } from '../../../lambdas/core/ports';
import { anInvoice } from '../../support/builders';

const ddb = mockClient(DynamoDBDocumentClient);
const client = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-central-1' }));
const tables = { payments: 'Payments', invoices: 'Invoices', customers: 'Customers', payers: 'Payers', ledger: 'Ledger' };

afterEach(() => {
  ddb.reset();
});

const payment: CashPayment = {
  paymentId: 'P-1',
  source: 'statement',
  amountMinor: 10_000,
  currency: 'EUR',
  reference: null,
  payerName: 'Müller & Söhne GmbH',
  payerAccount: 'NL91 ABNA 0417 1643 00',
  valueDate: '2026-03-09',
  receivedAt: '2026-03-10T08:00:00.000Z',
  customerId: null,
  allocations: [],
  onAccountMinor: 0,
  unappliedMinor: 10_000,
  unappliedReason: 'no-reference',
  status: 'unapplied',
  suggestion: null,
};

function manual(amountMinor: number) {
  const invoice = anInvoice({ invoiceId: 'I-1', totalMinor: 10_000 });
  return applyUnappliedPayment(payment, [{ invoiceId: 'I-1', amountMinor }], new Map([['I-1', invoice]]), new Date('2026-03-10T12:00:00Z'));
}

describe('DynamoUnappliedPayments', () => {
  it('lists the worklist through the sparse unappliedWorklist index, oldest first, without the index key', async () => {
    // Prepare
    ddb.on(QueryCommand).resolves({ Items: [{ ...payment, worklist: 'UNAPPLIED' }], LastEvaluatedKey: { paymentId: 'P-1', worklist: 'UNAPPLIED', receivedAt: payment.receivedAt } });
    const store = new DynamoUnappliedPayments(client, { payments: 'Payments' });

    // Act
    const page = await store.listUnapplied(25);

    // Assess
    expect(ddb.commandCalls(QueryCommand)[0]!.args[0].input).toEqual({
      TableName: 'Payments',
      IndexName: 'unappliedWorklist',
      KeyConditionExpression: 'worklist = :unapplied',
      ExpressionAttributeValues: { ':unapplied': 'UNAPPLIED' },
      ScanIndexForward: true,
      Limit: 25,
      ExclusiveStartKey: undefined,
    });
    expect(page.items).toEqual([payment]);
    expect(page.cursor).toBeTruthy();
  });

  it('reads one payment consistently', async () => {
    ddb.on(GetCommand).resolves({ Item: { ...payment, worklist: 'UNAPPLIED' } });
    const store = new DynamoUnappliedPayments(client, { payments: 'Payments' });
    expect(await store.get('P-1')).toEqual(payment);
    expect(ddb.commandCalls(GetCommand)[0]!.args[0].input).toMatchObject({ Key: { paymentId: 'P-1' }, ConsistentRead: true });
  });

  it('applies by hand in one transaction: the payment only if its unapplied amount is unchanged (off the worklist when nothing is left), the invoice, the payer remembered, the journal', async () => {
    // Prepare
    ddb.on(TransactWriteCommand).resolves({});
    const store = new DynamoUnappliedPayments(client, tables);

    // Act
    await store.applyByHand(manual(10_000));

    // Assess
    const items = ddb.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems!;
    expect(items.map((i) => (i.Put ? `Put ${i.Put.TableName}` : `Update ${i.Update?.TableName}`))).toEqual([
      'Update Payments',
      'Update Invoices',
      'Update Customers',
      'Update Payers',
      'Update Payers',
      'Put Ledger',
      'Put Ledger',
    ]);
    expect(items[0]!.Update).toMatchObject({
      Key: { paymentId: 'P-1' },
      UpdateExpression: expect.stringMatching(/ REMOVE worklist$/),
      ConditionExpression: 'attribute_exists(paymentId) AND unappliedMinor = :before',
      ExpressionAttributeValues: expect.objectContaining({ ':unapplied': 0, ':before': 10_000, ':status': 'applied', ':customer': 'C-1' }),
    });
    expect(items[2]!.Update).toEqual({
      TableName: 'Customers',
      Key: { customerId: 'C-1' },
      UpdateExpression: 'ADD knownPayerAccounts :accounts, knownPayerNames :names',
      ConditionExpression: 'attribute_exists(customerId)',
      ExpressionAttributeValues: { ':accounts': new Set(['NL91ABNA0417164300']), ':names': new Set(['MULLER SOHNE']) },
    });
    expect([items[3]!.Update!.Key, items[4]!.Update!.Key]).toEqual([{ payerKey: 'account#NL91ABNA0417164300' }, { payerKey: 'name#MULLER SOHNE' }]);
    expect(items.slice(5).map((i) => [i.Put?.Item?.account, i.Put?.Item?.side, i.Put?.Item?.amountMinor, i.Put?.ConditionExpression])).toEqual([
      ['unapplied-cash', 'debit', 10_000, 'attribute_not_exists(pk)'],
      ['receivables', 'credit', 10_000, 'attribute_not_exists(pk)'],
    ]);
  });

  it('keeps a payment with money left on the worklist', async () => {
    ddb.on(TransactWriteCommand).resolves({});
    await new DynamoUnappliedPayments(client, tables).applyByHand(manual(4_000));
    const update = ddb.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems![0]!.Update!;
    expect(update.UpdateExpression).not.toContain('REMOVE');
    expect(update.ExpressionAttributeValues).toMatchObject({ ':unapplied': 6_000, ':status': 'partially-applied' });
  });

  it('reports a concurrent change of the payment or an invoice', async () => {
    ddb.on(TransactWriteCommand).rejects(new TransactionCanceledException({ message: 'cancelled', $metadata: {}, CancellationReasons: [{ Code: 'ConditionalCheckFailed' }, { Code: 'None' }] }));
    await expect(new DynamoUnappliedPayments(client, tables).applyByHand(manual(10_000))).rejects.toThrow(ConcurrentUpdateError);
  });
});

describe('customerCashUpdate', () => {
  it('only ADDs, so no other field of the customer is overwritten, and is nothing when there is nothing to add', () => {
    expect(customerCashUpdate('Customers', 'C-1', { onAccountCreditMinor: 0 })).toBeUndefined();
    expect(customerCashUpdate('Customers', 'C-1', { onAccountCreditMinor: 500, payerName: 'ACME' })?.Update).toEqual({
      TableName: 'Customers',
      Key: { customerId: 'C-1' },
      UpdateExpression: 'ADD onAccountCreditMinor :credit, knownPayerNames :names',
      ConditionExpression: 'attribute_exists(customerId)',
      ExpressionAttributeValues: { ':credit': 500, ':names': new Set(['ACME']) },
    });
  });
});
