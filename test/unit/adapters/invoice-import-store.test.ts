import { afterEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, ScanCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoInvoiceImportStore, rfReservation } from '../../../lambdas/adapters/dynamodb/invoice-import-store';
import { importedInvoice, parseImport, type ImportEntry } from '../../../lambdas/core/invoices/import';
import { ImportLeaseLostError, type ImportRecord } from '../../../lambdas/core/ports';
import { TestClock } from '../../support/in-memory';
import { aCustomer } from '../../support/builders';

const ddb = mockClient(DynamoDBDocumentClient);
const client = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-central-1' }));
const tables = { imports: 'Imports', invoices: 'Invoices', ledger: 'Ledger', customers: 'Customers' };
const now = new Date('2026-03-02T09:00:00Z');
const lease = { importId: 'import-1', attemptId: 'attempt-1', leaseUntil: '2026-03-02T09:01:30.000Z' };

afterEach(() => {
  ddb.reset();
});

function store(clock = new TestClock(now)) {
  return new DynamoInvoiceImportStore(client, tables, clock);
}

function entries(count: number): ImportEntry[] {
  const body = Array.from({ length: count }, (_, i) => ({ number: `OLD-${i + 1}`, customerId: 'C-1', currency: 'EUR', total: '100.00', balance: '60.00', issueDate: '2026-01-01', dueDate: '2026-04-01' }));
  const parsed = parseImport(body, { invoiceNumberPrefix: 'INV', now, businessTimeZone: 'Europe/Berlin' });
  return parsed.items.map((item) => importedInvoice(item, aCustomer(), 'import-1', now, 'Europe/Berlin'));
}

const keysOf = (list: ImportEntry[]) => list.map((e, index) => ({ index, number: e.invoice.number, rfReference: e.invoice.rfReference, invoiceId: e.invoice.invoiceId }));

function cancelled(codes: string[]) {
  return new TransactionCanceledException({ message: 'Transaction cancelled', $metadata: {}, CancellationReasons: codes.map((Code) => ({ Code })) });
}

const transactions = () => ddb.commandCalls(TransactWriteCommand).map((c) => c.args[0].input.TransactItems!);

describe('DynamoInvoiceImportStore.claim', () => {
  const record: ImportRecord = { ...lease, state: 'PENDING', itemCount: 3, createdAt: now.toISOString(), updatedAt: now.toISOString(), reason: null };

  it('creates the import record only if it does not exist', async () => {
    ddb.on(PutCommand).resolves({});

    expect(await store().claim(record)).toBe(true);

    expect(ddb).toHaveReceivedCommandWith(PutCommand, { TableName: 'Imports', Item: { ...record, kind: 'import' }, ConditionExpression: 'attribute_not_exists(importId)' });
  });

  it('takes over only the record it read (same attempt and state), and says false when another came first', async () => {
    ddb.on(PutCommand).rejects(new ConditionalCheckFailedException({ message: 'no', $metadata: {} }));

    expect(await store().claim(record, { attemptId: 'attempt-0', state: 'PENDING' })).toBe(false);

    expect(ddb).toHaveReceivedCommandWith(PutCommand, {
      ConditionExpression: 'attemptId = :previous AND #state = :previousState',
      ExpressionAttributeValues: { ':previous': 'attempt-0', ':previousState': 'PENDING' },
    });
  });
});

describe('DynamoInvoiceImportStore.findTaken', () => {
  it('queries the byNumber and byRfReference indexes, and says which import wrote what it finds', async () => {
    ddb
      .on(QueryCommand, { IndexName: 'byNumber', ExpressionAttributeValues: { ':v': 'OLD-1' } })
      .resolves({ Items: [{ invoiceId: 'imp-1', importId: 'import-0' }] })
      .on(QueryCommand, { IndexName: 'byNumber', ExpressionAttributeValues: { ':v': 'INV-2025-000001' } })
      .resolves({ Items: [{ invoiceId: 'O-1-I1' }] })
      .on(QueryCommand, { IndexName: 'byRfReference' })
      .resolves({ Items: [] });

    const found = await store().findTaken(['OLD-1', 'INV-2025-000001', 'OLD-1'], ['RF00INV2025000001']);

    expect(ddb).toHaveReceivedCommandTimes(QueryCommand, 3);
    expect(ddb).toHaveReceivedCommandWith(QueryCommand, { TableName: 'Invoices', IndexName: 'byNumber', ProjectionExpression: 'invoiceId, importId' });
    expect(found.numbers).toEqual(new Map([['OLD-1', [{ invoiceId: 'imp-1', importId: 'import-0' }]], ['INV-2025-000001', [{ invoiceId: 'O-1-I1', importId: null }]]]));
    expect(found.rfReferences.size).toBe(0);
  });
});

