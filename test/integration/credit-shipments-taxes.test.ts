/**
 * Issue "orders and invoices finance can trust", through HTTP on the local AWS: credit control with
 * a hold finance decides, partial shipments each invoiced with per-line tax, cancellation before
 * and after invoicing, idempotent concurrent orders, gapless invoice numbers under concurrency; the
 * ledger check holds after every scenario.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { startTestStack, uniqueId, type ApiDriver, type BodyOf } from './support/api-driver';

let stack: Awaited<ReturnType<typeof startTestStack>>;
let api: ApiDriver;

beforeAll(async () => {
  stack = await startTestStack();
  api = stack.api;
});

afterAll(async () => {
  await stack?.stop();
});

async function customer(overrides: Record<string, unknown> = {}) {
  const customerId = uniqueId('cust');
  const response = await api.registerCustomer(customerId, { name: 'Credit Test AG', email: `${customerId}@example.com`, currency: 'EUR', creditLimit: '1000.00', paymentTermsDays: 30, ...overrides });
  expect(response.status).toBe(201);
  return customerId;
}

async function order(customerId: string, lines: BodyOf<'postOrders'>['lines']) {
  const response = await api.op('postOrders', { body: { customerId, currency: 'EUR', lines } });
  expect(response.status).toBe(202);
  return String(response.body.orderId);
}

async function expectBalancedBooks() {
  const check = await api.ledgerCheck();
  expect(check.problems).toEqual([]);
  expect(check.balanced).toBe(true);
}

describe('credit control', () => {
  it('holds an order over the credit limit until finance approves it', async () => {
    const customerId = await customer();
    const orderId = await order(customerId, [{ sku: 'A', quantity: 1, unitPrice: '1200.00' }]);
    const held = await api.waitForOrderStatus(orderId, 'CREDIT_HOLD');
    const note = (held.body.history as { note?: string }[]).at(-1)?.note ?? '';
    expect(note).toContain('1200.00 EUR');
    expect(note).toContain('1000.00 EUR');
    expect((await api.op('getCustomersCustomerId', { path: { customerId } })).body.exposure).toBe('0.00');

    expect((await api.op('postOrdersOrderIdShipments', { path: { orderId }, body: {} })).status).toBe(409);
    expect((await api.op('postOrdersOrderIdCreditDecision', { path: { orderId }, body: { decision: 'approve', reason: 'long-standing customer' } })).status).toBe(403);
    const bad = await api.op<'postOrdersOrderIdCreditDecision', { error: { details: { field: string }[] } }>('postOrdersOrderIdCreditDecision', { path: { orderId }, body: { decision: 'maybe' } as unknown as BodyOf<'postOrdersOrderIdCreditDecision'> }, { as: 'finance' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((d) => d.field).sort()).toEqual(['decision', 'reason']);

    const approved = await api.op('postOrdersOrderIdCreditDecision', { path: { orderId }, body: { decision: 'approve', reason: 'long-standing customer' } }, { as: 'finance' });
    expect(approved.status).toBe(200);
    await api.waitForOrderStatus(orderId, 'AWAITING_SHIPMENT');
    expect((await api.op('postOrdersOrderIdCreditDecision', { path: { orderId }, body: { decision: 'reject', reason: 'too late' } }, { as: 'finance' })).status).toBe(409);
    expect((await api.op('getCustomersCustomerId', { path: { customerId } })).body.exposure).toBe('1200.00');
    expect((await api.op('postOrdersOrderIdShipments', { path: { orderId }, body: {} })).status).toBe(202);
    await api.waitForOrderStatus(orderId, 'INVOICED');
    await expectBalancedBooks();
  });

  it('ends an order REJECTED when finance rejects the hold, with the reason', async () => {
    const customerId = await customer({ creditLimit: '10.00' });
    const orderId = await order(customerId, [{ sku: 'A', quantity: 1, unitPrice: '50.00' }]);
    await api.waitForOrderStatus(orderId, 'CREDIT_HOLD');
    expect((await api.op('postOrdersOrderIdCreditDecision', { path: { orderId }, body: { decision: 'reject', reason: 'payment history' } }, { as: 'finance' })).status).toBe(200);
    const rejected = await api.waitForOrderStatus(orderId, 'REJECTED');
    expect(JSON.stringify(rejected.body.history)).toContain('payment history');
  });

  it('rejects a blocked customer outright', async () => {
    const customerId = await customer({ blocked: true });
    const orderId = await order(customerId, [{ sku: 'A', quantity: 1, unitPrice: '5.00' }]);
    const rejected = await api.waitForOrderStatus(orderId, 'REJECTED');
    expect(JSON.stringify(rejected.body.history)).toContain('blocked');
  });
});

describe('partial shipments and taxes', () => {
  it('invoices each shipment for what it shipped, with tax per line, and completes when all is shipped and paid', async () => {
    const customerId = await customer({ creditLimit: '100000.00', locale: 'de' });
    const orderId = await order(customerId, [
      { sku: 'BOOK', quantity: 4, unitPrice: '10.05', taxRate: '7' },
      { sku: 'LAMP', quantity: 2, unitPrice: '19.99', taxRate: '19' },
    ]);
    const placed = await api.waitForOrderStatus(orderId, 'AWAITING_SHIPMENT');
    expect(placed.body).toMatchObject({ netTotal: '80.18', taxTotal: '10.41', total: '90.59' });

    const tooMany = await api.op<'postOrdersOrderIdShipments', { error: { details: { field: string }[] } }>('postOrdersOrderIdShipments', { path: { orderId }, body: { lines: [{ sku: 'LAMP', quantity: 3 }] } });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error.details[0]?.field).toBe('lines[0].quantity');

    expect((await api.op('postOrdersOrderIdShipments', { path: { orderId }, body: { shipmentId: 'S1', lines: [{ sku: 'BOOK', quantity: 3 }, { lineNo: 2, quantity: 1 }] } })).status).toBe(202);
    const partly = await api.waitForOrderStatus(orderId, 'PARTIALLY_SHIPPED');
    const first = await api.waitFor('the first invoice', () => api.op('getInvoicesInvoiceId', { path: { invoiceId: (partly.body.invoiceIds as string[])[0]! } }), (r) => r.status === 200 && r.body.sentAt !== null);
    // 3 x 10.05 = 30.15 net, 7% = 2.1105 -> 2.11; 1 x 19.99 net, 19% = 3.7981 -> 3.80
    expect(first.body).toMatchObject({ netTotal: '50.14', taxTotal: '5.91', total: '56.05', taxes: [{ rate: '7', net: '30.15', tax: '2.11' }, { rate: '19', net: '19.99', tax: '3.80' }] });
    expect(cancelStatus(await api.op('postOrdersOrderIdCancel', { path: { orderId }, body: {} }))).toBe(409);

    expect((await api.op('postOrdersOrderIdShipments', { path: { orderId }, body: { shipmentId: 'S2' } })).status).toBe(202);
    const invoiced = await api.waitForOrderStatus(orderId, 'INVOICED');
    const invoiceIds = invoiced.body.invoiceIds as string[];
    expect(invoiceIds).toHaveLength(2);
    const second = await api.waitFor('the second invoice', () => api.op('getInvoicesInvoiceId', { path: { invoiceId: invoiceIds[1]! } }), (r) => r.status === 200 && r.body.sentAt !== null);
    // 1 x 10.05 net, 7% = 0.7035 -> 0.70; 1 x 19.99, 19% -> 3.80
    expect(second.body).toMatchObject({ netTotal: '30.04', taxTotal: '4.50', total: '34.54' });
    expect((await api.op('postOrdersOrderIdShipments', { path: { orderId }, body: { shipmentId: 'S3' } })).status).toBe(409);

    for (const invoice of [first.body, second.body]) {
      expect((await api.op('postPayments', { body: { amount: invoice.total, currency: 'EUR', reference: invoice.rfReference, valueDate: '2026-12-01', providerPaymentId: uniqueId('psp') } })).body).toMatchObject({ status: 'applied' });
    }
    await api.waitForOrderStatus(orderId, 'COMPLETED');
    await expectBalancedBooks();
  });
});

function cancelStatus(response: { status: number }) {
  return response.status;
}

describe('cancellation', () => {
  it('cancels before anything shipped and ends the execution; 409 after', async () => {
    const customerId = await customer();
    const orderId = await order(customerId, [{ sku: 'A', quantity: 1, unitPrice: '5.00' }]);
    await api.waitForOrderStatus(orderId, 'AWAITING_SHIPMENT');
    expect((await api.op('getCustomersCustomerId', { path: { customerId } })).body.exposure).toBe('5.00');
    expect((await api.op('postOrdersOrderIdCancel', { path: { orderId }, body: { reason: 'customer changed their mind' } })).status).toBe(200);
    expect((await api.op('getCustomersCustomerId', { path: { customerId } })).body.exposure).toBe('0.00');
    expect((await api.op('postOrdersOrderIdCancel', { path: { orderId }, body: {} })).status).toBe(409);
    expect((await api.op('postOrdersOrderIdShipments', { path: { orderId }, body: {} })).status).toBe(409);
    const sfn = new SFNClient({ endpoint: stack.local.endpoints.stepFunctions, region: 'eu-west-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
    await api.waitFor(
      'the execution to end',
      async () => (await sfn.send(new ListExecutionsCommand({ stateMachineArn: stack.local.stateMachineArns['local-OrderLifecycle'], statusFilter: 'RUNNING' }))).executions ?? [],
      (running) => !running.some((e) => e.name === `order-${orderId}`),
    );
  });
});

describe('idempotency and concurrency', () => {
  it('makes one order and one execution of 20 concurrent calls with one Idempotency-Key', async () => {
    const customerId = await customer({ creditLimit: '100000.00' });
    const key = uniqueId('key');
    const body = { customerId, currency: 'EUR', lines: [{ sku: 'A', quantity: 1, unitPrice: '1.00' }] };
    const responses = await Promise.all(Array.from({ length: 20 }, () => api.op('postOrders', { body }, { headers: { 'Idempotency-Key': key } })));
    const accepted = responses.filter((r) => r.status === 202);
    const inProgress = responses.filter((r) => r.status === 409);
    expect(accepted.length + inProgress.length).toBe(20);
    expect(new Set(accepted.map((r) => r.body.orderId)).size).toBe(1);
    const again = await api.op('postOrders', { body }, { headers: { 'Idempotency-Key': key } });
    expect(again.status).toBe(202);
    expect(again.body.orderId).toBe(accepted[0]?.body.orderId);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    const other = await api.op('postOrders', { body: { ...body, externalRef: 'different' } }, { headers: { 'Idempotency-Key': key } });
    expect(other.status).toBe(422);
    const sfn = new SFNClient({ endpoint: stack.local.endpoints.stepFunctions, region: 'eu-west-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
    const executions = (await sfn.send(new ListExecutionsCommand({ stateMachineArn: stack.local.stateMachineArns['local-OrderLifecycle'], maxResults: 1000 }))).executions ?? [];
    expect(executions.filter((e) => e.name === `order-${String(again.body.orderId)}`)).toHaveLength(1);
    const customerView = await api.op('getCustomersCustomerId', { path: { customerId } });
    expect(customerView.body.exposure).toBe('1.00');
  });

  it('issues 50 invoices concurrently with unique, gapless numbers', async () => {
    const customerId = await customer({ creditLimit: '100000.00' });
    const before = await api.op<'getInvoices', { items: { number: string }[] }>('getInvoices', { query: { status: 'OPEN', limit: 200 } });
    const orderIds = await Promise.all(Array.from({ length: 50 }, () => order(customerId, [{ sku: 'A', quantity: 1, unitPrice: '2.00' }])));
    await Promise.all(orderIds.map((id) => api.waitForOrderStatus(id, 'AWAITING_SHIPMENT', 60_000)));
    await Promise.all(orderIds.map((id) => api.op('postOrdersOrderIdShipments', { path: { orderId: id }, body: {} })));
    const invoiced = await Promise.all(orderIds.map((id) => api.waitForOrderStatus(id, 'INVOICED', 120_000)));
    const invoices = await Promise.all(invoiced.map((o) => api.op('getInvoicesInvoiceId', { path: { invoiceId: String(o.body.invoiceId) } })));
    const sequences = invoices.map((i) => Number(String(i.body.number).split('-').at(-1))).sort((a, b) => a - b);
    expect(new Set(sequences).size).toBe(50);
    expect(sequences.at(-1)! - sequences[0]! + 1).toBe(50);
    const earlier = before.body.items.map((i) => Number(i.number.split('-').at(-1)));
    expect(earlier.every((n) => n < sequences[0]!)).toBe(true);
    await expectBalancedBooks();
  });
});
