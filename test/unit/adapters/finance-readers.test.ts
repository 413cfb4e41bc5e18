/** The finance readers send the queries the reports rely on: the byStatus index, not a scan, for aging. */
import { afterEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import {
  DescribeExecutionCommand,
  DescribeStateMachineForExecutionCommand,
  ExecutionDoesNotExist,
  GetExecutionHistoryCommand,
  SFNClient,
} from '@aws-sdk/client-sfn';
import { DynamoOrderLister, DynamoPromiseOutcomesReader, DynamoReceivablesReader, DynamoStatementResultsReader, OPEN_INVOICE_STATUSES } from '../../../lambdas/adapters/dynamodb/finance-reader';
import { StepFunctionsExecutionReader } from '../../../lambdas/adapters/stepfunctions/execution-reader';

const dynamo = mockClient(DynamoDBDocumentClient);
const db = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-central-1' }));
const sfn = mockClient(SFNClient);

afterEach(() => {
  dynamo.reset();
  sfn.reset();
});

describe('DynamoReceivablesReader', () => {
  it('reads open items per open status from the byStatus index, following every page', async () => {
    // Prepare: OPEN has two pages, the other statuses none.
    dynamo.on(QueryCommand).resolves({ Items: [] });
    dynamo
      .on(QueryCommand, { ExpressionAttributeValues: { ':status': 'OPEN', ':zero': 0 } })
      .resolvesOnce({ Items: [{ invoiceId: 'I-1', customerId: 'C-1', customerName: 'Acme', currency: 'EUR', balanceMinor: 100, issueDate: '2026-03-01', dueDate: '2026-03-31' }], LastEvaluatedKey: { invoiceId: 'I-1' } })
      .resolvesOnce({ Items: [{ invoiceId: 'I-2', customerId: 'C-1', customerName: 'Acme', currency: 'EUR', balanceMinor: 50, issueDate: '2026-03-02', dueDate: '2026-04-01' }] });
    const reader = new DynamoReceivablesReader(db, { invoices: 'Invoices' });

    // Act
    const items = await reader.openItems();

    // Assess
    expect(items.map((i) => [i.invoiceId, i.balanceMinor])).toEqual([['I-1', 100], ['I-2', 50]]);
    expect(dynamo.commandCalls(ScanCommand)).toHaveLength(0);
    const queried = dynamo.commandCalls(QueryCommand).map((c) => c.args[0].input);
    expect(new Set(queried.map((q) => q.ExpressionAttributeValues?.[':status']))).toEqual(new Set(OPEN_INVOICE_STATUSES));
    expect(queried.every((q) => q.IndexName === 'byStatus' && q.TableName === 'Invoices' && q.FilterExpression === '#balance > :zero')).toBe(true);
    expect(queried.filter((q) => q.ExpressionAttributeValues?.[':status'] === 'OPEN').map((q) => q.ExclusiveStartKey)).toEqual([undefined, { invoiceId: 'I-1' }]);
  });

  it('scans the journal for the asked accounts only, and refuses without a Ledger table', async () => {
    dynamo.on(ScanCommand).resolves({ Items: [{ pk: 'invoice-I-1', event: 'InvoiceIssued', postedAt: '2026-03-01T00:00:00.000Z', account: 'receivables', side: 'debit', amountMinor: 100, currency: 'EUR', reference: 'I-1' }] });
    const lines = await new DynamoReceivablesReader(db, { invoices: 'Invoices', ledger: 'Ledger' }).journalLines(['receivables', 'cash']);
    expect(lines).toEqual([{ journalId: 'invoice-I-1', event: 'InvoiceIssued', postedAt: '2026-03-01T00:00:00.000Z', account: 'receivables', side: 'debit', amountMinor: 100, currency: 'EUR', reference: 'I-1' }]);
    expect(dynamo).toHaveReceivedCommandWith(ScanCommand, { TableName: 'Ledger', FilterExpression: '#account IN (:a0, :a1)', ExpressionAttributeValues: { ':a0': 'receivables', ':a1': 'cash' } });
    await expect(new DynamoReceivablesReader(db, { invoices: 'Invoices' }).journalLines(['cash'])).rejects.toThrow('without the Ledger table');
  });

  it('reads due dates in batches of 100 and asks again for unprocessed keys', async () => {
    const ids = Array.from({ length: 150 }, (_, i) => `I-${i}`);
    dynamo
      .on(BatchGetCommand)
      .resolvesOnce({ Responses: { Invoices: [{ invoiceId: 'I-0', dueDate: '2026-04-01' }] }, UnprocessedKeys: { Invoices: { Keys: [{ invoiceId: 'I-1' }] } } })
      .resolvesOnce({ Responses: { Invoices: [{ invoiceId: 'I-1', dueDate: '2026-04-02' }] } })
      .resolves({ Responses: { Invoices: [] } });
    const dates = await new DynamoReceivablesReader(db, { invoices: 'Invoices' }).dueDates(ids);
    expect([...dates]).toEqual([['I-0', '2026-04-01'], ['I-1', '2026-04-02']]);
    const sizes = dynamo.commandCalls(BatchGetCommand).map((c) => c.args[0].input.RequestItems?.Invoices?.Keys?.length);
    expect(sizes.sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual([1, 50, 100]);
  });
});

describe('DynamoStatementResultsReader', () => {
  it('reads the statement items (sk "statement") with their credit lines and automatic applications', async () => {
    dynamo.on(ScanCommand).resolves({ Items: [{ receivedAt: '2026-03-10T08:00:00.000Z', total: 10, counts: { applied: 8, suggested: 1, unapplied: 1 } }] });
    expect(await new DynamoStatementResultsReader(db, 'Statements').statementCounts()).toEqual([{ receivedAt: '2026-03-10T08:00:00.000Z', creditLines: 10, appliedAutomatically: 8 }]);
    expect(dynamo).toHaveReceivedCommandWith(ScanCommand, { TableName: 'Statements', FilterExpression: '#sk = :statement', ExpressionAttributeValues: { ':statement': 'statement' } });
  });
});

describe('DynamoPromiseOutcomesReader', () => {
  it("reads only the invoices' promises and counts those closed in the window", async () => {
    dynamo.on(ScanCommand).resolves({
      Items: [
        { dunning: { promises: [{ status: 'kept', closedAt: '2026-03-05T00:00:00.000Z' }, { status: 'open', closedAt: null }] } },
        { dunning: { promises: [{ status: 'broken', closedAt: '2026-03-09T00:00:00.000Z' }] } },
      ],
    });
    expect(await new DynamoPromiseOutcomesReader(db, 'Invoices').promiseCounts('2026-03-01T00:00:00.000Z', '2026-04-01T00:00:00.000Z')).toEqual({ kept: 1, broken: 1 });
    expect(dynamo).toHaveReceivedCommandWith(ScanCommand, { TableName: 'Invoices', FilterExpression: 'attribute_exists(#d.#p)', ProjectionExpression: '#d.#p' });
  });
});

describe('DynamoOrderLister', () => {
  it('queries the byStatus index (keys only) newest first, reads the orders by key in that order, without storage-only attributes', async () => {
    dynamo.on(QueryCommand).resolves({ Items: [{ orderId: 'O-2' }, { orderId: 'O-1' }], LastEvaluatedKey: { orderId: 'O-1' } });
    dynamo.on(BatchGetCommand).resolves({
      Responses: {
        Orders: [
          { orderId: 'O-1', status: 'CREDIT_HOLD', taskToken: 'secret', createdAt: '2026-03-01T00:00:00Z' },
          { orderId: 'O-2', status: 'CREDIT_HOLD', createdAt: '2026-03-02T00:00:00Z' },
        ],
      },
    });
    const page = await new DynamoOrderLister(db, 'Orders').listByStatus('CREDIT_HOLD', 10);
    expect(page.items).toEqual([
      { orderId: 'O-2', status: 'CREDIT_HOLD', createdAt: '2026-03-02T00:00:00Z' },
      { orderId: 'O-1', status: 'CREDIT_HOLD', createdAt: '2026-03-01T00:00:00Z' },
    ]);
    expect(page.cursor).toBeTypeOf('string');
    expect(dynamo).toHaveReceivedCommandWith(QueryCommand, { TableName: 'Orders', IndexName: 'byStatus', ScanIndexForward: false, Limit: 10, ProjectionExpression: '#key', ExpressionAttributeValues: { ':v': 'CREDIT_HOLD' } });
    expect(dynamo).toHaveReceivedCommandWith(BatchGetCommand, { RequestItems: { Orders: { Keys: [{ orderId: 'O-2' }, { orderId: 'O-1' }], ConsistentRead: false } } });
  });
});

describe('StepFunctionsExecutionReader', () => {
  const machine = 'arn:aws:states:eu-central-1:123456789012:stateMachine:dev-OrderLifecycle';
  const execution = 'arn:aws:states:eu-central-1:123456789012:execution:dev-OrderLifecycle:order-O-1';

  it('describes the execution, reads the definition it runs and every page of its history', async () => {
    sfn.on(DescribeExecutionCommand).resolves({ executionArn: execution, name: 'order-O-1', status: 'RUNNING', startDate: new Date('2026-03-02T09:00:00Z'), stateMachineArn: machine });
    sfn.on(DescribeStateMachineForExecutionCommand).resolves({ definition: '{"StartAt":"CheckCredit","States":{}}', name: 'dev-OrderLifecycle', roleArn: 'r', stateMachineArn: machine, updateDate: new Date() });
    sfn
      .on(GetExecutionHistoryCommand)
      .resolvesOnce({ events: [{ id: 1, type: 'ExecutionStarted', timestamp: new Date('2026-03-02T09:00:00Z') }], nextToken: 'next' })
      .resolvesOnce({ events: [{ id: 2, type: 'TaskStateEntered', timestamp: new Date('2026-03-02T09:00:01Z'), stateEnteredEventDetails: { name: 'CheckCredit' } }] });
    const record = await new StepFunctionsExecutionReader(new SFNClient({ region: 'eu-central-1' }), machine).orderExecution('order-O-1');
    expect(record).toEqual({
      executionArn: execution,
      name: 'order-O-1',
      status: 'RUNNING',
      startDate: '2026-03-02T09:00:00.000Z',
      stopDate: null,
      definition: { StartAt: 'CheckCredit', States: {} },
      events: [
        { id: 1, type: 'ExecutionStarted', timestamp: '2026-03-02T09:00:00.000Z' },
        { id: 2, type: 'TaskStateEntered', timestamp: '2026-03-02T09:00:01.000Z', stateName: 'CheckCredit' },
      ],
    });
    expect(sfn).toHaveReceivedCommandWith(GetExecutionHistoryCommand, { executionArn: execution, nextToken: 'next', includeExecutionData: false });
  });

  it('answers undefined for an execution that does not exist', async () => {
    sfn.on(DescribeExecutionCommand).rejects(new ExecutionDoesNotExist({ message: 'no', $metadata: {} }));
    expect(await new StepFunctionsExecutionReader(new SFNClient({ region: 'eu-central-1' }), machine).orderExecution('order-X')).toBeUndefined();
  });
});