describe('DynamoInvoiceImportStore.findTaken with many numbers', () => {
  const many = Array.from({ length: 300 }, (_, i) => `OLD-${i + 1}`);

  it('scans the byNumber index in parallel segments instead of querying each number, when the index is small', async () => {
    ddb.on(ScanCommand).resolves({ Items: [] });
    ddb.on(ScanCommand, { Segment: 2 }).resolves({ Items: [{ number: 'OLD-7', rfReference: 'RF00OLD7', invoiceId: 'imp-7', importId: 'import-0' }, { number: 'X-1', rfReference: 'RF00INV2025000001', invoiceId: 'O-1-I1' }] });

    const found = await store().findTaken(many, ['RF00INV2025000001']);

    expect(ddb).toHaveReceivedCommandTimes(ScanCommand, 4);
    expect(ddb).toHaveReceivedCommandTimes(QueryCommand, 0);
    expect(ddb).toHaveReceivedCommandWith(ScanCommand, { TableName: 'Invoices', IndexName: 'byNumber', TotalSegments: 4, ProjectionExpression: '#n, rfReference, invoiceId, importId' });
    expect(found.numbers).toEqual(new Map([['OLD-7', [{ invoiceId: 'imp-7', importId: 'import-0' }]]]));
    expect(found.rfReferences).toEqual(new Map([['RF00INV2025000001', [{ invoiceId: 'O-1-I1', importId: null }]]]));
  });

  it('gives the scan up and queries each number when the index holds many more invoices than there are lookups', async () => {
    const page = Array.from({ length: 400 }, (_, i) => ({ number: `OTHER-${i}`, rfReference: `RF00OTHER${i}`, invoiceId: `O-${i}-I1` }));
    ddb.on(ScanCommand).resolves({ Items: page, LastEvaluatedKey: { invoiceId: 'next' } });
    ddb.on(QueryCommand).resolves({ Items: [] });

    const found = await store().findTaken(many, []);

    expect(ddb).toHaveReceivedCommandTimes(QueryCommand, 300);
    expect(ddb.commandCalls(ScanCommand).length).toBeLessThanOrEqual(8);
    expect(found.numbers.size).toBe(0);
  });
});

describe('DynamoInvoiceImportStore.reserve', () => {
  it('reserves every RF reference (and so its number) in transactions of at most 100 conditional puts', async () => {
    ddb.on(TransactWriteCommand).resolves({});
    const list = entries(150);

    ddb.on(UpdateCommand).resolves({});

    const conflicts = await store().reserve(lease, keysOf(list));

    expect(conflicts).toEqual([]);
    expect(transactions().map((t) => t.length).sort()).toEqual([100, 50]);
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
      Key: { importId: 'import-1' },
      ExpressionAttributeNames: { '#f0': 'reservedAt', '#state': 'state' },
      ExpressionAttributeValues: { ':v0': now.toISOString(), ':attempt': 'attempt-1', ':pending': 'PENDING' },
    });
    const first = transactions().flat().find((i) => i.Put?.Item?.number === 'OLD-1');
    expect(first).toEqual({
      Put: {
        TableName: 'Imports',
        Item: { importId: rfReservation(list[0]!.invoice.rfReference), kind: 'reservation', ownerImportId: 'import-1', invoiceId: list[0]!.invoice.invoiceId, number: 'OLD-1' },
        ConditionExpression: 'attribute_not_exists(importId) OR ownerImportId = :owner',
        ExpressionAttributeValues: { ':owner': 'import-1' },
      },
    });
  });

  it('names the items another import holds, telling a same number from a same RF reference', async () => {
    const list = entries(3);
    ddb.on(TransactWriteCommand).rejects(cancelled(['None', 'ConditionalCheckFailed', 'ConditionalCheckFailed']));
    ddb
      .on(GetCommand, { Key: { importId: rfReservation(list[1]!.invoice.rfReference) } })
      .resolves({ Item: { ownerImportId: 'import-0', invoiceId: list[1]!.invoice.invoiceId, number: 'OLD-2' } })
      .on(GetCommand, { Key: { importId: rfReservation(list[2]!.invoice.rfReference) } })
      .resolves({ Item: { ownerImportId: 'import-9', invoiceId: 'imp-other', number: 'OLD3' } });

    const conflicts = await store().reserve(lease, keysOf(list));

    expect(conflicts).toEqual([
      { index: 1, key: 'number', heldBy: { invoiceId: list[1]!.invoice.invoiceId, importId: 'import-0' } },
      { index: 2, key: 'rfReference', heldBy: { invoiceId: 'imp-other', importId: 'import-9' } },
    ]);
  });

  it('retries a transaction that conflicted with another one', async () => {
    ddb.on(TransactWriteCommand).rejectsOnce(cancelled(['TransactionConflict', 'None'])).resolves({});
    ddb.on(UpdateCommand).resolves({});

    expect(await store().reserve(lease, keysOf(entries(2)))).toEqual([]);

    expect(ddb).toHaveReceivedCommandTimes(TransactWriteCommand, 2);
  });

  it('starts no transaction once the lease is nearly over', async () => {
    const clock = new TestClock('2026-03-02T09:01:26Z');

    await expect(store(clock).reserve(lease, keysOf(entries(2)))).rejects.toBeInstanceOf(ImportLeaseLostError);

    expect(ddb).toHaveReceivedCommandTimes(TransactWriteCommand, 0);
  });
});

