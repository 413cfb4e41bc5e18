import { afterEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoPostingWriter } from '../../../lambdas/adapters/dynamodb/posting-writer';
import { DynamoPeriodStore } from '../../../lambdas/adapters/dynamodb/ledger-periods';
import { journal } from '../../../lambdas/core/ledger/ledger';
import { money } from '../../../lambdas/core/money/money';
import { ConcurrentUpdateError } from '../../../lambdas/core/ports';
import type { Posting } from '../../../lambdas/core/posting/posting';
import { closePeriod } from '../../../lambdas/core/journals/journals';

const ddb = mockClient(DynamoDBDocumentClient);
const client = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-central-1' }));
const TZ = 'Europe/Berlin';
const PERIODS = { TableName: 'Ledger', Key: { pk: 'ledger-periods', sk: 'state' } };

afterEach(() => ddb.reset());

const fee: Posting = {
  description: 'provider fee of payment pi_1',
  invoices: [],
  journals: [
    journal('provider-fee-pi_1', 'ProviderFeeCharged', '2026-11-30T15:00:00.000Z', [
      { account: 'payment-provider-fees', side: 'debit', amount: money(30, 'EUR'), reference: 'P-1' },
      { account: 'cash', side: 'credit', amount: money(30, 'EUR'), reference: 'P-1' },
    ]),
  ],
};

const sentItems = (call: number) => ddb.commandCalls(TransactWriteCommand)[call]!.args[0].input.TransactItems!;

function cancelled(codes: string[]) {
  return new TransactionCanceledException({ message: 'Transaction cancelled', $metadata: {}, CancellationReasons: codes.map((Code) => ({ Code })) });
}

describe('the posting writer and the closed periods', () => {
  it('books a posting dated in a closed period on the first day of the next open one, keeping its date, and checks the periods in the transaction', async () => {
    // Prepare
    ddb.on(GetCommand, PERIODS).resolves({ Item: { pk: 'ledger-periods', sk: 'state', closedThrough: '2026-11', closed: [] } });
    ddb.on(TransactWriteCommand).resolves({});

    // Act
    await new DynamoPostingWriter(client, { ledger: 'Ledger' }, { timeZone: TZ }).post(fee);

    // Assess
    const items = sentItems(0);
    expect(items.slice(0, 2).map((i) => [i.Put?.Item?.postedAt, i.Put?.Item?.originalPostedAt])).toEqual([
      ['2026-11-30T23:00:00.000Z', '2026-11-30T15:00:00.000Z'],
      ['2026-11-30T23:00:00.000Z', '2026-11-30T15:00:00.000Z'],
    ]);
    expect(items[2]).toEqual({ ConditionCheck: { ...PERIODS, ConditionExpression: 'closedThrough = :closedThrough', ExpressionAttributeValues: { ':closedThrough': '2026-11' } } });
    expect(ddb).toHaveReceivedCommandWith(GetCommand, { ...PERIODS, ConsistentRead: true });
  });

  it('dates the posting again when the period was closed between reading and writing', async () => {
    // Prepare: nothing closed at the first read; the close commits before the posting; the second read sees it.
    ddb.on(GetCommand, PERIODS).resolvesOnce({}).resolves({ Item: { pk: 'ledger-periods', sk: 'state', closedThrough: '2026-11', closed: [] } });
    ddb.on(TransactWriteCommand).rejectsOnce(cancelled(['None', 'None', 'ConditionalCheckFailed'])).resolves({});

    // Act
    await new DynamoPostingWriter(client, { ledger: 'Ledger' }, { timeZone: TZ }).post(fee);

    // Assess
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(2);
    expect(sentItems(0)[0]!.Put?.Item?.postedAt).toBe('2026-11-30T15:00:00.000Z');
    expect(sentItems(0)[2]!.ConditionCheck?.ConditionExpression).toBe('attribute_not_exists(closedThrough)');
    expect(sentItems(1)[0]!.Put?.Item).toMatchObject({ postedAt: '2026-11-30T23:00:00.000Z', originalPostedAt: '2026-11-30T15:00:00.000Z' });
  });

  it('gives up as a concurrent update when periods keep closing', async () => {
    ddb.on(GetCommand, PERIODS).resolves({});
    ddb.on(TransactWriteCommand).rejects(cancelled(['None', 'None', 'ConditionalCheckFailed']));
    await expect(new DynamoPostingWriter(client, { ledger: 'Ledger' }, { timeZone: TZ }).post(fee)).rejects.toBeInstanceOf(ConcurrentUpdateError);
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(3);
  });

  it('reads no periods for a posting without journals', async () => {
    ddb.on(TransactWriteCommand).resolves({});
    await new DynamoPostingWriter(client, { runs: 'Runs', ledger: 'Ledger' }, { timeZone: TZ }).post({ description: 'nothing booked', invoices: [], journals: [], collectionsWorklist: { invoiceId: 'I-1', customerId: 'C-1', action: 'remove', at: '2026-11-30T15:00:00.000Z' } });
    expect(ddb.commandCalls(GetCommand)).toHaveLength(0);
    expect(sentItems(0).map((i) => Object.keys(i)[0])).toEqual(['Delete']);
  });
});

