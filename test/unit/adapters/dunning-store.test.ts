/** The dunning store and the escalation workflow send the right commands (SDK mocks; the commands are asserted, not just the results). */
import { afterEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { ConditionalCheckFailedException, DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ExecutionAlreadyExists, SendTaskSuccessCommand, SFNClient, StartExecutionCommand, TaskTimedOut } from '@aws-sdk/client-sfn';
import { DynamoDunningStore } from '../../../lambdas/adapters/dynamodb/dunning-store';
import { StepFunctionsEscalations } from '../../../lambdas/adapters/stepfunctions/escalation-workflow';
import type { LetterRecord } from '../../../lambdas/core/dunning/ports';
import { journal } from '../../../lambdas/core/ledger/ledger';
import { money } from '../../../lambdas/core/money/money';
import { anInvoice } from '../../support/builders';

const ddb = mockClient(DynamoDBDocumentClient);
const sfn = mockClient(SFNClient);
const client = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-central-1' }));
const tables = { invoices: 'Invoices', customers: 'Customers', ledger: 'Ledger', policies: 'Policies', runs: 'Runs' };
const meta = { $metadata: {} };

afterEach(() => {
  ddb.reset();
  sfn.reset();
});

function cancelled(...codes: string[]) {
  return new TransactionCanceledException({ message: 'Transaction cancelled', $metadata: {}, CancellationReasons: codes.map((Code) => ({ Code })) });
}

describe('DynamoDunningStore: finding items', () => {
  it('queries one date of the byNextActionDate index for the ids, with a cursor, counting the capacity', async () => {
    ddb.on(QueryCommand).resolves({ Items: [{ invoiceId: 'I-1' }, { invoiceId: 'I-2' }], LastEvaluatedKey: { invoiceId: 'I-2', nextActionDate: '2027-03-18' }, ConsumedCapacity: { CapacityUnits: 1.5 } });
    const store = new DynamoDunningStore(client, tables);
    const page = await store.itemsDueOn('2027-03-18');
    expect(page.items).toEqual([{ invoiceId: 'I-1' }, { invoiceId: 'I-2' }]);
    expect(page.cursor).toBeTruthy();
    expect(ddb).toHaveReceivedCommandWith(QueryCommand, {
      TableName: 'Invoices',
      IndexName: 'byNextActionDate',
      KeyConditionExpression: 'nextActionDate = :d',
      ExpressionAttributeValues: { ':d': '2027-03-18' },
      ReturnConsumedCapacity: 'TOTAL',
    });
    expect(store.consumed.read).toBe(1.5);
  });

  it('reads items consistently in batches, retries unprocessed keys, and hides the task tokens', async () => {
    ddb
      .on(BatchGetCommand)
      .resolvesOnce({ Responses: { Invoices: [{ invoiceId: 'I-1', dunningTaskToken: 't', dunningTaskSeen: 2, paymentTaskToken: 'p' }] }, UnprocessedKeys: { Invoices: { Keys: [{ invoiceId: 'I-2' }] } } })
      .resolvesOnce({ Responses: { Invoices: [{ invoiceId: 'I-2' }] } });
    const store = new DynamoDunningStore(client, tables);
    const found = await store.invoices(['I-1', 'I-2', 'I-1']);
    expect([...found.keys()].sort()).toEqual(['I-1', 'I-2']);
    expect(found.get('I-1')).toEqual({ invoiceId: 'I-1' });
    expect(ddb.commandCalls(BatchGetCommand)[0]!.args[0].input.RequestItems).toEqual({ Invoices: { Keys: [{ invoiceId: 'I-1' }, { invoiceId: 'I-2' }], ConsistentRead: true } });
    expect(ddb.commandCalls(BatchGetCommand)[1]!.args[0].input.RequestItems).toEqual({ Invoices: { Keys: [{ invoiceId: 'I-2' }], ConsistentRead: true } });
  });
});

describe('DynamoDunningStore: runs and letters', () => {
  const letter: LetterRecord = { runId: 'run-2027-03-18', customerId: 'C-1', state: 'SENDING', attempts: 1, messageId: null, error: null, subject: 'Payment reminder', level: 1, items: [], updatedAt: 'now' };

  it('claims a letter only if there is none, and returns the one there is', async () => {
    ddb.on(PutCommand).rejects(new ConditionalCheckFailedException({ message: 'exists', $metadata: {} }));
    ddb.on(GetCommand).resolves({ Item: { pk: 'run-2027-03-18', sk: 'letter#C-1', ...letter, state: 'SENT', messageId: 'm-1' } });
    const result = await new DynamoDunningStore(client, tables).claimLetter(letter);
    expect(result).toEqual({ claimed: false, existing: { ...letter, state: 'SENT', messageId: 'm-1' } });
    expect(ddb).toHaveReceivedCommandWith(PutCommand, { TableName: 'Runs', Item: { pk: 'run-2027-03-18', sk: 'letter#C-1', ...letter }, ConditionExpression: 'attribute_not_exists(pk)' });
    expect(ddb).toHaveReceivedCommandWith(GetCommand, { TableName: 'Runs', Key: { pk: 'run-2027-03-18', sk: 'letter#C-1' }, ConsistentRead: true });
  });

  it('retries only a FAILED letter, and records the outcome only of one being sent', async () => {
    ddb.on(UpdateCommand).resolves({});
    const store = new DynamoDunningStore(client, tables);
    expect(await store.retryLetter('run-2027-03-18', 'C-1', 2, 'now')).toBe(true);
    await store.finishLetter('run-2027-03-18', 'C-1', { state: 'FAILED', error: 'Throttling' }, 'now');
    const [retry, finish] = ddb.commandCalls(UpdateCommand).map((c) => c.args[0].input);
    expect(retry).toMatchObject({ ConditionExpression: '#state = :failed', ExpressionAttributeValues: { ':sending': 'SENDING', ':failed': 'FAILED', ':attempts': 2 } });
    expect(finish).toMatchObject({ ConditionExpression: '#state = :sending', ExpressionAttributeValues: { ':state': 'FAILED', ':value': 'Throttling' } });
  });

  it('moves the last completed day forward only, and never for a dry run', async () => {
    ddb.on(PutCommand).resolves({});
    ddb.on(UpdateCommand).rejects(new ConditionalCheckFailedException({ message: 'later', $metadata: {} }));
    const store = new DynamoDunningStore(client, tables);
    const run = { runId: 'run-2027-03-18', asOf: '2027-03-18', dryRun: false, trigger: 'api' as const, status: 'COMPLETED' as const, startedAt: '', completedAt: '', fromDate: '', toDate: '', attempts: 1, counts: { itemsFound: 0, escalated: 0, skipped: 0, letters: 0, lettersFailed: 0 } };
    await store.finishRun(run);
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
      TableName: 'Runs',
      Key: { pk: 'cursor', sk: 'cursor' },
      ConditionExpression: 'attribute_not_exists(lastCompletedDate) OR lastCompletedDate < :d',
      ExpressionAttributeValues: { ':d': '2027-03-18', ':r': 'run-2027-03-18' },
    });
    ddb.resetHistory();
    await store.finishRun({ ...run, runId: 'dry-1', dryRun: true });
    expect(ddb).not.toHaveReceivedCommand(UpdateCommand);
  });
});

