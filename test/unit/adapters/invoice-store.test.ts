import { afterEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { ConditionalCheckFailedException, DynamoDBClient, ProvisionedThroughputExceededException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient, GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoInvoiceStore } from '../../../lambdas/adapters/dynamodb/invoice-store';
import { issueInvoice } from '../../../lambdas/core/invoices/invoice';
import { SequenceTakenError } from '../../../lambdas/core/ports';
import { aCustomer, anInvoice, anOrder, anOrderLine, aShipment } from '../../support/builders';

const ddb = mockClient(DynamoDBDocumentClient);
const client = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-central-1' }));
const tables = { invoices: 'Invoices', counters: 'Counters', orders: 'Orders', ledger: 'Ledger' };

afterEach(() => {
  ddb.reset();
});

function issued(sequence: number) {
  return issueInvoice({
    invoiceId: 'O-1-I1',
    order: anOrder({ orderId: 'O-1', totalMinor: 10_000 }),
    shipment: aShipment({ shipmentId: 'S-1' }),
    customer: aCustomer(),
    series: 'INV-2026',
    sequence,
    now: new Date('2026-03-02T09:00:00Z'),
    businessTimeZone: 'Europe/Berlin',
  });
}

const change = { status: 'INVOICED' as const, at: '2026-03-02T09:00:00.000Z', note: 'invoice INV-2026-000007 for shipment S-1' };
/** The invoice bills the order's first shipment, S-1. */
const link = { orderId: 'O-1', shipmentIndex: 0, shipmentId: 'S-1', change };

function cancelled(...codes: string[]) {
  return new TransactionCanceledException({ message: 'Transaction cancelled', $metadata: {}, CancellationReasons: codes.map((Code) => ({ Code })) });
}

describe('DynamoInvoiceStore.issue', () => {
  it('writes invoice, counter, order (the shipment invoiced, counters moved) and journal lines in one transaction, in that order', async () => {
    // Prepare
    ddb.on(TransactWriteCommand).resolves({});
    const store = new DynamoInvoiceStore(client, tables);
    const { invoice, journal } = issued(7);

    // Act
    const result = await store.issue(invoice, journal, link);

    // Assess
    expect(result).toEqual({ invoice, created: true });
    expect(ddb).toHaveReceivedCommandTimes(TransactWriteCommand, 1);
    const items = ddb.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems!;
    expect(items).toHaveLength(6);
    expect(items[0]).toEqual({ Put: { TableName: 'Invoices', Item: invoice, ConditionExpression: 'attribute_not_exists(invoiceId)' } });
    expect(items[1]).toEqual({
      Update: {
        TableName: 'Counters',
        Key: { counterId: 'INV-2026' },
        UpdateExpression: 'SET #last = :sequence',
        ConditionExpression: '#last = :previous',
        ExpressionAttributeNames: { '#last': 'last' },
        ExpressionAttributeValues: { ':sequence': 7, ':previous': 6 },
      },
    });
    expect(items[2]?.Update).toEqual({
      TableName: 'Orders',
      Key: { orderId: 'O-1' },
      UpdateExpression:
        'SET #status = :status, invoiceIds = list_append(invoiceIds, :invoice), history = list_append(history, :change), updatedAt = :at, shipments[0].invoiceId = :invoiceId ADD pendingShipments :minusOne, openInvoiceCount :one, invoicedMinor :gross REMOVE taskToken, waitingFor',
      ConditionExpression: 'attribute_exists(orderId) AND #status IN (:received, :awaiting, :partially) AND shipments[0].shipmentId = :shipmentId',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':status': 'INVOICED',
        ':invoice': ['O-1-I1'],
        ':invoiceId': 'O-1-I1',
        ':change': [change],
        ':at': change.at,
        ':received': 'RECEIVED',
        ':awaiting': 'AWAITING_SHIPMENT',
        ':partially': 'PARTIALLY_SHIPPED',
        ':shipmentId': 'S-1',
        ':minusOne': -1,
        ':one': 1,
        ':gross': 10_000,
      },
    });
    // Last: the check that the closed periods are still those read (`ledger-periods.ts`).
    expect(items[5]).toEqual({ ConditionCheck: { TableName: 'Ledger', Key: { pk: 'ledger-periods', sk: 'state' }, ConditionExpression: 'attribute_not_exists(closedThrough)' } });
    expect(items.slice(3, 5).map((i) => i.Put)).toEqual([
      expect.objectContaining({ TableName: 'Ledger', ConditionExpression: 'attribute_not_exists(pk)', Item: expect.objectContaining({ pk: 'invoice-O-1-I1', sk: 'line#001', account: 'receivables', side: 'debit', amountMinor: 10_000, currency: 'EUR' }) }),
      expect.objectContaining({ TableName: 'Ledger', ConditionExpression: 'attribute_not_exists(pk)', Item: expect.objectContaining({ pk: 'invoice-O-1-I1', sk: 'line#002', account: 'revenue', side: 'credit', amountMinor: 10_000 }) }),
    ]);
  });

  it('links the invoice to the shipment at its index and posts tax payable for a taxed shipment', async () => {
    // Prepare
    ddb.on(TransactWriteCommand).resolves({});
    const store = new DynamoInvoiceStore(client, tables);
    const order = anOrder({ orderId: 'O-1', lines: [anOrderLine({ quantity: 3, unitPriceMinor: 1_000, taxRatePercent: '19', taxMinor: 570 })] });
    const second = aShipment({ shipmentId: 'S-2', lines: [{ lineNo: 1, sku: 'SKU-1', quantity: 2 }] });
    const { invoice, journal } = issueInvoice({ invoiceId: 'O-1-I2', order, shipment: second, customer: aCustomer(), series: 'INV-2026', sequence: 8, now: new Date('2026-03-02T09:00:00Z'), businessTimeZone: 'Europe/Berlin' });

    // Act
    await store.issue(invoice, journal, { orderId: 'O-1', shipmentIndex: 1, shipmentId: 'S-2', change: { status: 'PARTIALLY_SHIPPED', at: change.at } });

    // Assess
    const items = ddb.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems!;
    expect(items[2]?.Update?.UpdateExpression).toContain('shipments[1].invoiceId = :invoiceId');
    expect(items[2]?.Update?.ConditionExpression).toContain('shipments[1].shipmentId = :shipmentId');
    expect(items[2]?.Update?.ExpressionAttributeValues).toMatchObject({ ':status': 'PARTIALLY_SHIPPED', ':shipmentId': 'S-2', ':invoiceId': 'O-1-I2', ':gross': 2_380 });
    expect(items.slice(3, 6).map((i) => [i.Put?.Item?.account, i.Put?.Item?.side, i.Put?.Item?.amountMinor])).toEqual([
      ['receivables', 'debit', 2_380],
      ['revenue', 'credit', 2_000],
      ['tax-payable', 'credit', 380],
    ]);
  });

  it('starts a new series only if its counter does not exist yet', async () => {
    // Prepare
    ddb.on(TransactWriteCommand).resolves({});
    const store = new DynamoInvoiceStore(client, tables);
    const { invoice, journal } = issued(1);

    // Act
    await store.issue(invoice, journal, link);

    // Assess
    const counter = ddb.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems![1]!.Update!;
    expect(counter.ConditionExpression).toBe('attribute_not_exists(counterId)');
    expect(counter.ExpressionAttributeValues).toEqual({ ':sequence': 1 });
  });

  it('reports a number taken by another writer (counter condition failed) as SequenceTakenError', async () => {
    // Prepare
    ddb.on(TransactWriteCommand).rejects(cancelled('None', 'ConditionalCheckFailed', 'None', 'None', 'None'));
    const store = new DynamoInvoiceStore(client, tables);
    const { invoice, journal } = issued(7);

    // Act
    const outcome = store.issue(invoice, journal, link);

    // Assess
    await expect(outcome).rejects.toBeInstanceOf(SequenceTakenError);
    // Only the closed periods were read (before writing), not the invoice.
    expect(ddb.commandCalls(GetCommand).map((c) => c.args[0].input.TableName)).toEqual(['Ledger']);
  });

  it('reports a transaction conflict with a concurrent writer as SequenceTakenError (retry with the next number)', async () => {
    // Prepare
    ddb.on(TransactWriteCommand).rejects(cancelled('None', 'TransactionConflict', 'None', 'None', 'None'));
    const store = new DynamoInvoiceStore(client, tables);
    const { invoice, journal } = issued(7);

    // Act / Assess
    await expect(store.issue(invoice, journal, link)).rejects.toBeInstanceOf(SequenceTakenError);
  });

  it('returns the stored invoice, created false, when the invoice id exists already', async () => {
    // Prepare
    const stored = anInvoice({ invoiceId: 'O-1-I1', sequence: 3 });
    ddb.on(TransactWriteCommand).rejects(cancelled('ConditionalCheckFailed', 'ConditionalCheckFailed', 'ConditionalCheckFailed', 'None', 'None'));
    ddb.on(GetCommand, { TableName: 'Invoices', Key: { invoiceId: 'O-1-I1' } }).resolves({ Item: { ...stored, paymentTaskToken: 'secret-token' } });
    const store = new DynamoInvoiceStore(client, tables);
    const { invoice, journal } = issued(7);

    // Act
    const result = await store.issue(invoice, journal, link);

    // Assess
    expect(result).toEqual({ invoice: stored, created: false });
    expect(ddb).toHaveReceivedCommandWith(GetCommand, { TableName: 'Invoices', Key: { invoiceId: 'O-1-I1' }, ConsistentRead: true });
  });

  it('refuses (not as a taken number) when the order is no longer in a state to be invoiced or the shipment is not at its index', async () => {
    // Prepare
    ddb.on(TransactWriteCommand).rejects(cancelled('None', 'None', 'ConditionalCheckFailed', 'None', 'None'));
    const store = new DynamoInvoiceStore(client, tables);
    const { invoice, journal } = issued(7);

    // Act
    const outcome = store.issue(invoice, journal, link).catch((e: unknown) => e);

    // Assess
    const error = await outcome;
    expect(error).not.toBeInstanceOf(SequenceTakenError);
    expect((error as Error).message).toBe('Issuing invoice O-1-I1 was refused: None, None, ConditionalCheckFailed, None, None');
  });

  it('passes other errors through unchanged', async () => {
    // Prepare
    const throttled = new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: {} });
    ddb.on(TransactWriteCommand).rejects(throttled);
    const store = new DynamoInvoiceStore(client, tables);
    const { invoice, journal } = issued(7);

    // Act / Assess
    await expect(store.issue(invoice, journal, link)).rejects.toBe(throttled);
  });

  it('refuses to issue when it was built without the tables issuing writes', async () => {
    // Prepare
    const store = new DynamoInvoiceStore(client, { invoices: 'Invoices' });
    const { invoice, journal } = issued(7);

    // Act / Assess
    await expect(store.issue(invoice, journal, link)).rejects.toThrow('The invoice store was built without the counters table');
    expect(ddb).not.toHaveReceivedAnyCommand();
  });
});

