import { afterEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoOpenItemReader } from '../../../lambdas/adapters/dynamodb/open-item-reader';
import { batchGet } from '../../../lambdas/adapters/dynamodb/batch';
import { mapLimit } from '../../../lambdas/core/kernel/concurrency';
import { importedInvoiceId } from '../../../lambdas/core/invoices/import';
import { rfReferenceFor } from '../../../lambdas/core/invoices/invoice';

const ddb = mockClient(DynamoDBDocumentClient);
const client = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-central-1' }));

afterEach(() => {
  ddb.reset();
});

describe('DynamoOpenItemReader', () => {
  it('finds invoices through the byRfReference and byNumber indexes, then reads them by key, consistently, without their task token', async () => {
    // Prepare
    const reader = new DynamoOpenItemReader(client, { invoices: 'Invoices', payers: 'Payers' });
    ddb.on(QueryCommand, { IndexName: 'byRfReference' }).resolves({ Items: [{ invoiceId: 'I-1' }] });
    ddb.on(QueryCommand, { IndexName: 'byNumber' }).resolves({ Items: [{ invoiceId: 'I-2' }] });
    ddb.on(BatchGetCommand).callsFake((input: { RequestItems: Record<string, { Keys: { invoiceId: string }[] }> }) => ({
      Responses: { Invoices: input.RequestItems.Invoices!.Keys.map((k) => ({ invoiceId: k.invoiceId, paymentTaskToken: 'secret', balanceMinor: 1 })) },
    }));

    // Act
    const byRf = await reader.invoicesByRfReference(['RF18539007547034', 'RF18539007547034']);
    const byNumber = await reader.invoicesByNumber(['INV-2026-000002']);

    // Assess
    const queries = ddb.commandCalls(QueryCommand).map((c) => c.args[0].input);
    expect(queries).toEqual([
      expect.objectContaining({ TableName: 'Invoices', IndexName: 'byRfReference', KeyConditionExpression: '#a = :v', ExpressionAttributeNames: { '#a': 'rfReference' }, ExpressionAttributeValues: { ':v': 'RF18539007547034' }, ProjectionExpression: 'invoiceId' }),
      expect.objectContaining({ IndexName: 'byNumber', ExpressionAttributeNames: { '#a': 'number' }, ExpressionAttributeValues: { ':v': 'INV-2026-000002' } }),
    ]);
    expect(ddb.commandCalls(BatchGetCommand).map((c) => c.args[0].input)).toEqual([
      { RequestItems: { Invoices: { Keys: [{ invoiceId: 'I-1' }], ConsistentRead: true } } },
      { RequestItems: { Invoices: { Keys: [{ invoiceId: 'I-2' }], ConsistentRead: true } } },
    ]);
    expect(byRf).toEqual([{ invoiceId: 'I-1', balanceMinor: 1 }]);
    expect(byNumber).toEqual([{ invoiceId: 'I-2', balanceMinor: 1 }]);
  });

  it("reads a customer's invoices with a balance through byCustomer, page by page", async () => {
    // Prepare
    const reader = new DynamoOpenItemReader(client, { invoices: 'Invoices', payers: 'Payers' });
    ddb.on(QueryCommand).resolvesOnce({ Items: [{ invoiceId: 'I-1' }], LastEvaluatedKey: { invoiceId: 'I-1' } }).resolvesOnce({ Items: [{ invoiceId: 'I-2' }] });
    ddb.on(BatchGetCommand).resolves({ Responses: { Invoices: [{ invoiceId: 'I-1' }, { invoiceId: 'I-2' }] } });

    // Act
    const invoices = await reader.openInvoicesOfCustomers(['C-1']);

    // Assess
    const [first, second] = ddb.commandCalls(QueryCommand).map((c) => c.args[0].input);
    expect(first).toMatchObject({ IndexName: 'byCustomer', KeyConditionExpression: 'customerId = :c', FilterExpression: 'balanceMinor > :zero', ExpressionAttributeValues: { ':c': 'C-1', ':zero': 0 } });
    expect(second).toMatchObject({ ExclusiveStartKey: { invoiceId: 'I-1' } });
    expect(invoices.map((i) => i.invoiceId)).toEqual(['I-1', 'I-2']);
  });

  it('reads the payers of accounts and names in one batch', async () => {
    // Prepare
    const reader = new DynamoOpenItemReader(client, { invoices: 'Invoices', payers: 'Payers' });
    ddb.on(BatchGetCommand).resolves({ Responses: { Payers: [{ payerKey: 'account#DE44', customerIds: new Set(['C-2', 'C-1']) }, { payerKey: 'name#ACME', customerIds: new Set(['C-1']) }] } });

    // Act
    const payers = await reader.knownPayers(['DE44', 'NL91'], ['ACME']);

    // Assess
    expect(ddb.commandCalls(BatchGetCommand)[0]!.args[0].input).toEqual({
      RequestItems: { Payers: { Keys: [{ payerKey: 'account#DE44' }, { payerKey: 'account#NL91' }, { payerKey: 'name#ACME' }], ConsistentRead: true } },
    });
    expect(payers.accounts).toEqual(new Map([['DE44', ['C-1', 'C-2']]]));
    expect(payers.names).toEqual(new Map([['ACME', ['C-1']]]));
    expect(await reader.knownPayers([], [])).toEqual({ accounts: new Map(), names: new Map() });
    expect(ddb.commandCalls(BatchGetCommand)).toHaveLength(1);
  });
});

