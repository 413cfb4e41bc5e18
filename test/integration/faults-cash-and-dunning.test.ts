/**
 * Faults survived by a bank statement upload and by the dunning run: each case injects one fault
 * (a failure once, a lost answer, a time-out of the line step mid-way, DynamoDB throttling mid-way,
 * SES throttling, Step Functions throttling, a failure of the statement's line step or of the
 * escalation's waiting step until finance retries) and checks that
 * nothing is lost (every line applied, every overdue customer reminded, every order completed),
 * nothing is doubled (one allocation per line, one letter per customer per run, one journal per
 * posting) and the ledger check holds.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import type { FaultRequest } from '../../local-aws/faults';
import { startTestStack, uniqueId, type ApiDriver } from './support/api-driver';
import { casesRun, countCase, Finance, withRetries } from './support/fault-cases';

let stack: Awaited<ReturnType<typeof startTestStack>>;
let api: ApiDriver;
let finance: Finance;

beforeAll(async () => {
  stack = await startTestStack();
  api = stack.api;
  finance = new Finance(api, stack.local.faults);
});

afterAll(async () => {
  console.log(`fault cases run (statement upload and dunning): ${casesRun()}; faults struck: ${stack?.local.faults.log.length}`);
  await stack?.stop();
});

interface Invoice {
  invoiceId: string;
  orderId: string;
  number: string;
  rfReference: string;
  total: string;
  balance: string;
  status: string;
  dueDate: string;
  allocations: { paymentId: string; amount: string }[];
}

async function journals(prefix: string): Promise<string[]> {
  const db = new DynamoDBClient({ endpoint: stack.local.endpoints.dynamodb, region: 'eu-west-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  const ids = new Set<string>();
  let start: Record<string, never> | undefined;
  do {
    const page = await db.send(new ScanCommand({ TableName: 'local-Ledger', ExclusiveStartKey: start, ProjectionExpression: 'pk' }));
    for (const item of page.Items ?? []) if (item.pk?.S?.startsWith(prefix)) ids.add(item.pk.S);
    start = page.LastEvaluatedKey as typeof start;
  } while (start);
  db.destroy();
  return [...ids].sort();
}

async function customer(name: string) {
  const customerId = uniqueId(name.toLowerCase().replace(/[^a-z]/g, ''));
  const response = await api.registerCustomer(customerId, { name, email: `${customerId}@example.com`, currency: 'EUR', creditLimit: '100000.00', paymentTermsDays: 14 });
  expect(response.status).toBe(201);
  return { customerId, email: `${customerId}@example.com` };
}

async function invoiceFor(customerId: string, amount: string): Promise<Invoice> {
  const placed = await api.op('postOrders', { body: { customerId, currency: 'EUR', lines: [{ sku: 'ITEM', quantity: 1, unitPrice: amount }] } });
  expect(placed.status).toBe(202);
  const orderId = String(placed.body.orderId);
  await api.waitForOrderStatus(orderId, 'AWAITING_SHIPMENT');
  expect((await api.op('postOrdersOrderIdShipments', { path: { orderId }, body: { carrier: 'DHL' } })).status).toBe(202);
  const order = await api.waitForOrderStatus(orderId, 'INVOICED');
  const invoiceId = String(order.body.invoiceId);
  const invoice = await api.waitFor('the invoice emailed', () => api.op<'getInvoicesInvoiceId', Invoice & { sentAt: string | null }>('getInvoicesInvoiceId', { path: { invoiceId } }), (r) => r.status === 200 && r.body.sentAt !== null);
  return { ...invoice.body, orderId };
}

function camt054(notificationId: string, payments: readonly { id: string; amount: string; rf: string }[]): string {
  const entries = payments
    .map(
      (p) => `
      <Ntry><Amt Ccy="EUR">${p.amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>
        <BookgDt><Dt>2026-03-12</Dt></BookgDt><ValDt><Dt>2026-03-12</Dt></ValDt>
        <NtryDtls><TxDtls>
          <Refs><AcctSvcrRef>${p.id}</AcctSvcrRef><EndToEndId>NOTPROVIDED</EndToEndId></Refs>
          <Amt Ccy="EUR">${p.amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd>
          <RltdPties><Dbtr><Pty><Nm>Payer ${p.id}</Nm></Pty></Dbtr><DbtrAcct><Id><IBAN>DE44500105175407324931</IBAN></Id></DbtrAcct></RltdPties>
          <RmtInf><Strd><CdtrRefInf><Ref>${p.rf}</Ref></CdtrRefInf></Strd></RmtInf>
        </TxDtls></NtryDtls>
      </Ntry>`,
    )
    .join('');
  return `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.08"><BkToCstmrDbtCdtNtfctn>
  <GrpHdr><MsgId>${notificationId}</MsgId><CreDtTm>2026-03-12T18:00:00+01:00</CreDtTm></GrpHdr>
  <Ntfctn><Id>${notificationId}-1</Id><CreDtTm>2026-03-12T18:00:00+01:00</CreDtTm>
    <Acct><Id><IBAN>DE89370400440532013000</IBAN></Id><Ccy>EUR</Ccy></Acct>${entries}
  </Ntfctn>
</BkToCstmrDbtCdtNtfctn></Document>
`;
}

async function upload(file: string) {
  // raw: a bank file as the body with its own content type; the client sends JSON bodies only (the contract declares POST /remittances as JSON)
  const response = await fetch(`${api.baseUrl}/remittances`, {
    method: 'POST',
    // The upload moves money: it carries an Idempotency-Key (one per upload; the statement's lines are once-only whatever the key).
    headers: { 'x-api-key': stack.local.apiKeys.finance, 'content-type': 'application/xml', 'idempotency-key': randomUUID() },
    body: file,
    signal: AbortSignal.timeout(120_000),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : {}) as Record<string, unknown>, headers: response.headers };
}

async function expectBalanced() {
  const check = await api.ledgerCheck();
  expect(check, JSON.stringify(check)).toMatchObject({ balanced: true, problems: [] });
}

const statementCases: { name: string; fault: FaultRequest; needsAttention?: boolean }[] = [
  { name: 'the upload call fails once before it starts', fault: { kind: 'error', functionId: 'UploadStatement', errorName: 'Lambda.ServiceException' } },
  { name: 'the upload call times out after starting the processing', fault: { kind: 'timeout', functionId: 'UploadStatement' } },
  { name: 'reading the statement fails once', fault: { kind: 'error', functionId: 'ReadStatement', errorName: 'Lambda.ServiceException' } },
  { name: 'DynamoDB throttles the line step once, early', fault: { kind: 'dynamodb-throttle', functionId: 'ApplyStatementLines', after: 2 } },
  { name: 'DynamoDB throttles the line step twice, mid-way through the lines', fault: { kind: 'dynamodb-throttle', functionId: 'ApplyStatementLines', after: 7, times: 2 } },
  { name: 'DynamoDB throttles the line transactions once', fault: { kind: 'dynamodb-throttle', functionId: 'ApplyStatementLines', operation: 'TransactWriteItems' } },
  { name: 'the line step crashes after applying its lines (its answer is lost) and the retry continues from the saved progress', fault: { kind: 'error', functionId: 'ApplyStatementLines', errorName: 'Lambda.ServiceException', phase: 'after' } },
  { name: 'the line step times out and the retry continues from the saved progress', fault: { kind: 'timeout', functionId: 'ApplyStatementLines' } },
  // The statement line settles the order's invoice without completing the order: it tells the order's wait by SendTaskFailure (InvoiceSettled).
  { name: 'Step Functions throttles resuming the settled invoices once', fault: { kind: 'sfn-throttle', functionId: 'ApplyStatementLines', operation: 'SendTaskFailure' } },
  { name: 'the orders of the settled invoices complete through a failure once', fault: { kind: 'error', functionId: 'CompleteOrder', errorName: 'Lambda.TooManyRequestsException' } },
  {
    name: 'the line step fails until finance retries: the statement waits on the attention worklist, then continues',
    fault: { kind: 'error', functionId: 'ApplyStatementLines', errorName: 'LedgerLocked', message: 'the ledger is closed for the month end', times: 0 },
    needsAttention: true,
  },
];

/** Polls the statement until it is completed; finance retries it when it waits on the attention worklist. */
async function statementCompleted(statementId: string) {
  return finance.waitFor(
    'the statement completed',
    () => [statementId],
    () => api.op<'getRemittancesStatementId', { status: string; counts: Record<string, number>; lastUpload: { newlyRecorded: number; alreadyRecorded: number }; attention?: unknown }>('getRemittancesStatementId', { path: { statementId } }),
    (r) => r.body.status === 'completed',
    60_000,
  );
}