describe('DynamoDunningStore: escalation task tokens', () => {
  it('keeps the token with what the execution has seen, and lets one caller take it', async () => {
    ddb.on(UpdateCommand).resolvesOnce({}).rejectsOnce(new ConditionalCheckFailedException({ message: 'taken', $metadata: {} }));
    const store = new DynamoDunningStore(client, tables);
    await store.setEscalationWait('I-1', 'token-1', 2);
    expect(await store.claimEscalationWait('I-1', 'token-1')).toBe(false);
    const [set, claim] = ddb.commandCalls(UpdateCommand).map((c) => c.args[0].input);
    expect(set).toMatchObject({ Key: { invoiceId: 'I-1' }, UpdateExpression: 'SET dunningTaskToken = :t, dunningTaskSeen = :s', ExpressionAttributeValues: { ':t': 'token-1', ':s': 2 } });
    expect(claim).toMatchObject({ UpdateExpression: 'REMOVE dunningTaskToken, dunningTaskSeen', ConditionExpression: 'dunningTaskToken = :t' });
  });
});

describe('StepFunctionsEscalations', () => {
  const ARN = 'arn:aws:states:eu-central-1:123456789012:stateMachine:dev-DunningEscalation';

  it('starts the escalation named from the invoice; a second start is not an error', async () => {
    sfn.on(StartExecutionCommand).resolvesOnce({ executionArn: 'x', startDate: new Date() }).rejectsOnce(new ExecutionAlreadyExists({ message: 'exists', ...meta }));
    const workflow = new StepFunctionsEscalations(new SFNClient({ region: 'eu-central-1' }), ARN);
    expect(await workflow.startEscalation('dunning-I-1', { invoiceId: 'I-1' })).toEqual({ alreadyStarted: false });
    expect(await workflow.startEscalation('dunning-I-1', { invoiceId: 'I-1' })).toEqual({ alreadyStarted: true });
    expect(sfn).toHaveReceivedCommandWith(StartExecutionCommand, { stateMachineArn: ARN, name: 'dunning-I-1', input: '{"invoiceId":"I-1"}' });
  });

  it('resumes with the output as JSON; a stale token is false', async () => {
    sfn.on(SendTaskSuccessCommand).resolvesOnce({}).rejectsOnce(new TaskTimedOut({ message: 'timed out', ...meta }));
    const workflow = new StepFunctionsEscalations(new SFNClient({ region: 'eu-central-1' }), ARN);
    expect(await workflow.resume('t-1', { state: 'Settled', seen: 3 })).toBe(true);
    expect(await workflow.resume('t-2', { state: 'Settled', seen: 3 })).toBe(false);
    expect(sfn).toHaveReceivedCommandWith(SendTaskSuccessCommand, { taskToken: 't-1', output: '{"state":"Settled","seen":3}' });
  });
});
