/**
 * Faults survived, end to end: the order lifecycle (place order -> credit check -> shipment ->
 * invoice issued and emailed -> payment -> completed) runs once per fault, with the fault injected
 * at one function in turn: a failure once, a time-out after the work was done, DynamoDB throttling,
 * SES refusing or throttling, Step Functions throttling or slow, and a failure that lasts until
 * finance retries the order or invoice from the attention worklist. In every case: nothing is lost
 * (the order completes, the invoice is paid), nothing is doubled (one invoice per shipment, one
 * email per invoice, one payment per request, one journal per posting), and the ledger check holds.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import type { FaultRequest } from '../../local-aws/faults';
import { startTestStack, uniqueId, type ApiDriver, type BodyOf } from './support/api-driver';
import { casesFor, casesRun, countCase, Finance, withRetries, type FaultCase } from './support/fault-cases';

let stack: Awaited<ReturnType<typeof startTestStack>>;
let api: ApiDriver;
let finance: Finance;

beforeAll(async () => {
  stack = await startTestStack();
  api = stack.api;
  finance = new Finance(api, stack.local.faults);
});

afterAll(async () => {
  console.log(`fault cases run (order lifecycle): ${casesRun()}; faults struck: ${stack?.local.faults.log.length}`);
  await stack?.stop();
});

interface Invoice {
  invoiceId: string;
  number: string;
  total: string;
  balance: string;
  status: string;
  sentAt: string | null;
  allocations: { paymentId: string; amount: string }[];
}

/** Journals of the ledger (distinct ids) whose id mentions `text`. */
async function journalsAbout(text: string): Promise<string[]> {
  const db = new DynamoDBClient({ endpoint: stack.local.endpoints.dynamodb, region: 'eu-west-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  const ids = new Set<string>();
  let start: Record<string, never> | undefined;
  do {
    const page = await db.send(new ScanCommand({ TableName: 'local-Ledger', ExclusiveStartKey: start, ProjectionExpression: 'pk' }));
    for (const item of page.Items ?? []) if (item.pk?.S?.includes(text)) ids.add(item.pk.S);
    start = page.LastEvaluatedKey as typeof start;
  } while (start);
  db.destroy();
  return [...ids].sort();
}

/** One whole order lifecycle with `fault` set when `armAt` is reached; the checks every case makes. */
async function lifecycle(fault: FaultRequest, armAt: 'start' | 'awaitingShipment' = 'start', needsAttention?: { state: string }) {
  countCase();
  stack.local.faults.clear();
  const before = finance.seen.length;
  const customerId = uniqueId('fault');
  const email = `${customerId}@example.com`;
  const created = await withRetries('create the customer', () =>
    api.registerCustomer(customerId, { name: 'Fault Tolerant GmbH', email, currency: 'EUR', creditLimit: '100000.00', paymentTermsDays: 14 }, { 'Idempotency-Key': `cust-${customerId}` }),
  );
  expect(created.status).toBe(201);
  if (armAt === 'start') stack.local.faults.add(fault);

  const placed = await withRetries('place the order', () =>
    api.op('postOrders', { body: { customerId, currency: 'EUR', lines: [{ sku: 'CHAIR-1', quantity: 2, unitPrice: '149.90' }] } }, { headers: { 'Idempotency-Key': `order-${customerId}` } }),
  );
  expect(placed.status, JSON.stringify(placed.body)).toBe(202);
  const orderId = String(placed.body.orderId);
  const subjects: string[] = [orderId];
  const order = () => api.op<'getOrdersOrderId', { status: string; invoiceId?: string; invoiceIds?: string[]; attention?: unknown }>('getOrdersOrderId', { path: { orderId } });
  await finance.waitFor(`order ${orderId} awaiting shipment`, () => subjects, order, (r) => r.body.status === 'AWAITING_SHIPMENT');
  if (armAt === 'awaitingShipment') stack.local.faults.add(fault);

  const shipped = await withRetries('report the shipment', () => api.op('postOrdersOrderIdShipments', { path: { orderId }, body: { carrier: 'DHL' } }, { headers: { 'Idempotency-Key': `ship-${orderId}` } }));
  expect(shipped.status, JSON.stringify(shipped.body)).toBe(202);
  const invoiced = await finance.waitFor(`order ${orderId} invoiced`, () => subjects, order, (r) => r.status === 200 && ['INVOICED', 'COMPLETED'].includes(r.body.status) && !!r.body.invoiceId);
  const invoiceId = String(invoiced.body.invoiceId);
  subjects.push(invoiceId);
  const invoice = () => api.op<'getInvoicesInvoiceId', Invoice>('getInvoicesInvoiceId', { path: { invoiceId } });
  const sent = await finance.waitFor(`invoice ${invoiceId} emailed`, () => subjects, invoice, (r) => r.status === 200 && r.body.sentAt !== null);

  // The payment is taken once per request: the storefront retries the same request with the same key.
  const paid = await withRetries('record the payment', () =>
    api.op('postPayments', { body: { amount: sent.body.total, currency: 'EUR', reference: sent.body.number, valueDate: '2026-12-01', providerPaymentId: `psp-${invoiceId}` } }, { headers: { 'Idempotency-Key': `pay-${invoiceId}` } }),
  );
  expect(paid.status, JSON.stringify(paid.body)).toBe(201);
  await finance.waitFor(`order ${orderId} completed`, () => subjects, order, (r) => r.body.status === 'COMPLETED', 45_000);
  if (needsAttention) {
    // A step after the order's completion (ending the dunning escalation) fails later: wait until finance has retried it too.
    await finance.waitFor(`${needsAttention.state} on the worklist`, () => subjects, async () => finance.seen.slice(before).map((s) => s.state), (states) => states.includes(needsAttention.state));
  }
  stack.local.faults.clear();

  // Nothing lost, nothing doubled.
  const invoices = await api.op<'getInvoices', { items: Invoice[] }>('getInvoices', { query: { customerId } });
  expect(invoices.body.items.map((i) => i.invoiceId), 'one invoice per shipment').toEqual([invoiceId]);
  const final = (await invoice()).body;
  expect(final).toMatchObject({ status: 'PAID', balance: '0.00' });
  expect(final.allocations, 'one payment per request').toHaveLength(1);
  const emails = await api.get<{ items: { to: string[]; subject: string }[] }>('/_local/emails');
  expect(emails.body.items.filter((e) => e.to.includes(email)), 'one email per invoice').toHaveLength(1);
  expect(await journalsAbout(invoiceId), 'one issue journal').toEqual([`invoice-${invoiceId}`]);
  expect(await journalsAbout(final.allocations[0]!.paymentId), 'one payment journal').toEqual([`payment-${final.allocations[0]!.paymentId}`]);
  const unapplied = await api.op<'getPaymentsUnapplied', { items: { customerId?: string | null; suggestion?: unknown }[] }>('getPaymentsUnapplied');
  expect(JSON.stringify(unapplied.body.items)).not.toContain(invoiceId);
  const check = await api.ledgerCheck();
  expect(check, JSON.stringify(check)).toMatchObject({ balanced: true, problems: [] });
  const noted = finance.seen.slice(before);
  if (needsAttention) {
    expect(noted.map((n) => n.state), 'waited on the worklist with the step').toContain(needsAttention.state);
    expect(noted[0]?.message ?? '').toMatch(/down|rejected|not verified|Injected/i);
  } else {
    expect(noted, 'no finance needed: the retries absorbed the fault').toEqual([]);
  }
  const worklist = await api.op<'getWorklistsAttention', { items: { subjectId: string }[] }>('getWorklistsAttention');
  expect(worklist.body.items.filter((i) => subjects.includes(i.subjectId)), 'nothing left on the worklist').toEqual([]);
  return { orderId, invoiceId };
}

// Every function of the lifecycle, in order, with the state that runs it (none: an API function the storefront calls).
const steps: { functionId: NonNullable<FaultRequest['functionId']>; state?: string }[] = [
  { functionId: 'PlaceOrder' },
  // The credit check and the wait for the first shipment are one step (WaitForShipment runs after a credit hold or a lapse).
  { functionId: 'CheckCredit', state: 'CheckCreditAndWaitForShipment' },
  { functionId: 'ReportShipment' },
  { functionId: 'IssueInvoice', state: 'InvoiceShipment' },
  { functionId: 'WaitForOrderSettlement', state: 'AwaitOrderSettlement' },
  // The payment settling the last invoice completes the order (CompleteOrder runs when a settlement does not).
  { functionId: 'RecordPayment' },
];

const functionCases: FaultCase[] = steps.flatMap((s) => casesFor(s.functionId, s.state));

const serviceCases: (FaultCase & { armAt?: 'start' | 'awaitingShipment' })[] = [
  { name: 'SES throttles the invoice email once', fault: { kind: 'ses-throttle', functionId: 'IssueInvoice', times: 1 } },
  { name: 'SES throttles the invoice email 3 times', fault: { kind: 'ses-throttle', functionId: 'IssueInvoice', times: 3 } },
  { name: 'SES rejects the invoice email until finance fixes the address and retries', fault: { kind: 'ses-reject', functionId: 'IssueInvoice', times: 0 }, needsAttention: { state: 'InvoiceShipment' } },
  { name: 'Step Functions throttles the shipment resume (SendTaskSuccess) once', fault: { kind: 'sfn-throttle', functionId: 'ReportShipment', operation: 'SendTaskSuccess', times: 1 } },
  { name: 'Step Functions throttles the payment resume (SendTaskSuccess) once', fault: { kind: 'sfn-throttle', functionId: 'RecordPayment', operation: 'SendTaskSuccess', times: 1 } },
  { name: 'Step Functions throttles the order start (PlaceOrder) once', fault: { kind: 'sfn-throttle', functionId: 'PlaceOrder', operation: 'StartExecution', times: 1 } },
  { name: 'Step Functions is slow (300 ms) for every answer of the lifecycle', fault: { kind: 'sfn-slow', delayMs: 300, times: 0 } },
];

describe('the order lifecycle survives a fault at every step', () => {
  it.each(functionCases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    await lifecycle(c.fault, 'start', c.needsAttention);
    expect(stack.local.faults.log.length).toBeGreaterThan(0);
  });

  it.each(serviceCases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const struck = stack.local.faults.log.length;
    await lifecycle(c.fault, c.armAt ?? 'start', c.needsAttention);
    expect(stack.local.faults.log.length, 'the fault struck').toBeGreaterThan(struck);
  });
});

