import { afterEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { ConditionalCheckFailedException, DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoStatementStore } from '../../../lambdas/adapters/dynamodb/statement-store';
import { lineSortKey } from '../../../lambdas/adapters/dynamodb/posting-writer';
import { NO_LINES, type StatementRecord } from '../../../lambdas/core/cash-application/statement-record';

const ddb = mockClient(DynamoDBDocumentClient);
const client = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-central-1' }));
const tables = { statements: 'Statements', statementLines: 'StatementLines', payments: 'Payments', invoices: 'Invoices', customers: 'Customers', payers: 'Payers', ledger: 'Ledger' };

afterEach(() => {
  ddb.reset();
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

  it('reads the outcomes at places of a statement, and records another key of a recorded line unless it exists', async () => {
    // Prepare
    const store = new DynamoStatementStore(client, tables);
    ddb.on(BatchGetCommand).resolves({ Responses: { Statements: [{ statementId: 'st-1', sk: lineSortKey(2), recordedIn: 'st-1', lineKey: 'k-old', sequence: 2, amountMinor: 100 }] } });
    ddb.on(PutCommand).resolvesOnce({}).rejectsOnce(new ConditionalCheckFailedException({ message: 'exists', $metadata: {} }));
    const result = { statementId: 'st-1', sequence: 2, lineKey: 'k-old', amountMinor: 100 } as never;

    // Act
    const placed = await store.resultsAt('st-1', [2, 3]);
    await store.recordAlias('k-new', result);
    await store.recordAlias('k-new', result);

    // Assess: consistent reads by place; the alias is a conditional put naming the key it stands for; a second one is no error
    expect(ddb.commandCalls(BatchGetCommand)[0]!.args[0].input).toEqual({ RequestItems: { Statements: { Keys: [{ statementId: 'st-1', sk: lineSortKey(2) }, { statementId: 'st-1', sk: lineSortKey(3) }], ConsistentRead: true } } });
    expect([...placed.entries()]).toEqual([[2, { statementId: 'st-1', lineKey: 'k-old', sequence: 2, amountMinor: 100 }]]);
    expect(ddb.commandCalls(PutCommand)[0]!.args[0].input).toEqual({ TableName: 'StatementLines', Item: { statementId: 'st-1', sequence: 2, lineKey: 'k-new', aliasOf: 'k-old', amountMinor: 100 }, ConditionExpression: 'attribute_not_exists(lineKey)' });
    expect(ddb.commandCalls(PutCommand)).toHaveLength(2);
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

describe('DynamoStatementStore progress counted per chunk (parallel slices)', () => {
  const chunk = { id: '100', lines: 100, counts: { applied: 90, suggested: 4, unapplied: 6 }, lastUpload: { newlyRecorded: 98, alreadyRecorded: 2 }, at: '2026-03-10T12:01:00.000Z' };

  it('adds a chunk once, for the run under way only, and answers the statement after', async () => {
    // Prepare
    ddb.on(UpdateCommand).resolves({ Attributes: { statementId: 'st-1', sk: 'statement', processed: 200, total: 300, chunksDone: new Set(['0', '100']) } });

    // Act
    const outcome = await new DynamoStatementStore(client, { statements: 'Statements' }).chunkApplied('st-1', 2, chunk);

    // Assess
    expect(outcome).toMatchObject({ counted: true, statement: { processed: 200, chunksDone: ['0', '100'] } });
    const input = ddb.commandCalls(UpdateCommand)[0]!.args[0].input;
    expect(input.UpdateExpression).toMatch(/ADD #processed :lines, #counts.#applied :applied, #counts.#suggested :suggested, #counts.#unapplied :unapplied, #lastUpload.#newly :newly, #lastUpload.#already :already, #chunksDone :chunk/);
    expect(input.ConditionExpression).toBe('attribute_exists(statementId) AND #uploads = :run AND #status = :processing AND NOT contains(#chunksDone, :id)');
    expect(input.ExpressionAttributeValues).toMatchObject({ ':lines': 100, ':applied': 90, ':run': 2, ':id': '100', ':chunk': new Set(['100']) });
  });

  it('answers counted: false with the statement as it is when the chunk was counted before', async () => {
    // Prepare
    ddb.on(UpdateCommand).rejects(new ConditionalCheckFailedException({ message: 'failed', $metadata: {} }));
    ddb.on(GetCommand).resolves({ Item: { statementId: 'st-1', sk: 'statement', processed: 300, total: 300 } });

    // Act
    const outcome = await new DynamoStatementStore(client, { statements: 'Statements' }).chunkApplied('st-1', 2, chunk);

    // Assess
    expect(outcome).toMatchObject({ counted: false, statement: { processed: 300 } });
  });

  it('completes the run only when every line is counted', async () => {
    // Prepare
    ddb.on(UpdateCommand).resolvesOnce({}).rejectsOnce(new ConditionalCheckFailedException({ message: 'failed', $metadata: {} }));
    const store = new DynamoStatementStore(client, { statements: 'Statements' });

    // Act
    const first = await store.completeWhenAllCounted('st-1', 2, '2026-03-10T12:02:00.000Z');
    const second = await store.completeWhenAllCounted('st-1', 2, '2026-03-10T12:02:00.000Z');

    // Assess
    expect([first, second]).toEqual([true, false]);
    expect(ddb.commandCalls(UpdateCommand)[0]!.args[0].input.ConditionExpression).toBe('attribute_exists(statementId) AND #uploads = :run AND #status = :processing AND #processed >= #total');
  });
});
