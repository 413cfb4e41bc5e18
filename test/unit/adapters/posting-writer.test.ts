import { afterEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoPostingWriter } from '../../../lambdas/adapters/dynamodb/posting-writer';
import { invoiceWrite } from '../../../lambdas/adapters/dynamodb/invoice-item';
import { applyPayment, type PaymentRequest } from '../../../lambdas/core/payments/payment';
import { applyStatementLine, applyUnappliedPayment, openItemOf, statementLineKey, type CashPayment } from '../../../lambdas/core/cash-application/application';
import { CashApplication } from '../../../lambdas/core/cash-application/matcher';
import type { StatementLine } from '../../../lambdas/core/bank-statements/statement';
import { ConcurrentUpdateError, LineAlreadyRecordedError, PaymentExistsError } from '../../../lambdas/core/ports';
import { PostingTooLargeError, PostingWrittenBeforeError, type Posting } from '../../../lambdas/core/posting/posting';
import { journal } from '../../../lambdas/core/ledger/ledger';
import { money } from '../../../lambdas/core/money/money';
import { anInvoice } from '../../support/builders';

const ddb = mockClient(DynamoDBDocumentClient);
const client = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-central-1' }));
const tables = {
  payments: 'Payments',
  invoices: 'Invoices',
  customers: 'Customers',
  ledger: 'Ledger',
  payers: 'Payers',
  statements: 'Statements',
  statementLines: 'StatementLines',
  runs: 'Runs',
  outbox: 'Outbox',
};

afterEach(() => {
  ddb.reset();
});

function cancelled(...codes: string[]) {
  return new TransactionCanceledException({ message: 'Transaction cancelled', $metadata: {}, CancellationReasons: codes.map((Code) => ({ Code })) });
}

type Item = NonNullable<NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>[number]>;

const kinds = (items: readonly Item[]) =>
  items.map((i) => (i.Put ? `Put ${i.Put.TableName}` : i.Update ? `Update ${i.Update.TableName}` : i.Delete ? `Delete ${i.Delete.TableName}` : `ConditionCheck ${i.ConditionCheck?.TableName}`));