describe('a statement upload survives a fault at every step', () => {
  it.each(statementCases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    countCase();
    stack.local.faults.clear();
    const payer = await customer('Statement Payer AG');
    const [one, two] = [await invoiceFor(payer.customerId, '120.00'), await invoiceFor(payer.customerId, '80.00')];
    const file = camt054(uniqueId('NTF'), [
      { id: uniqueId('TX'), amount: '120.00', rf: one!.rfReference },
      { id: uniqueId('TX'), amount: '80.00', rf: two!.rfReference },
    ]);
    const struck = stack.local.faults.log.length;
    const seenBefore = finance.seen.length;
    stack.local.faults.add(c.fault);
    // Finance uploads again what failed: the same file, applied once.
    const uploaded = await withRetries('upload the statement', () => upload(file) as never);
    expect(uploaded.status, JSON.stringify(uploaded.body)).toBe(202);
    const statementId = String((uploaded.body as { statementId: string }).statementId);
    const statement = await statementCompleted(statementId);
    expect(statement.body.counts).toMatchObject({ applied: 2 });
    // A retried step counts the lines it finds recorded by its own run as recorded by this upload (a retried
    // upload call may have started a second run after the first finished: then they were recorded before).
    if (c.fault.functionId !== 'UploadStatement') expect(statement.body.lastUpload, 'the lines count as recorded by this upload, whatever was retried').toEqual({ newlyRecorded: 2, alreadyRecorded: 0 });
    if (c.needsAttention) {
      expect(finance.seen.slice(seenBefore).map((s) => [s.machine, s.subject, s.subjectId, s.state, s.error])).toContainEqual(['StatementProcessing', 'statement', statementId, 'ApplyLines', 'LedgerLocked']);
    }
    for (const invoice of [one!, two!]) {
      const after = (await api.op<'getInvoicesInvoiceId', Invoice>('getInvoicesInvoiceId', { path: { invoiceId: invoice.invoiceId } })).body;
      expect(after).toMatchObject({ status: 'PAID', balance: '0.00' });
      expect(after.allocations, 'one allocation per line').toHaveLength(1);
      expect(await journals(`statement-line-${after.allocations[0]!.paymentId}`), 'one journal per line').toHaveLength(1);
      await finance.waitFor(`order ${invoice.orderId} completed`, () => [invoice.orderId, invoice.invoiceId], () => api.op('getOrdersOrderId', { path: { orderId: invoice.orderId } }), (r) => r.body.status === 'COMPLETED');
    }
    expect((await api.op('getCustomersCustomerId', { path: { customerId: payer.customerId } })).body).toMatchObject({ openBalance: '0.00', onAccountCredit: '0.00' });
    // The same file once more: nothing new.
    stack.local.faults.clear();
    expect((await upload(file)).status).toBe(202);
    expect((await statementCompleted(statementId)).body.lastUpload).toEqual({ newlyRecorded: 0, alreadyRecorded: 2 });
    await expectBalanced();
    expect(stack.local.faults.log.length, 'the fault struck').toBeGreaterThan(struck);
  });
});