describe('DynamoInvoiceImportStore.write', () => {
  it('writes each invoice (only if new, marked with its import) with its journal lines, 33 invoices a transaction', async () => {
    ddb.on(TransactWriteCommand).resolves({});
    const list = entries(34);

    await store().write(lease, list, { resuming: false });

    expect(transactions().map((t) => t.length).sort()).toEqual([3, 99]);
    const items = transactions().flat();
    const invoice = list[0]!.invoice;
    expect(items).toContainEqual({ Put: { TableName: 'Invoices', Item: { ...invoice, importId: 'import-1' }, ConditionExpression: 'attribute_not_exists(invoiceId)' } });
    const journalLines = items.filter((i) => i.Put?.TableName === 'Ledger' && i.Put.Item?.pk === `opening-${invoice.invoiceId}`).map((i) => i.Put!);
    expect(journalLines).toEqual([
      expect.objectContaining({ ConditionExpression: 'attribute_not_exists(pk)', Item: expect.objectContaining({ sk: 'line#001', event: 'OpeningBalanceImported', account: 'receivables', side: 'debit', amountMinor: 6_000 }) }),
      expect.objectContaining({ ConditionExpression: 'attribute_not_exists(pk)', Item: expect.objectContaining({ sk: 'line#002', account: 'opening-balance', side: 'credit', amountMinor: 6_000 }) }),
    ]);
    // An invoice and its journal lines are always in the same transaction.
    for (const t of transactions()) {
      const ids = t.filter((i) => i.Put?.TableName === 'Invoices').map((i) => `opening-${i.Put!.Item!.invoiceId}`).sort();
      expect([...new Set(t.filter((i) => i.Put?.TableName === 'Ledger').map((i) => String(i.Put!.Item!.pk)))].sort()).toEqual(ids);
    }
    expect(ddb).toHaveReceivedCommandTimes(BatchGetCommand, 0);
  });

  it('when resuming, skips the invoices this import wrote already', async () => {
    const list = entries(3);
    ddb.on(BatchGetCommand).resolves({ Responses: { Invoices: [{ invoiceId: list[0]!.invoice.invoiceId, importId: 'import-1' }] } });
    ddb.on(TransactWriteCommand).resolves({});

    await store().write(lease, list, { resuming: true });

    expect(ddb).toHaveReceivedCommandWith(BatchGetCommand, { RequestItems: { Invoices: expect.objectContaining({ ConsistentRead: true, Keys: list.map((e) => ({ invoiceId: e.invoice.invoiceId })) }) } });
    const written = transactions().flat().filter((i) => i.Put?.TableName === 'Invoices').map((i) => i.Put!.Item!.invoiceId);
    expect(written).toEqual([list[1]!.invoice.invoiceId, list[2]!.invoice.invoiceId]);
  });

  it('fails when a transaction is refused, naming the codes', async () => {
    ddb.on(TransactWriteCommand).rejects(cancelled(['ConditionalCheckFailed', 'None', 'None']));

    await expect(store().write(lease, entries(1), { resuming: false })).rejects.toThrow('Writing invoices of import import-1 was refused: ConditionalCheckFailed, None, None');
  });
});