describe('DynamoInvoiceStore reads and task tokens', () => {
  it('reads the last number of a series from its counter, consistently; 0 for a new series', async () => {
    // Prepare
    ddb.on(GetCommand, { Key: { counterId: 'INV-2026' } }).resolves({ Item: { counterId: 'INV-2026', last: 41 } });
    ddb.on(GetCommand, { Key: { counterId: 'INV-2027' } }).resolves({});
    const store = new DynamoInvoiceStore(client, tables);

    // Act
    const [current, next] = [await store.lastSequence('INV-2026'), await store.lastSequence('INV-2027')];

    // Assess
    expect([current, next]).toEqual([41, 0]);
    expect(ddb).toHaveReceivedCommandWith(GetCommand, { TableName: 'Counters', Key: { counterId: 'INV-2026' }, ConsistentRead: true });
  });

  it('finds an invoice by number through the byNumber index, then reads the item itself', async () => {
    // Prepare
    const stored = anInvoice({ invoiceId: 'I-9' });
    ddb.on(QueryCommand).resolves({ Items: [{ invoiceId: 'I-9', number: stored.number }] });
    ddb.on(GetCommand).resolves({ Item: stored });
    const store = new DynamoInvoiceStore(client, tables);

    // Act
    const found = await store.getByNumber(stored.number);

    // Assess
    expect(found).toEqual(stored);
    expect(ddb).toHaveReceivedCommandWith(QueryCommand, {
      TableName: 'Invoices',
      IndexName: 'byNumber',
      KeyConditionExpression: '#a = :v',
      ExpressionAttributeNames: { '#a': 'number' },
      ExpressionAttributeValues: { ':v': stored.number },
    });
    expect(ddb).toHaveReceivedCommandWith(GetCommand, { TableName: 'Invoices', Key: { invoiceId: 'I-9' }, ConsistentRead: true });
  });

  it('keeps the payment task token only while the invoice has a balance', async () => {
    // Prepare
    ddb.on(UpdateCommand, { Key: { invoiceId: 'I-open' } }).resolves({});
    ddb.on(UpdateCommand, { Key: { invoiceId: 'I-paid' } }).rejects(new ConditionalCheckFailedException({ message: 'failed', $metadata: {} }));
    const store = new DynamoInvoiceStore(client, tables);

    // Act
    const [open, paid] = [await store.setPaymentTaskToken('I-open', 'token-1'), await store.setPaymentTaskToken('I-paid', 'token-2')];

    // Assess
    expect([open, paid]).toEqual([true, false]);
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
      TableName: 'Invoices',
      Key: { invoiceId: 'I-open' },
      UpdateExpression: 'SET paymentTaskToken = :token',
      ConditionExpression: 'attribute_exists(invoiceId) AND balanceMinor > :zero',
      ExpressionAttributeValues: { ':token': 'token-1', ':zero': 0 },
    });
  });

  it('pages through a customer with an opaque cursor and refuses a cursor it did not make', async () => {
    // Prepare
    ddb.on(QueryCommand).resolves({ Items: [{ invoiceId: 'I-1' }], LastEvaluatedKey: { invoiceId: 'I-1', customerId: 'C-1', dueDate: '2026-04-01' } });
    ddb.on(BatchGetCommand).resolves({ Responses: { Invoices: [anInvoice({ invoiceId: 'I-1' })] } });
    const store = new DynamoInvoiceStore(client, tables);

    // Act
    const page = await store.listByCustomer('C-1', 1);
    await store.listByCustomer('C-1', 1, page.cursor);

    // Assess: the index gives the keys, the invoices are read by key
    expect(page.cursor).toEqual(expect.any(String));
    expect(page.items.map((i) => i.invoiceId)).toEqual(['I-1']);
    expect(ddb).toHaveReceivedCommandWith(BatchGetCommand, { RequestItems: { Invoices: { Keys: [{ invoiceId: 'I-1' }], ConsistentRead: false } } });
    expect(ddb).toHaveReceivedNthCommandWith(QueryCommand, 2, {
      TableName: 'Invoices',
      IndexName: 'byCustomer',
      Limit: 1,
      ExclusiveStartKey: { invoiceId: 'I-1', customerId: 'C-1', dueDate: '2026-04-01' },
    });
    await expect(store.listByCustomer('C-1', 1, 'not-a-cursor')).rejects.toThrow('cursor is not one this API returned');
  });
});