interface Email {
  to: string[];
  subject: string;
  at: string;
}

const dunningCases: { name: string; fault: FaultRequest; needsAttention?: boolean }[] = [
  { name: 'the scheduled run fails once (the schedule tries again)', fault: { kind: 'error', functionId: 'RunDunning', errorName: 'Lambda.ServiceException' } },
  { name: 'the scheduled run times out after sending its letters', fault: { kind: 'timeout', functionId: 'RunDunning' } },
  { name: 'DynamoDB throttles the run twice, mid-way through its letters', fault: { kind: 'dynamodb-throttle', functionId: 'RunDunning', after: 10, times: 2 } },
  { name: 'SES throttles the first letter once', fault: { kind: 'ses-throttle', functionId: 'RunDunning' } },
  { name: 'Step Functions throttles starting the escalations once', fault: { kind: 'sfn-throttle', functionId: 'RunDunning', operation: 'StartExecution' } },
  { name: 'the escalation\'s waiting step fails once', fault: { kind: 'error', functionId: 'AwaitDunningEvent', errorName: 'Lambda.ServiceException' } },
  { name: 'the escalation\'s waiting step sees DynamoDB throttle once', fault: { kind: 'dynamodb-throttle', functionId: 'AwaitDunningEvent' } },
  { name: 'the escalation\'s waiting step fails until finance retries', fault: { kind: 'error', functionId: 'AwaitDunningEvent', errorName: 'SupplierSystemDown', message: 'the letter archive is down', times: 0 }, needsAttention: true },
];

