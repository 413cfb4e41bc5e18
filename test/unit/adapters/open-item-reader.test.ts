import { afterEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoOpenItemReader } from '../../../lambdas/adapters/dynamodb/open-item-reader';
import { batchGet } from '../../../lambdas/adapters/dynamodb/batch';
import { mapLimit } from '../../../lambdas/core/kernel/concurrency';

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
