import { afterEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { ConditionalCheckFailedException, DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoStatementStore, lineSortKey } from '../../../lambdas/adapters/dynamodb/statement-store';
import { applyStatementLine, openItemOf, statementLineKey } from '../../../lambdas/core/cash-application/application';
import { CashApplication } from '../../../lambdas/core/cash-application/matcher';
import { NO_LINES, type StatementRecord } from '../../../lambdas/core/cash-application/statement-record';
import type { StatementLine } from '../../../lambdas/core/bank-statements/statement';
import { ConcurrentUpdateError, LineAlreadyRecordedError } from '../../../lambdas/core/ports';
import { anInvoice } from '../../support/builders';

const ddb = mockClient(DynamoDBDocumentClient);
const client = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-central-1' }));
const tables = { statements: 'Statements', statementLines: 'StatementLines', payments: 'Payments', invoices: 'Invoices', customers: 'Customers', payers: 'Payers', ledger: 'Ledger' };

afterEach(() => {
  ddb.reset();
});

const line: StatementLine = {
  lineId: 'TX-1',
  sequence: 7,
  direction: 'credit',
  amountMinor: 10_650,
  currency: 'EUR',
  bookingDate: '2026-03-10',
  valueDate: '2026-03-10',
  structuredReference: null,
  structuredReferences: [],
  endToEndId: null,
  accountServicerReference: 'TX-1',
  customerReference: null,
  remittanceText: 'INV-2026-000001',
  payerName: 'Acme',
  payerAccount: 'DE44500105175407324931',
  bankTransactionCode: null,
};

/** A line that overpays I-1 (on-account credit) and teaches the payer account. */
function application(amountMinor = 10_650, overrides: Partial<StatementLine> = {}) {
  const invoice = anInvoice({ invoiceId: 'I-1', totalMinor: 10_000 });
  const theLine = { ...line, amountMinor, ...overrides };
  const match = CashApplication.fromData({ openItems: [openItemOf(invoice)] }).match(theLine)!;
  return applyStatementLine({
    statementId: 'st-1',
    paymentId: 'P-1',
    line: theLine,
    account: 'DE89370400440532013000',
    lineKey: statementLineKey(theLine, 'DE89370400440532013000'),
    match,
    invoices: new Map([['I-1', invoice]]),
    now: new Date('2026-03-10T12:00:00Z'),
    learnedAccount: 'DE44500105175407324931',
  });
}

function cancelled(...codes: string[]) {
  return new TransactionCanceledException({ message: 'Transaction cancelled', $metadata: {}, CancellationReasons: codes.map((Code) => ({ Code })) });
}

describe('DynamoStatementStore.recordLine', () => {
  it('writes the line identity (only if new), its result, the payment, the invoice (only if unchanged), the customer, the payer and the journal in one transaction', async () => {
    // Prepare
    ddb.on(TransactWriteCommand).resolves({});
    const store = new DynamoStatementStore(client, tables);
    const app = application();

    // Act
    await store.recordLine('st-1', app);

    // Assess
    const items = ddb.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems!;
    expect(items.map((i) => (i.Put ? `Put ${i.Put.TableName}` : `Update ${i.Update?.TableName}`))).toEqual([
      'Put StatementLines',
      'Put Statements',
      'Put Payments',
      'Update Invoices',
      'Update Customers',
      'Update Payers',
      'Put Ledger',
      'Put Ledger',
      'Put Ledger',
    ]);
    expect(items[0]!.Put).toMatchObject({ Item: { lineKey: app.result.lineKey, paymentId: 'P-1', status: 'applied' }, ConditionExpression: 'attribute_not_exists(lineKey)' });
    expect(items[1]!.Put).toMatchObject({ Item: { statementId: 'st-1', sk: 'line#000000007', recordedIn: 'st-1', sequence: 7 } });
    expect(items[1]!.Put!.ConditionExpression).toBeUndefined();
    expect(items[2]!.Put).toMatchObject({ Item: { paymentId: 'P-1', source: 'statement', onAccountMinor: 650 }, ConditionExpression: 'attribute_not_exists(paymentId)' });
    expect(items[2]!.Put!.Item).not.toHaveProperty('worklist');
    expect(items[3]!.Update).toMatchObject({
      Key: { invoiceId: 'I-1' },
      ConditionExpression: 'balanceMinor = :beforeBalance AND #status = :beforeStatus',
      ExpressionAttributeValues: expect.objectContaining({ ':balance': 0, ':status': 'PAID', ':beforeBalance': 10_000, ':beforeStatus': 'OPEN' }),
    });
    expect(items[4]!.Update).toEqual({
      TableName: 'Customers',
      Key: { customerId: 'C-1' },
      UpdateExpression: 'ADD onAccountCreditMinor :credit, knownPayerAccounts :accounts',
      ConditionExpression: 'attribute_exists(customerId)',
      ExpressionAttributeValues: { ':credit': 650, ':accounts': new Set(['DE44500105175407324931']) },
    });
    expect(items[5]!.Update).toEqual({
      TableName: 'Payers',
      Key: { payerKey: 'account#DE44500105175407324931' },
      UpdateExpression: 'ADD customerIds :customer SET updatedAt = :at',
      ExpressionAttributeValues: { ':customer': new Set(['C-1']), ':at': '2026-03-10T12:00:00.000Z' },
    });
    expect(items.slice(6).map((i) => [i.Put?.Item?.pk, i.Put?.Item?.account, i.Put?.Item?.side, i.Put?.Item?.amountMinor])).toEqual([
      ['statement-line-P-1', 'cash', 'debit', 10_650],
      ['statement-line-P-1', 'receivables', 'credit', 10_000],
      ['statement-line-P-1', 'customer-credit', 'credit', 650],
    ]);
  });

  it('puts an unapplied line on the worklist and keeps the reason code of a write-off on its ledger lines', async () => {
    // Prepare
    ddb.on(TransactWriteCommand).resolves({});
    const store = new DynamoStatementStore(client, tables);

    // Act
    await store.recordLine('st-1', application(5_000, { remittanceText: 'nothing', payerAccount: null }));
    await store.recordLine('st-1', application(9_900));

    // Assess
    const [unapplied, shortPaid] = ddb.commandCalls(TransactWriteCommand).map((c) => c.args[0].input.TransactItems!);
    expect(unapplied!.find((i) => i.Put?.TableName === 'Payments')!.Put!.Item).toMatchObject({ worklist: 'UNAPPLIED', unappliedMinor: 5_000 });
    expect(unapplied!.some((i) => i.Update)).toBe(false);
    const writeOff = shortPaid!.filter((i) => i.Put?.Item?.reasonCode).map((i) => [i.Put!.Item!.account, i.Put!.Item!.side, i.Put!.Item!.amountMinor, i.Put!.Item!.reasonCode]);
    expect(writeOff).toEqual([
      ['write-off', 'debit', 100, 'SHORT_PAY_WITHIN_TOLERANCE'],
      ['receivables', 'credit', 100, 'SHORT_PAY_WITHIN_TOLERANCE'],
    ]);
  });

  it('says the line was recorded already when its identity exists, and that an invoice changed when one did', async () => {
    // Prepare
    const store = new DynamoStatementStore(client, tables);
    ddb.on(TransactWriteCommand).rejectsOnce(cancelled('ConditionalCheckFailed', 'None', 'None', 'ConditionalCheckFailed')).rejectsOnce(cancelled('None', 'None', 'None', 'ConditionalCheckFailed'));

    // Act / Assess
    await expect(store.recordLine('st-1', application())).rejects.toThrow(LineAlreadyRecordedError);
    await expect(store.recordLine('st-1', application())).rejects.toThrow(ConcurrentUpdateError);
  });
});

describe('DynamoStatementStore statements and results', () => {
  const record: StatementRecord = {
    statementId: 'st-1',
    format: 'csv',
    version: null,
    accounts: [],
    sizeBytes: 100,
    total: 3,
    debitLines: 0,
    receivedAt: '2026-03-10T12:00:00.000Z',
    lastUploadAt: '2026-03-10T12:00:00.000Z',
    uploads: 1,
    status: 'processing',
    processed: 0,
    counts: NO_LINES,
    lastUpload: { newlyRecorded: 0, alreadyRecorded: 0 },
    error: null,
    at: '2026-03-10T12:00:00.000Z',
  };

  it('creates a new statement only if it does not exist, else counts one more upload and resets its progress', async () => {
    // Prepare
    const store = new DynamoStatementStore(client, { statements: 'Statements' });
    ddb.on(PutCommand).resolvesOnce({}).rejectsOnce(new ConditionalCheckFailedException({ message: 'exists', $metadata: {} }));
    ddb.on(UpdateCommand).resolves({ Attributes: { ...record, sk: 'statement', uploads: 2 } });

    // Act
    const created = await store.begin(record);
    const again = await store.begin({ ...record, lastUploadAt: '2026-03-11T08:00:00.000Z' });

    // Assess
    expect(created).toEqual({ statement: record, created: true });
    expect(ddb.commandCalls(PutCommand)[0]!.args[0].input).toMatchObject({ Item: { statementId: 'st-1', sk: 'statement' }, ConditionExpression: 'attribute_not_exists(statementId)' });
    expect(again).toMatchObject({ created: false, statement: { uploads: 2 } });
    expect(again.statement).not.toHaveProperty('sk');
    expect(ddb.commandCalls(UpdateCommand)[0]!.args[0].input).toMatchObject({
      Key: { statementId: 'st-1', sk: 'statement' },
      UpdateExpression: expect.stringContaining('ADD #uploads :one'),
      ExpressionAttributeNames: expect.objectContaining({ '#processed': 'processed', '#uploads': 'uploads' }),
      ExpressionAttributeValues: expect.objectContaining({ ':zero': 0, ':at': '2026-03-11T08:00:00.000Z' }),
      ReturnValues: 'ALL_NEW',
    });
  });

  it('queries the line results in file order, page by page, and reads the identities consistently', async () => {
    // Prepare
    const store = new DynamoStatementStore(client, tables);
    ddb.on(QueryCommand).resolves({ Items: [{ statementId: 'st-2', sk: lineSortKey(1), recordedIn: 'st-1', lineKey: 'k1', sequence: 1 }], LastEvaluatedKey: { statementId: 'st-2', sk: lineSortKey(1) } });
    ddb.on(BatchGetCommand).resolves({ Responses: { StatementLines: [{ lineKey: 'k1', statementId: 'st-1', sequence: 1 }] } });
    ddb.on(GetCommand).resolves({ Item: { ...record, sk: 'statement' } });

    // Act
    const page = await store.lineResults('st-2', 10);
    const recorded = await store.recordedLines(['k1', 'k2']);
    const statement = await store.get('st-1');

    // Assess
    expect(ddb.commandCalls(QueryCommand)[0]!.args[0].input).toMatchObject({
      TableName: 'Statements',
      KeyConditionExpression: 'statementId = :id AND begins_with(sk, :line)',
      ExpressionAttributeValues: { ':id': 'st-2', ':line': 'line#' },
      Limit: 10,
      ConsistentRead: true,
    });
    expect(page.items).toEqual([{ lineKey: 'k1', sequence: 1, statementId: 'st-1' }]);
    expect(page.cursor).toBeTruthy();
    expect(ddb.commandCalls(BatchGetCommand)[0]!.args[0].input).toEqual({ RequestItems: { StatementLines: { Keys: [{ lineKey: 'k1' }, { lineKey: 'k2' }], ConsistentRead: true } } });
    expect([...recorded.keys()]).toEqual(['k1']);
    expect(statement).toEqual(record);
  });

  it('saves the progress on the statement record', async () => {
    // Prepare
    const store = new DynamoStatementStore(client, { statements: 'Statements' });
    ddb.on(UpdateCommand).resolves({});

    // Act
    await store.progress('st-1', { status: 'processing', processed: 50, counts: { applied: 40, suggested: 5, unapplied: 5 }, lastUpload: { newlyRecorded: 50, alreadyRecorded: 0 }, error: null, at: 'now' });

    // Assess
    expect(ddb.commandCalls(UpdateCommand)[0]!.args[0].input).toMatchObject({
      Key: { statementId: 'st-1', sk: 'statement' },
      ConditionExpression: 'attribute_exists(statementId)',
      ExpressionAttributeValues: expect.objectContaining({ ':status': 'processing', ':processed': 50 }),
    });
  });
});