let day = Date.parse('2027-06-01T09:00:00Z');

describe('a dunning run survives a fault at every step', () => {
  it.each(dunningCases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    countCase();
    stack.local.faults.clear();
    // A new stretch of days for each case: two customers, each with an invoice due in 14 days.
    day += 40 * 86_400_000;
    const start = new Date(day);
    expect((await api.post('/_local/clock', { to: start.toISOString() }, 'finance')).status).toBe(200);
    const anna = await customer('Anna Fault');
    const bert = await customer('Bert Fault');
    const a = await invoiceFor(anna.customerId, '500.00');
    const b = await invoiceFor(bert.customerId, '700.00');
    const struck = stack.local.faults.log.length;
    const before = finance.seen.length;
    stack.local.faults.add(c.fault);
    // 3 days past due the 06:00 run sends the first reminders; a day later the next run (nothing due).
    const runDay = new Date(Date.parse(`${a.dueDate}T00:00:00Z`) + 3 * 86_400_000).toISOString().slice(0, 10);
    expect((await api.post('/_local/clock', { to: `${new Date(Date.parse(runDay) + 86_400_000).toISOString().slice(0, 10)}T09:00:00Z` }, 'finance')).status).toBe(200);
    if (c.needsAttention) {
      await finance.waitFor('the escalations to wait for finance and be retried', () => [a.invoiceId, b.invoiceId], async () => finance.seen.length - before, (n) => n >= 2);
      expect(finance.seen.slice(before).map((s) => [s.machine, s.state])).toEqual(expect.arrayContaining([['DunningEscalation', expect.any(String)]]));
    }
    stack.local.faults.clear();

    const run = await api.op<'getDunningRunsRunId', { status: string; customersContacted: { customerId: string }[] }>('getDunningRunsRunId', { path: { runId: `run-${runDay}` } });
    expect(run.status).toBe(200);
    expect(run.body.status).toBe('COMPLETED');
    const emails = (await api.get<{ items: Email[] }>('/_local/emails')).body.items.filter((e) => !/^(Invoice|Rechnung|Statement of account|Kontoauszug) /.test(e.subject));
    for (const who of [anna, bert]) {
      const letters = emails.filter((e) => e.to.includes(who.email));
      expect(letters, `${who.customerId}: one letter`).toHaveLength(1);
    }
    for (const invoice of [a, b]) {
      const shown = (await api.op<'getInvoicesInvoiceId', Invoice & { dunning: { level: number } }>('getInvoicesInvoiceId', { path: { invoiceId: invoice.invoiceId } })).body;
      expect(shown.dunning.level).toBe(1);
      expect((await journals(`dunning-charges-${invoice.invoiceId}`)).length, 'charges posted at most once').toBeLessThanOrEqual(1);
    }
    await expectBalanced();

    // Paid: the escalations end, the orders complete, nothing waits on the worklist.
    for (const invoice of [a, b]) {
      const current = (await api.op<'getInvoicesInvoiceId', Invoice>('getInvoicesInvoiceId', { path: { invoiceId: invoice.invoiceId } })).body;
      const paid = await withRetries('pay', () => api.op('postPayments', { body: { amount: current.balance, currency: 'EUR', reference: current.number, valueDate: runDay, providerPaymentId: `psp-${invoice.invoiceId}` } }, { headers: { 'Idempotency-Key': `pay-${invoice.invoiceId}` } }));
      expect(paid.status).toBe(201);
      await finance.waitFor(`order ${invoice.orderId} completed`, () => [invoice.orderId, invoice.invoiceId], () => api.op('getOrdersOrderId', { path: { orderId: invoice.orderId } }), (r) => r.body.status === 'COMPLETED');
    }
    const worklist = await api.op<'getWorklistsAttention', { items: { subjectId: string }[] }>('getWorklistsAttention');
    expect(worklist.body.items.filter((i) => [a.invoiceId, b.invoiceId, a.orderId, b.orderId].includes(i.subjectId))).toEqual([]);
    await expectBalanced();
    expect(stack.local.faults.log.length, 'the fault struck').toBeGreaterThan(struck);
  });
});