/** An update as attribute -> value (`set`), entries appended (`append`) and attributes removed. */
function readUpdate(update: NonNullable<Item['Update']>) {
  const names = update.ExpressionAttributeNames ?? {};
  const values = update.ExpressionAttributeValues ?? {};
  const set: Record<string, unknown> = {};
  const append: Record<string, unknown> = {};
  const [setPart, removePart] = (update.UpdateExpression ?? '').split(' REMOVE ');
  for (const clause of (setPart ?? '').replace(/^SET /, '').split(/, (?=#)/).filter(Boolean)) {
    const appendMatch = /^(#\w+) = list_append\(#\w+, (:\w+)\)$/.exec(clause);
    const setMatch = /^(#\w+) = (:\w+)$/.exec(clause);
    if (appendMatch) append[names[appendMatch[1]!]!] = values[appendMatch[2]!];
    else if (setMatch) set[names[setMatch[1]!]!] = values[setMatch[2]!];
    else if (!clause.startsWith('REMOVE')) throw new Error(`unexpected clause ${clause}`);
  }
  const remove = (removePart ?? (setPart?.startsWith('REMOVE ') ? setPart.slice(7) : '')).split(', ').filter(Boolean).map((n) => names[n]);
  return { set, append, remove };
}

const sent = () => ddb.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems! as Item[];

describe('invoiceWrite: the one mapper of an invoice change', () => {
  const before = anInvoice({ invoiceId: 'I-1', status: 'OVERDUE', nextActionDate: '2027-03-18', dunning: { level: 1, blockedUntil: null, history: [], version: 3 } });

  it('sets only what changed, appends history entries, removes dropped attributes, conditioned on balance, status and dunning version', () => {
    const after = {
      ...before,
      status: 'DISPUTED' as const,
      nextActionDate: undefined,
      history: [...before.history, { status: 'DISPUTED', at: '2027-03-18T05:00:00Z', note: 'dispute D-1' }],
      dunning: { ...before.dunning, version: 4 },
    };
    const update = invoiceWrite('Invoices', { before, after }).Update!;
    expect(update).toMatchObject({
      TableName: 'Invoices',
      Key: { invoiceId: 'I-1' },
      ConditionExpression: 'attribute_exists(invoiceId) AND #balance = :beforeBalance AND #status = :beforeStatus AND #dunning.#version = :beforeVersion',
      ExpressionAttributeValues: expect.objectContaining({ ':beforeBalance': 10_000, ':beforeStatus': 'OVERDUE', ':beforeVersion': 3 }),
    });
    expect(readUpdate(update)).toEqual({
      set: { status: 'DISPUTED', dunning: after.dunning },
      append: { history: [{ status: 'DISPUTED', at: '2027-03-18T05:00:00Z', note: 'dispute D-1' }] },
      remove: ['nextActionDate'],
    });
  });

  it('conditions a first dunning change on the version being absent, and puts a new item only if none exists', () => {
    const fresh = { ...before, dunning: { level: 0, blockedUntil: null, history: [] } };
    const update = invoiceWrite('Invoices', { before: fresh, after: { ...fresh, nextActionDate: '2027-03-25', dunning: { ...fresh.dunning, version: 1 } } }).Update!;
    expect(update.ConditionExpression).toContain('attribute_not_exists(#dunning.#version)');
    expect(readUpdate(update).set).toMatchObject({ nextActionDate: '2027-03-25' });
    const charges = anInvoice({ invoiceId: 'I-1-C' });
    expect(invoiceWrite('Invoices', { before: null, after: charges })).toEqual({ Put: { TableName: 'Invoices', Item: charges, ConditionExpression: 'attribute_not_exists(invoiceId)' } });
  });

  it('checks only the condition when nothing changed', () => {
    expect(invoiceWrite('Invoices', { before, after: { ...before } })).toMatchObject({ ConditionCheck: { TableName: 'Invoices', Key: { invoiceId: 'I-1' } } });
  });
});

describe('DynamoPostingWriter: an online payment', () => {
  const invoice = anInvoice({ invoiceId: 'I-1', totalMinor: 10_000 });
  const application = (amountMinor: number, currency = 'EUR') => {
    const request: PaymentRequest = { amountMinor, currency, reference: invoice.number, payerName: 'Acme', valueDate: '2026-03-10', invoiceIds: [] };
    return applyPayment('P-1', request, [invoice], { now: new Date('2026-03-10T12:00:00Z'), source: 'online', explicitOrder: false });
  };

  it('writes payment, each invoice only if unchanged since read, the on-account credit and the journal in one transaction', async () => {
    ddb.on(TransactWriteCommand).resolves({});
    const { payment, posting } = application(15_000);
    await new DynamoPostingWriter(client, tables).post(posting);
    const items = sent();
    // The payment's events (PaymentReceived, PaymentApplied) go into the outbox in the same transaction.
    expect(kinds(items)).toEqual(['Put Payments', 'Update Invoices', 'Update Customers', 'Put Ledger', 'Put Ledger', 'Put Ledger', 'Put Outbox', 'Put Outbox', 'ConditionCheck Ledger']);
    expect(items.slice(6, 8).map((i) => i.Put?.Item?.eventType)).toEqual(['PaymentReceived.v1', 'PaymentApplied.v1']);
    expect(JSON.parse(String(items[7]!.Put!.Item!.event))).toMatchObject({ eventType: 'PaymentApplied.v1', occurredAt: '2026-03-10T12:00:00.000Z', data: { paymentId: 'P-1', invoiceId: 'I-1', amount: '100.00' } });
    expect(items[0]?.Put).toEqual({ TableName: 'Payments', Item: payment, ConditionExpression: 'attribute_not_exists(paymentId)' });
    expect(readUpdate(items[1]!.Update!)).toMatchObject({ set: { paidMinor: 10_000, balanceMinor: 0, status: 'PAID' }, append: { allocations: [{ paymentId: 'P-1', amountMinor: 10_000, at: '2026-03-10T12:00:00.000Z' }] } });
    expect(items[1]!.Update!.ExpressionAttributeValues).toMatchObject({ ':beforeBalance': 10_000, ':beforeStatus': 'OPEN' });
    expect(items[2]?.Update).toEqual({
      TableName: 'Customers',
      Key: { customerId: 'C-1' },
      UpdateExpression: 'ADD onAccountCreditMinor :credit',
      ConditionExpression: 'attribute_exists(customerId)',
      ExpressionAttributeValues: { ':credit': 5_000 },
    });
    expect(items.slice(3, 6).map((i) => [i.Put?.Item?.account, i.Put?.Item?.side, i.Put?.Item?.amountMinor, i.Put?.ConditionExpression])).toEqual([
      ['cash', 'debit', 15_000, 'attribute_not_exists(pk)'],
      ['receivables', 'credit', 10_000, 'attribute_not_exists(pk)'],
      ['customer-credit', 'credit', 5_000, 'attribute_not_exists(pk)'],
    ]);
  });

  it('puts an unapplied payment on the worklist and changes no invoice or customer', async () => {
    ddb.on(TransactWriteCommand).resolves({});
    const { payment, posting } = application(10_000, 'USD');
    expect(payment.status).toBe('unapplied');
    await new DynamoPostingWriter(client, tables).post(posting);
    const items = sent();
    expect(items).toHaveLength(5);
    expect(items[0]?.Put?.Item).toEqual({ ...payment, worklist: 'UNAPPLIED' });
    expect(items.slice(1, 3).every((i) => i.Put?.TableName === 'Ledger')).toBe(true);
    expect(items[3]?.Put).toMatchObject({ TableName: 'Outbox', Item: { eventType: 'PaymentReceived.v1' } });
    // Last: the check that the closed periods are still those read (a period closed meanwhile dates the posting again).
    expect(items[4]?.ConditionCheck).toMatchObject({ TableName: 'Ledger', Key: { pk: 'ledger-periods', sk: 'state' }, ConditionExpression: 'attribute_not_exists(closedThrough)' });
  });

  it('reads a refusal by the name of the item: a changed invoice or a transaction conflict is a concurrent update', async () => {
    const writer = new DynamoPostingWriter(client, tables);
    ddb.on(TransactWriteCommand).rejectsOnce(cancelled('None', 'ConditionalCheckFailed', 'None', 'None', 'None', 'None')).rejectsOnce(cancelled('None', 'TransactionConflict', 'None', 'None'));
    await expect(writer.post(application(15_000).posting)).rejects.toBeInstanceOf(ConcurrentUpdateError);
    await expect(writer.post(application(4_000).posting)).rejects.toBeInstanceOf(ConcurrentUpdateError);
  });

  it('does not call a payment id recorded already a concurrent update: it says the payment exists, by the item\'s name', async () => {
    ddb.on(TransactWriteCommand).rejects(cancelled('ConditionalCheckFailed', 'None', 'None', 'None'));
    const error = await new DynamoPostingWriter(client, tables).post(application(4_000).posting).catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(ConcurrentUpdateError);
    expect(error).toBeInstanceOf(PaymentExistsError);
    expect((error as PaymentExistsError).paymentId).toBe('P-1');
  });

  it('reads "the payment exists" before "the journal exists" when both are refused (the same payment sent again)', async () => {
    const posting = application(4_000).posting;
    const names = new DynamoPostingWriter(client, tables).itemsOf(posting).map((n) => n.name);
    ddb.on(TransactWriteCommand).rejects(cancelled(...names.map((n) => (n === 'payment P-1' || n.startsWith('journal ') || n.startsWith('invoice ') ? 'ConditionalCheckFailed' : 'None'))));
    await expect(new DynamoPostingWriter(client, tables).post(posting)).rejects.toBeInstanceOf(PaymentExistsError);
  });

  it('refuses a posting over the 100 items of one transaction before sending anything', async () => {
    const many = Array.from({ length: 60 }, (_, i) => anInvoice({ invoiceId: `I-${i}`, number: `INV-2026-${String(i).padStart(6, '0')}`, totalMinor: 100 }));
    const request: PaymentRequest = { amountMinor: 6_000, currency: 'EUR', reference: null, payerName: null, valueDate: '2026-03-10', invoiceIds: many.map((i) => i.invoiceId) };
    const { posting } = applyPayment('P-9', request, many, { now: new Date('2026-03-10T12:00:00Z'), source: 'online', explicitOrder: true });
    await expect(new DynamoPostingWriter(client, tables).post(posting)).rejects.toBeInstanceOf(PostingTooLargeError);
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });
});

describe('DynamoPostingWriter: a statement line', () => {
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
      lineKey: statementLineKey(theLine, 'DE89370400440532013000', 1),
      match,
      invoices: new Map([['I-1', invoice]]),
      now: new Date('2026-03-10T12:00:00Z'),
      learnedAccount: 'DE44500105175407324931',
    });
  }

  it('writes the line identity (only if new), its result, the payment, the invoice (only if unchanged), the customer, the payer and the journal in one transaction', async () => {
    ddb.on(TransactWriteCommand).resolves({});
    const app = application();
    await new DynamoPostingWriter(client, tables).post(app.posting);
    const items = sent();
    expect(kinds(items)).toEqual(['Put StatementLines', 'Put Statements', 'Put Payments', 'Update Invoices', 'Update Customers', 'Update Payers', 'Put Ledger', 'Put Ledger', 'Put Ledger', 'Put Outbox', 'Put Outbox', 'ConditionCheck Ledger']);
    expect(items[0]!.Put).toMatchObject({ Item: { lineKey: app.result.lineKey, paymentId: 'P-1', status: 'applied' }, ConditionExpression: 'attribute_not_exists(lineKey)' });
    expect(items[1]!.Put).toMatchObject({ Item: { statementId: 'st-1', sk: 'line#000000007', recordedIn: 'st-1', sequence: 7 } });
    expect(items[1]!.Put!.ConditionExpression).toBeUndefined();
    expect(items[2]!.Put).toMatchObject({ Item: { paymentId: 'P-1', source: 'statement', onAccountMinor: 650 }, ConditionExpression: 'attribute_not_exists(paymentId)' });
    expect(items[2]!.Put!.Item).not.toHaveProperty('worklist');
    expect(readUpdate(items[3]!.Update!).set).toMatchObject({ balanceMinor: 0, status: 'PAID' });
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
    expect(items.slice(6, 9).map((i) => [i.Put?.Item?.pk, i.Put?.Item?.account, i.Put?.Item?.side, i.Put?.Item?.amountMinor])).toEqual([
      ['statement-line-P-1', 'cash', 'debit', 10_650],
      ['statement-line-P-1', 'receivables', 'credit', 10_000],
      ['statement-line-P-1', 'customer-credit', 'credit', 650],
    ]);
  });

  it('puts an unapplied line on the worklist and keeps the reason code of a write-off on its ledger lines', async () => {
    ddb.on(TransactWriteCommand).resolves({});
    const writer = new DynamoPostingWriter(client, tables);
    await writer.post(application(5_000, { remittanceText: 'nothing', payerAccount: null }).posting);
    await writer.post(application(9_900).posting);
    const [unapplied, shortPaid] = ddb.commandCalls(TransactWriteCommand).map((c) => c.args[0].input.TransactItems! as Item[]);
    expect(unapplied!.find((i) => i.Put?.TableName === 'Payments')!.Put!.Item).toMatchObject({ worklist: 'UNAPPLIED', unappliedMinor: 5_000 });
    expect(unapplied!.some((i) => i.Update)).toBe(false);
    const writeOff = shortPaid!.filter((i) => i.Put?.Item?.reasonCode).map((i) => [i.Put!.Item!.account, i.Put!.Item!.side, i.Put!.Item!.amountMinor, i.Put!.Item!.reasonCode]);
    expect(writeOff).toEqual([
      ['write-off', 'debit', 100, 'SHORT_PAY_WITHIN_TOLERANCE'],
      ['receivables', 'credit', 100, 'SHORT_PAY_WITHIN_TOLERANCE'],
    ]);
  });

  it('says the line was recorded already when its identity exists, and that an invoice changed when one did', async () => {
    const writer = new DynamoPostingWriter(client, tables);
    ddb.on(TransactWriteCommand).rejectsOnce(cancelled('ConditionalCheckFailed', 'None', 'None', 'ConditionalCheckFailed')).rejectsOnce(cancelled('None', 'None', 'None', 'ConditionalCheckFailed'));
    await expect(writer.post(application().posting)).rejects.toThrow(LineAlreadyRecordedError);
    await expect(writer.post(application().posting)).rejects.toThrow(ConcurrentUpdateError);
  });
});

describe('DynamoPostingWriter: applying an unapplied payment by hand', () => {
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
  const manual = (amountMinor: number) =>
    applyUnappliedPayment(payment, [{ invoiceId: 'I-1', amountMinor }], new Map([['I-1', anInvoice({ invoiceId: 'I-1', totalMinor: 10_000 })]]), new Date('2026-03-10T12:00:00Z'));

  it('writes the payment only if its unapplied amount is unchanged (off the worklist when nothing is left), the invoice, the payer remembered, the journal', async () => {
    ddb.on(TransactWriteCommand).resolves({});
    await new DynamoPostingWriter(client, tables).post(manual(10_000).posting);
    const items = sent();
    // A manual application: the payment was received before, only its application is news.
    expect(kinds(items)).toEqual(['Put Payments', 'Update Invoices', 'Update Customers', 'Update Payers', 'Update Payers', 'Put Ledger', 'Put Ledger', 'Put Outbox', 'ConditionCheck Ledger']);
    expect(items[7]?.Put?.Item?.eventType).toBe('PaymentApplied.v1');
    expect(items[0]!.Put).toMatchObject({
      ConditionExpression: 'attribute_exists(paymentId) AND unappliedMinor = :before',
      ExpressionAttributeValues: { ':before': 10_000 },
      Item: { paymentId: 'P-1', unappliedMinor: 0, status: 'applied', customerId: 'C-1' },
    });
    expect(items[0]!.Put!.Item).not.toHaveProperty('worklist');
    expect(items[2]!.Update).toEqual({
      TableName: 'Customers',
      Key: { customerId: 'C-1' },
      UpdateExpression: 'ADD knownPayerAccounts :accounts, knownPayerNames :names',
      ConditionExpression: 'attribute_exists(customerId)',
      ExpressionAttributeValues: { ':accounts': new Set(['NL91ABNA0417164300']), ':names': new Set(['MULLER SOHNE']) },
    });
    expect([items[3]!.Update!.Key, items[4]!.Update!.Key]).toEqual([{ payerKey: 'account#NL91ABNA0417164300' }, { payerKey: 'name#MULLER SOHNE' }]);
    expect(items.slice(5, 7).map((i) => [i.Put?.Item?.account, i.Put?.Item?.side, i.Put?.Item?.amountMinor])).toEqual([
      ['unapplied-cash', 'debit', 10_000],
      ['receivables', 'credit', 10_000],
    ]);
  });

  it('keeps a payment with money left on the worklist, and reports a changed payment as a concurrent update', async () => {
    ddb.on(TransactWriteCommand).resolvesOnce({}).rejectsOnce(cancelled('ConditionalCheckFailed', 'None'));
    const writer = new DynamoPostingWriter(client, tables);
    await writer.post(manual(4_000).posting);
    expect(sent()[0]!.Put!.Item).toMatchObject({ unappliedMinor: 6_000, status: 'partially-applied', worklist: 'UNAPPLIED' });
    await expect(writer.post(manual(10_000).posting)).rejects.toThrow(ConcurrentUpdateError);
  });
});

describe('DynamoPostingWriter: a dunning change', () => {
  const before = anInvoice({ invoiceId: 'I-1', status: 'OVERDUE', nextActionDate: '2027-03-18', dunning: { level: 1, blockedUntil: null, history: [], version: 3 } });
  const after = { ...before, nextActionDate: '2027-03-25', dunning: { ...before.dunning, level: 2, version: 4 } };
  const charges = anInvoice({ invoiceId: 'I-1-C', totalMinor: 4000, balanceMinor: 4000 });
  const charged = journal('dunning-charges-I-1-L2', 'DunningChargesPosted', '2027-03-18T05:00:00Z', [
    { account: 'receivables', side: 'debit', amount: money(4000, 'EUR'), reference: 'I-1-C' },
    { account: 'dunning-fee-income', side: 'credit', amount: money(4000, 'EUR'), reference: 'I-1' },
  ]);
  const posting: Posting = {
    description: 'dunning of invoice I-1',
    invoices: [
      { before, after },
      { before: null, after: charges },
    ],
    journals: [charged],
    collectionsWorklist: { invoiceId: 'I-1', customerId: 'C-1', action: 'add', at: '2027-03-18T05:00:00.000Z' },
  };

  it('writes invoice, charges item, journal lines and worklist entry in one transaction, each conditional', async () => {
    ddb.on(TransactWriteCommand).resolves({});
    // Written on the day it is dated, mid-month: March cannot be closed before its last day, so no guard and no read of the periods.
    await new DynamoPostingWriter(client, tables, { timeZone: 'Europe/Berlin', clock: { now: () => new Date('2027-03-18T05:00:01Z') } }).post(posting);
    expect(ddb.commandCalls(GetCommand)).toHaveLength(0);
    const items = sent();
    expect(kinds(items)).toEqual(['Update Invoices', 'Put Invoices', 'Put Ledger', 'Put Ledger', 'Put Runs']);
    expect(items[1]!.Put).toMatchObject({ Item: { invoiceId: 'I-1-C' }, ConditionExpression: 'attribute_not_exists(invoiceId)' });
    expect(items[2]!.Put).toMatchObject({ Item: { pk: 'dunning-charges-I-1-L2', sk: 'line#001', account: 'receivables' }, ConditionExpression: 'attribute_not_exists(pk)' });
    expect(items[4]!.Put).toEqual({ TableName: 'Runs', Item: { pk: 'collections-worklist', sk: 'I-1', invoiceId: 'I-1', customerId: 'C-1', addedAt: '2027-03-18T05:00:00.000Z' } });
  });

  it('guards the posting against a close when its month may be closed: from an hour before its last day, and for earlier months', async () => {
    ddb.on(TransactWriteCommand).resolves({});
    const at = (now: string) => new DynamoPostingWriter(client, tables, { timeZone: 'Europe/Berlin', clock: { now: () => new Date(now) } });
    for (const [now, guarded] of [
      ['2027-03-30T20:59:00Z', false], // 22:59 in Berlin (summer time) on the 30th: the last day begins in more than an hour
      ['2027-03-30T21:30:00Z', true], // half an hour before the last day begins
      ['2027-03-31T10:00:00Z', true], // the last day: March may be closed now
      ['2027-04-02T08:00:00Z', true], // a journal of an earlier month
    ] as const) {
      ddb.resetHistory();
      await at(now).post(posting);
      expect(kinds(sent()).includes('ConditionCheck Ledger'), now).toBe(guarded);
    }
  });

  it('reports a changed invoice as a conflict and an existing journal as written before', async () => {
    const writer = new DynamoPostingWriter(client, tables);
    ddb.on(TransactWriteCommand).rejectsOnce(cancelled('ConditionalCheckFailed', 'None', 'None', 'None', 'None')).rejectsOnce(cancelled('None', 'None', 'ConditionalCheckFailed', 'None', 'None'));
    await expect(writer.post(posting)).rejects.toBeInstanceOf(ConcurrentUpdateError);
    await expect(writer.post(posting)).rejects.toBeInstanceOf(PostingWrittenBeforeError);
  });

  it('removes the worklist entry when the posting takes the item off it', async () => {
    ddb.on(TransactWriteCommand).resolves({});
    await new DynamoPostingWriter(client, tables).post({ ...posting, invoices: [{ before, after }], journals: [], collectionsWorklist: { invoiceId: 'I-1', customerId: 'C-1', action: 'remove', at: 'x' } });
    expect(sent().at(-1)).toEqual({ Delete: { TableName: 'Runs', Key: { pk: 'collections-worklist', sk: 'I-1' } } });
  });

  it('names the table it was built without', async () => {
    await expect(new DynamoPostingWriter(client, { invoices: 'Invoices' }).post(posting)).rejects.toThrow('built without the ledger table');
  });
});

describe('DynamoPostingWriter.postTogether (the lines of a statement chunk in one transaction)', () => {
  const invoice = (invoiceId: string) => anInvoice({ invoiceId, totalMinor: 10_000 });
  const paid = (invoiceId: string, journalId: string): Posting => {
    const before = invoice(invoiceId);
    const after = { ...before, paidMinor: 10_000, balanceMinor: 0, status: 'PAID' as const };
    return {
      description: `payment of ${invoiceId}`,
      invoices: [{ before, after }],
      journals: [
        journal(journalId, 'PaymentReceived', '2026-03-10T09:00:00.000Z', [
          { account: 'cash', side: 'debit', amount: money(10_000, 'EUR'), reference: invoiceId },
          { account: 'receivables', side: 'credit', amount: money(10_000, 'EUR'), reference: invoiceId },
        ]),
      ],
    };
  };

  it('sends the items of every posting as one TransactWriteItems and answers true', async () => {
    // Prepare
    ddb.on(TransactWriteCommand).resolves({});

    // Act
    const written = await new DynamoPostingWriter(client, tables).postTogether([paid('I-1', 'j-1'), paid('I-2', 'j-2')]);

    // Assess
    expect(written).toBe(true);
    const calls = ddb.commandCalls(TransactWriteCommand);
    expect(calls).toHaveLength(1);
    const items = calls[0]!.args[0].input.TransactItems!;
    expect(items.filter((i) => i.Update?.TableName === 'Invoices').map((i) => i.Update!.Key)).toEqual([{ invoiceId: 'I-1' }, { invoiceId: 'I-2' }]);
    expect(items.filter((i) => i.Put?.TableName === 'Ledger')).toHaveLength(4);
  });

  it('answers false, nothing written, when a condition of any posting fails (the caller posts them one by one)', async () => {
    // Prepare
    ddb.on(TransactWriteCommand).rejects(cancelled('None', 'ConditionalCheckFailed'));

    // Act
    const written = await new DynamoPostingWriter(client, tables).postTogether([paid('I-1', 'j-1'), paid('I-2', 'j-2')]);

    // Assess
    expect(written).toBe(false);
  });

  it('answers false without sending when two postings change one invoice or together exceed 100 items', async () => {
    // Act
    const writer = new DynamoPostingWriter(client, tables);
    const twice = await writer.postTogether([paid('I-1', 'j-1'), paid('I-1', 'j-2')]);
    const tooMany = await writer.postTogether(Array.from({ length: 34 }, (_, i) => paid(`I-${i}`, `j-${i}`)));

    // Assess
    expect(twice).toBe(false);
    expect(tooMany).toBe(false);
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });

  it('throws what is not a refusal (the service unavailable)', async () => {
    ddb.on(TransactWriteCommand).rejects(new Error('socket hang up'));
    await expect(new DynamoPostingWriter(client, tables).postTogether([paid('I-1', 'j-1')])).rejects.toThrow('socket hang up');
  });
});