describe('DynamoInvoiceImportStore.rollBack', () => {
  it('deletes the invoices this import wrote (only unchanged) with their journal lines, then its reservations, then marks it ROLLED_BACK', async () => {
    const list = entries(2);
    const [mine, foreign] = list;
    ddb
      .on(BatchGetCommand, { RequestItems: { Invoices: {} } } as never)
      .resolves({ Responses: { Invoices: [{ invoiceId: mine!.invoice.invoiceId, importId: 'import-1' }] } })
      .on(BatchGetCommand, { RequestItems: { Imports: {} } } as never)
      .resolves({ Responses: { Imports: [{ importId: rfReservation(mine!.invoice.rfReference), ownerImportId: 'import-1' }, { importId: rfReservation(foreign!.invoice.rfReference), ownerImportId: 'import-0' }] } });
    ddb.on(TransactWriteCommand).resolves({});
    ddb.on(UpdateCommand).resolves({});

    const result = await store().rollBack(lease, list, 'failed part way: boom', '2026-03-02T09:00:30.000Z');

    expect(result).toEqual({ leftBehind: [] });
    const [removal, release] = transactions();
    expect(removal).toEqual([
      {
        Delete: {
          TableName: 'Invoices',
          Key: { invoiceId: mine!.invoice.invoiceId },
          ConditionExpression: 'importId = :import AND balanceMinor = :balance AND paidMinor = :paid',
          ExpressionAttributeValues: { ':import': 'import-1', ':balance': 6_000, ':paid': 4_000 },
        },
      },
      { Delete: { TableName: 'Ledger', Key: { pk: `opening-${mine!.invoice.invoiceId}`, sk: 'line#001' } } },
      { Delete: { TableName: 'Ledger', Key: { pk: `opening-${mine!.invoice.invoiceId}`, sk: 'line#002' } } },
    ]);
    // The reservation another import holds is not touched.
    expect(release).toEqual([
      { Delete: { TableName: 'Imports', Key: { importId: rfReservation(mine!.invoice.rfReference) }, ConditionExpression: 'ownerImportId = :owner', ExpressionAttributeValues: { ':owner': 'import-1' } } },
    ]);
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
      TableName: 'Imports',
      Key: { importId: 'import-1' },
      ConditionExpression: 'attemptId = :attempt AND #state = :pending',
      ExpressionAttributeValues: expect.objectContaining({ ':v0': 'ROLLED_BACK', ':v2': 'failed part way: boom', ':attempt': 'attempt-1', ':pending': 'PENDING' }),
    });
  });

  it('keeps an invoice a payment changed meanwhile (and its reservation) and leaves the import PENDING for a retry', async () => {
    const list = entries(2);
    const [paid, unchanged] = list;
    ddb
      .on(BatchGetCommand, { RequestItems: { Invoices: {} } } as never)
      .resolves({ Responses: { Invoices: list.map((e) => ({ invoiceId: e.invoice.invoiceId, importId: 'import-1' })) } })
      .on(BatchGetCommand, { RequestItems: { Imports: {} } } as never)
      .resolves({ Responses: { Imports: [{ importId: rfReservation(unchanged!.invoice.rfReference), ownerImportId: 'import-1' }] } });
    ddb
      .on(TransactWriteCommand)
      .rejectsOnce(cancelled(['ConditionalCheckFailed', 'None', 'None', 'None', 'None', 'None']))
      .rejectsOnce(cancelled(['ConditionalCheckFailed', 'None', 'None']))
      .resolves({});
    ddb.on(UpdateCommand).resolves({});

    const result = await store().rollBack(lease, list, 'failed part way: boom', '2026-03-02T09:00:30.000Z');

    expect(result).toEqual({ leftBehind: [paid!.invoice.invoiceId] });
    const all = transactions();
    expect(all).toHaveLength(4);
    expect(all[2]![0]!.Delete!.Key).toEqual({ invoiceId: unchanged!.invoice.invoiceId });
    expect(ddb.commandCalls(BatchGetCommand)[1]!.args[0].input.RequestItems!.Imports!.Keys).toEqual([{ importId: rfReservation(unchanged!.invoice.rfReference) }]);
    const update = ddb.commandCalls(UpdateCommand)[0]!.args[0].input;
    expect(update.ExpressionAttributeValues).toMatchObject({ ':v0': 'PENDING', ':v2': '2026-03-02T09:00:30.000Z', ':v3': null });
    expect(update.ExpressionAttributeNames).toMatchObject({ '#f2': 'leaseUntil', '#f3': 'reservedAt' });
  });
});

describe('DynamoInvoiceImportStore.complete', () => {
  it('marks the import COMPLETED only while this attempt holds it', async () => {
    ddb.on(UpdateCommand).rejects(new ConditionalCheckFailedException({ message: 'no', $metadata: {} }));

    await expect(store().complete(lease, '2026-03-02T09:00:40.000Z')).rejects.toBeInstanceOf(ImportLeaseLostError);

    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
      UpdateExpression: 'SET #f0 = :v0, #f1 = :v1',
      ExpressionAttributeNames: { '#f0': 'state', '#f1': 'updatedAt', '#state': 'state' },
      ExpressionAttributeValues: { ':v0': 'COMPLETED', ':v1': '2026-03-02T09:00:40.000Z', ':attempt': 'attempt-1', ':pending': 'PENDING' },
    });
  });
});