describe('fault injection over HTTP', () => {
  it('sets, lists and clears faults with the finance key only', async () => {
    expect((await api.post('/_local/faults', { kind: 'error', functionId: 'CheckCredit' }, 'storefront')).status).toBe(403);
    const bad = await api.post<{ error: { details: { field: string }[] } }>('/_local/faults', { kind: 'meteor', functionId: 'CheckCredit' }, 'finance');
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0]?.field).toBe('kind');
    expect((await api.post('/_local/faults', { kind: 'error', functionId: 'NoSuchFunction' }, 'finance')).status).toBe(400);
    const set = await api.post<{ items: { id: string }[] }>('/_local/faults', { faults: [{ kind: 'timeout', functionId: 'IssueInvoice', times: 2 }, { kind: 'dynamodb-throttle', functionId: 'CompleteOrder' }] }, 'finance');
    expect(set.status).toBe(201);
    const listed = await api.get<{ items: { id: string; kind: string; times: number; injected: number }[] }>('/_local/faults');
    expect(listed.body.items.map((f) => [f.kind, f.times, f.injected])).toEqual([
      ['timeout', 2, 0],
      ['dynamodb-throttle', 1, 0],
    ]);
    const one = await api.call('DELETE', `/_local/faults?id=${set.body.items[0]!.id}`, { as: 'finance' });
    expect(one.body).toEqual({ removed: 1 });
    expect((await api.call('DELETE', '/_local/faults?id=fault-999', { as: 'finance' })).status).toBe(404);
    expect((await api.call('DELETE', '/_local/faults', { as: 'finance' })).body).toEqual({ removed: 1 });
    expect((await api.get<{ items: unknown[] }>('/_local/faults')).body.items).toEqual([]);
  });

  it('answers the retry and worklist routes to finance only, and 409 for an order that waits for nobody', async () => {
    expect((await api.op('getWorklistsAttention', {}, { as: 'storefront' })).status).toBe(403);
    expect((await api.op('postOrdersOrderIdRetry', { path: { orderId: 'nope' }, body: {} })).status).toBe(403);
    const none = await api.op<'postOrdersOrderIdRetry', { error: { code: string } }>('postOrdersOrderIdRetry', { path: { orderId: 'no-such-order' }, body: {} }, { as: 'finance' });
    expect(none.status).toBe(409);
    expect(none.body.error.code).toBe('NOT_WAITING_FOR_FINANCE');
    expect((await api.op('postInvoicesInvoiceIdRetry', { path: { invoiceId: 'x' }, body: { machine: 'OrderLifecycle' } as unknown as BodyOf<'postInvoicesInvoiceIdRetry'> }, { as: 'finance' })).status).toBe(400);
  });
});
