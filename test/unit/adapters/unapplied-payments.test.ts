import { afterEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoPayments } from '../../../lambdas/adapters/dynamodb/payment-store';
import type { CashPayment } from '../../../lambdas/core/cash-application/application';

const ddb = mockClient(DynamoDBDocumentClient);
const client = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-central-1' }));

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


describe('DynamoPayments', () => {
  it('lists the worklist through the sparse unappliedWorklist index, oldest first, without the index key', async () => {
    // Prepare
    ddb.on(QueryCommand).resolves({ Items: [{ ...payment, worklist: 'UNAPPLIED' }], LastEvaluatedKey: { paymentId: 'P-1', worklist: 'UNAPPLIED', receivedAt: payment.receivedAt } });
    const store = new DynamoPayments(client, { payments: 'Payments' });

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
    const store = new DynamoPayments(client, { payments: 'Payments' });
    expect(await store.get('P-1')).toEqual(payment);
    expect(ddb.commandCalls(GetCommand)[0]!.args[0].input).toMatchObject({ Key: { paymentId: 'P-1' }, ConsistentRead: true });
  });
});