describe('an invoice open for more than a year', () => {
  it('still completes its order when it is paid: the executions continue in new ones before their year ends', async () => {
    countCase();
    stack.local.faults.clear();
    day += 40 * 86_400_000;
    expect((await api.post('/_local/clock', { to: new Date(day).toISOString() }, 'finance')).status).toBe(200);
    const late = await customer('Late Payer Ltd');
    const invoice = await invoiceFor(late.customerId, '250.00');
    // Dunning hands it to a collector; the clock moves 400 days (in steps: at most a year at once), the daily runs and monthly lapses with it.
    for (const step of ['P100D', 'P100D', 'P100D', 'P100D']) {
      const moved = await api.post('/_local/clock', { advance: step }, 'finance');
      expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    }
    const sfn = await import('@aws-sdk/client-sfn');
    const client = new sfn.SFNClient({ endpoint: stack.local.endpoints.stepFunctions, region: 'eu-west-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
    const list = async (machine: string) =>
      (await client.send(new sfn.ListExecutionsCommand({ stateMachineArn: stack.local.stateMachineArns[`local-${machine}`]! }))).executions ?? [];
    const orderRuns = (await list('OrderLifecycle')).filter((e) => e.name?.startsWith(`order-${invoice.orderId}`));
    const settlementRuns = (await list('InvoiceSettlement')).filter((e) => e.name?.startsWith(`invoice-${invoice.invoiceId}`));
    expect(orderRuns.map((e) => e.status).sort(), 'the order continued once, none timed out').toEqual(['RUNNING', 'SUCCEEDED']);
    // The order tracks its invoice itself: no settlement execution per invoice.
    expect(settlementRuns).toEqual([]);
    expect([...(await list('DunningEscalation'))].filter((e) => e.status === 'TIMED_OUT')).toEqual([]);

    const current = (await api.op<'getInvoicesInvoiceId', Invoice>('getInvoicesInvoiceId', { path: { invoiceId: invoice.invoiceId } })).body;
    const paid = await api.op('postPayments', { body: { amount: current.balance, currency: 'EUR', reference: current.number, valueDate: new Date(day + 400 * 86_400_000).toISOString().slice(0, 10), providerPaymentId: uniqueId('psp') } });
    expect(paid.status).toBe(201);
    await api.waitForOrderStatus(invoice.orderId, 'COMPLETED');
    await expectBalanced();
    client.destroy();
  });
});