describe('DynamoOpenItemReader with keyed lookups (the statement processing)', () => {
  /** Tables as items by key, and the byNumber/byRfReference indexes over Invoices. */
  function tables() {
    const invoice = (invoiceId: string, number: string) => ({ invoiceId, number, rfReference: rfReferenceFor(number), balanceMinor: 100 });
    const imported = invoice(importedInvoiceId('ABCD-2025-000017'), 'ABCD-2025-000017');
    const importedOwnSeries = invoice(importedInvoiceId('INV-2024-000009'), 'INV-2024-000009');
    const issued = invoice('ORD-1-1', 'INV-2026-000003');
    const data: Record<string, Record<string, Record<string, unknown>>> = {
      Invoices: Object.fromEntries([imported, importedOwnSeries, issued].map((i) => [i.invoiceId, i])),
      Imports: Object.fromEntries([imported, importedOwnSeries].map((i) => [`rf-reference#${i.rfReference}`, { importId: `rf-reference#${i.rfReference}`, invoiceId: i.invoiceId }])),
      Counters: { 'INV-2026': { counterId: 'INV-2026', last: 5 } },
    };
    ddb.on(BatchGetCommand).callsFake((input: { RequestItems: Record<string, { Keys: Record<string, string>[] }> }) => ({
      Responses: Object.fromEntries(Object.entries(input.RequestItems).map(([table, { Keys }]) => [table, Keys.map((k) => data[table]![Object.values(k)[0]!]).filter(Boolean)])),
    }));
    ddb.on(QueryCommand).callsFake((input: { ExpressionAttributeNames: Record<string, string>; ExpressionAttributeValues: Record<string, string> }) => ({
      Items: Object.values(data.Invoices!).filter((i) => i[input.ExpressionAttributeNames['#a']!] === input.ExpressionAttributeValues[':v']).map((i) => ({ invoiceId: i.invoiceId })),
    }));
    return { imported, importedOwnSeries, issued };
  }
  const keyedReader = () => new DynamoOpenItemReader(client, { invoices: 'Invoices', payers: 'Payers' }, { imports: 'Imports', counters: 'Counters', invoiceNumberPrefix: 'INV' });
  const queried = () => ddb.commandCalls(QueryCommand).map((c) => `${c.args[0].input.IndexName} ${String(c.args[0].input.ExpressionAttributeValues?.[':v'])}`);

  it('reads imported numbers by key, queries the index only for issuable own-series numbers and numbers not found', async () => {
    // Prepare
    const { imported, importedOwnSeries, issued } = tables();

    // Act: an imported number, an imported number of an earlier own series, an issued one, one above its series' counter, one of a series never issued, one nobody has
    const found = await keyedReader().invoicesByNumber(['ABCD-2025-000017', 'INV-2024-000009', 'INV-2026-000003', 'INV-2026-000006', 'INV-2025-000017', 'PO-4711-X']);

    // Assess
    expect(found.map((i) => i.invoiceId).sort()).toEqual([imported.invoiceId, importedOwnSeries.invoiceId, issued.invoiceId].sort());
    expect(queried()).toEqual(['byNumber INV-2026-000003', 'byNumber PO-4711-X']);
  });

  it('reads RF references of imports by their reservation, and queries the index the same way for the rest', async () => {
    // Prepare
    const { imported, importedOwnSeries, issued } = tables();
    const unknown = rfReferenceFor('ZZ-1234-5678');

    // Act
    const found = await keyedReader().invoicesByRfReference([imported.rfReference, importedOwnSeries.rfReference, issued.rfReference, rfReferenceFor('INV-2026-000009'), unknown]);

    // Assess
    expect(found.map((i) => i.invoiceId).sort()).toEqual([imported.invoiceId, importedOwnSeries.invoiceId, issued.invoiceId].sort());
    expect(queried()).toEqual([`byRfReference ${issued.rfReference}`, `byRfReference ${unknown}`]);
  });
});

describe('batchGet', () => {
  it('asks for at most 100 keys at a time and retries the keys DynamoDB left unprocessed', async () => {
    // Prepare
    const keys = Array.from({ length: 150 }, (_, i) => ({ invoiceId: `I-${i}` }));
    ddb
      .on(BatchGetCommand)
      .resolvesOnce({ Responses: { Invoices: [{ invoiceId: 'I-0' }] }, UnprocessedKeys: { Invoices: { Keys: [{ invoiceId: 'I-1' }] } } })
      .resolves({ Responses: { Invoices: [{ invoiceId: 'I-x' }] } });

    // Act
    const items = await batchGet(client, 'Invoices', keys);

    // Assess
    const sizes = ddb.commandCalls(BatchGetCommand).map((c) => c.args[0].input.RequestItems!.Invoices!.Keys!.length);
    expect(sizes.sort((a, b) => a - b)).toEqual([1, 50, 100]);
    expect(items).toHaveLength(3);
  });
});

describe('mapLimit', () => {
  it('keeps the order and never runs more than the limit at once', async () => {
    let running = 0;
    let most = 0;
    const result = await mapLimit([5, 1, 3, 2, 4], 2, async (n) => {
      running++;
      most = Math.max(most, running);
      await new Promise((r) => setTimeout(r, n));
      running--;
      return n * 10;
    });
    expect(result).toEqual([50, 10, 30, 20, 40]);
    expect(most).toBe(2);
  });
});
