import { afterEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoPaymentStore } from '../../../lambdas/adapters/dynamodb/payment-store';
import { applyPayment, type PaymentRequest } from '../../../lambdas/core/payments/payment';
import { ConcurrentUpdateError } from '../../../lambdas/core/ports';
import { anInvoice } from '../../support/builders';

const ddb = mockClient(DynamoDBDocumentClient);
const client = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-central-1' }));
const tables = { payments: 'Payments', invoices: 'Invoices', customers: 'Customers', ledger: 'Ledger' };

afterEach(() => {
  ddb.reset();
});

const invoice = anInvoice({ invoiceId: 'I-1', totalMinor: 10_000 });

function application(amountMinor: number, candidates = [invoice], currency = 'EUR') {
  const request: PaymentRequest = { amountMinor, currency, reference: invoice.number, payerName: 'Acme', valueDate: '2026-03-10', invoiceIds: [] };
  const result = applyPayment('P-1', request, candidates, { now: new Date('2026-03-10T12:00:00Z'), source: 'online', explicitOrder: false });
  const before = new Map(candidates.map((c) => [c.invoiceId, c]));
  return { ...result, changes: result.invoices.map((after) => ({ before: before.get(after.invoiceId)!, after })) };
}

function cancelled(...codes: string[]) {
  return new TransactionCanceledException({ message: 'Transaction cancelled', $metadata: {}, CancellationReasons: codes.map((Code) => ({ Code })) });
}

describe('DynamoPaymentStore.record', () => {
  it('writes payment, each invoice only if unchanged since read, the on-account credit and the journal in one transaction', async () => {
    // Prepare
    ddb.on(TransactWriteCommand).resolves({});
    const store = new DynamoPaymentStore(client, tables);
    const { payment, changes, journal } = application(15_000);

    // Act
    await store.record(payment, changes, journal);

    // Assess
    const items = ddb.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems!;
    expect(items.map((i) => (i.Put ? `Put ${i.Put.TableName}` : `Update ${i.Update?.TableName}`))).toEqual([
      'Put Payments',
      'Update Invoices',
      'Update Customers',
      'Put Ledger',
      'Put Ledger',
      'Put Ledger',
    ]);
    expect(items[0]?.Put).toEqual({ TableName: 'Payments', Item: payment, ConditionExpression: 'attribute_not_exists(paymentId)' });
    expect(items[1]?.Update).toMatchObject({
      Key: { invoiceId: 'I-1' },
      ConditionExpression: 'balanceMinor = :beforeBalance AND #status = :beforeStatus',
      ExpressionAttributeValues: expect.objectContaining({ ':paid': 10_000, ':balance': 0, ':status': 'PAID', ':beforeBalance': 10_000, ':beforeStatus': 'OPEN' }),
    });
    expect(items[2]?.Update).toEqual({
      TableName: 'Customers',
      Key: { customerId: 'C-1' },
      UpdateExpression: 'ADD onAccountCreditMinor :credit',
      ConditionExpression: 'attribute_exists(customerId)',
      ExpressionAttributeValues: { ':credit': 5_000 },
    });
    expect(items.slice(3).map((i) => [i.Put?.Item?.account, i.Put?.Item?.side, i.Put?.Item?.amountMinor])).toEqual([
      ['cash', 'debit', 15_000],
      ['receivables', 'credit', 10_000],
      ['customer-credit', 'credit', 5_000],
    ]);
  });

  it('puts an unapplied payment on the worklist and changes no invoice or customer', async () => {
    // Prepare
    ddb.on(TransactWriteCommand).resolves({});
    const store = new DynamoPaymentStore(client, tables);
    const { payment, changes, journal } = application(10_000, [invoice], 'USD');
    expect(payment.status).toBe('unapplied');

    // Act
    await store.record(payment, changes, journal);

    // Assess
    const items = ddb.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems!;
    expect(items).toHaveLength(3);
    expect(items[0]?.Put?.Item).toEqual({ ...payment, worklist: 'UNAPPLIED' });
    expect(items.slice(1).every((i) => i.Put?.TableName === 'Ledger')).toBe(true);
  });

  it('reports an invoice changed since it was read as ConcurrentUpdateError', async () => {
    // Prepare
    ddb.on(TransactWriteCommand).rejects(cancelled('None', 'ConditionalCheckFailed', 'None', 'None', 'None', 'None'));
    const store = new DynamoPaymentStore(client, tables);
    const { payment, changes, journal } = application(15_000);

    // Act / Assess
    await expect(store.record(payment, changes, journal)).rejects.toBeInstanceOf(ConcurrentUpdateError);
  });

  it('reports a transaction conflict as ConcurrentUpdateError', async () => {
    // Prepare
    ddb.on(TransactWriteCommand).rejects(cancelled('None', 'TransactionConflict', 'None', 'None'));
    const store = new DynamoPaymentStore(client, tables);
    const { payment, changes, journal } = application(4_000);

    // Act / Assess
    await expect(store.record(payment, changes, journal)).rejects.toBeInstanceOf(ConcurrentUpdateError);
  });

  it('does not retry a payment id recorded already: that refusal is passed through as it is', async () => {
    // Prepare
    const refusal = cancelled('ConditionalCheckFailed', 'None', 'None', 'None');
    ddb.on(TransactWriteCommand).rejects(refusal);
    const store = new DynamoPaymentStore(client, tables);
    const { payment, changes, journal } = application(4_000);

    // Act
    const error = await store.record(payment, changes, journal).catch((e: unknown) => e);

    // Assess
    expect(error).not.toBeInstanceOf(ConcurrentUpdateError);
    expect(error).toBe(refusal);
  });

  it('reads a payment without its storage-only worklist attribute', async () => {
    // Prepare
    const { payment } = application(10_000, [invoice], 'USD');
    ddb.on(GetCommand, { TableName: 'Payments', Key: { paymentId: 'P-1' } }).resolves({ Item: { ...payment, worklist: 'UNAPPLIED' } });
    const store = new DynamoPaymentStore(client, tables);

    // Act
    const read = await store.get('P-1');

    // Assess
    expect(read).toEqual(payment);
    expect(ddb).toHaveReceivedCommandWith(GetCommand, { TableName: 'Payments', Key: { paymentId: 'P-1' }, ConsistentRead: true });
  });
});