describe('closing a period', () => {
  const deps = (now: string) => ({
    journals: { linesBetween: async () => [], documents: async () => ({ invoiceNumbers: new Map(), creditNoteNumbers: new Map(), paymentReferences: new Map() }), earliestPostedAt: async () => '2026-11-03T09:00:00.000Z' },
    periods: new DynamoPeriodStore(client, { ledger: 'Ledger', outbox: 'Outbox' }),
    clock: { now: () => new Date(now) },
    settings: { businessTimeZone: TZ, datev: {} as never },
  });

  it('writes the closed periods only if they are still those read, with PeriodClosed.v1 in the outbox, in one transaction', async () => {
    ddb.on(GetCommand, PERIODS).resolves({});
    ddb.on(TransactWriteCommand).resolves({});

    const result = await closePeriod(deps('2026-11-30T17:00:00.000Z'), '2026-11', 'local-finance');

    expect(result).toEqual({ period: '2026-11', status: 'CLOSED', closedAt: '2026-11-30T17:00:00.000Z', closedBy: 'local-finance', postingsNowDatedFrom: '2026-12-01' });
    const [put, event] = sentItems(0);
    expect(put!.Put).toMatchObject({ TableName: 'Ledger', Item: { ...PERIODS.Key, closedThrough: '2026-11', closed: [{ period: '2026-11', closedAt: '2026-11-30T17:00:00.000Z', closedBy: 'local-finance' }] }, ConditionExpression: 'attribute_not_exists(closedThrough)' });
    expect(event!.Put).toMatchObject({ TableName: 'Outbox', Item: { eventType: 'PeriodClosed.v1' } });
    expect(JSON.parse(String(event!.Put!.Item!.event))).toMatchObject({ customerId: null, data: { period: '2026-11', nextOpenPeriod: '2026-12' } });
  });

  it('reads again when another close came first, and then refuses a period closed already', async () => {
    ddb.on(GetCommand, PERIODS).resolvesOnce({}).resolves({ Item: { ...PERIODS.Key, closedThrough: '2026-11', closed: [{ period: '2026-11', closedAt: 'x', closedBy: 'y' }] } });
    ddb.on(TransactWriteCommand).rejects(cancelled(['ConditionalCheckFailed', 'None']));

    await expect(closePeriod(deps('2026-11-30T17:00:00.000Z'), '2026-11', 'local-finance')).rejects.toThrow('Period 2026-11 is closed already');
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(1);
  });

  it('refuses a body with a field, naming it, before reading anything', async () => {
    await expect(closePeriod(deps('2026-11-30T17:00:00.000Z'), '2026-11', 'f', { force: true })).rejects.toThrow(/force/);
    expect(ddb.commandCalls(GetCommand)).toHaveLength(0);
  });
});
