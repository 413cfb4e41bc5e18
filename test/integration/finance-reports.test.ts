/**
 * Finance's read routes on the local AWS through HTTP: aging and KPIs (JSON and CSV) from real
 * invoices and payments, the order list by status (the Orders byStatus index), the customer list,
 * and an order's execution read from the local Step Functions.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, uniqueId, type ApiDriver } from './support/api-driver';

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
  const customerId = uniqueId('fin');
  const response = await api.registerCustomer(customerId, { name: 'Report Test GmbH', email: `${customerId}@example.com`, currency: 'EUR', creditLimit: '1000.00', paymentTermsDays: 10, ...overrides });
  expect(response.status).toBe(201);
  return customerId;
}

async function invoicedOrder(customerId: string, unitPrice: string) {
  const placed = await api.op('postOrders', { body: { customerId, currency: 'EUR', lines: [{ sku: 'A', quantity: 1, unitPrice }] } });
  expect(placed.status).toBe(202);
  const orderId = String(placed.body.orderId);
  await api.waitForOrderStatus(orderId, 'AWAITING_SHIPMENT');
  expect((await api.op('postOrdersOrderIdShipments', { path: { orderId }, body: {} })).status).toBe(202);
  const invoiced = await api.waitFor('the invoice', () => api.op('getOrdersOrderId', { path: { orderId } }), (r) => typeof r.body.invoiceId === 'string');
  return { orderId, invoiceId: String(invoiced.body.invoiceId) };
}

describe('reports', () => {
  it('ages open items and computes KPIs from the ledger, as JSON and CSV', async () => {
    const customerId = await customer();
    const { invoiceId } = await invoicedOrder(customerId, '300.00');
    const paid = await invoicedOrder(customerId, '100.00');
    const invoice = (await api.op('getInvoicesInvoiceId', { path: { invoiceId: paid.invoiceId } })).body;
    expect((await api.op('postPayments', { body: { amount: '100.00', currency: 'EUR', reference: invoice.number, valueDate: String(invoice.issueDate), providerPaymentId: uniqueId('psp') } })).status).toBe(201);
    await api.waitFor('the paid invoice', () => api.op('getInvoicesInvoiceId', { path: { invoiceId: paid.invoiceId } }), (r) => r.body.status === 'PAID');

    const dueDate = String((await api.op('getInvoicesInvoiceId', { path: { invoiceId } })).body.dueDate);
    // 15 days after the due date the 300.00 are in 1-30.
    const asOf = new Date(Date.parse(`${dueDate}T00:00:00Z`) + 15 * 86_400_000).toISOString().slice(0, 10);
    const aging = await api.op<'getReportsAging', { currencies: { currency: string; customers: { customerId: string; total: string; buckets: Record<string, string> }[] }[] }>('getReportsAging', { query: { asOf } });
    expect(aging.status).toBe(200);
    const eur = aging.body.currencies.find((c) => c.currency === 'EUR');
    expect(eur?.customers.find((c) => c.customerId === customerId)).toMatchObject({ total: '300.00', buckets: { current: '0.00', '1-30': '300.00' } });

    const csv = await api.op('getReportsAging', { query: { asOf } }, { headers: { accept: 'text/csv' } });
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(String(csv.body)).toContain(`${asOf},EUR,${customerId},Report Test GmbH,0.00,300.00,0.00,0.00,0.00,300.00,300.00,1\r\n`);

    const kpis = await api.op<'getReportsKpis', { currencies: { currency: string; collected: string; creditSales: string; dso: number | null }[]; trend: unknown[] }>('getReportsKpis');
    expect(kpis.status).toBe(200);
    const kpiEur = kpis.body.currencies.find((c) => c.currency === 'EUR');
    expect(Number(kpiEur?.collected)).toBeGreaterThanOrEqual(100);
    expect(Number(kpiEur?.creditSales)).toBeGreaterThanOrEqual(400);
    expect(kpiEur?.dso).toBeGreaterThan(0);
    expect(kpis.body.trend).toHaveLength(6);
    expect((await api.op('getReportsKpis', {}, { as: 'storefront' })).status).toBe(403);
  });
});

describe('lists and executions', () => {
  it('lists orders on credit hold from the byStatus index, and customers', async () => {
    const customerId = await customer({ creditLimit: '10.00' });
    const placed = await api.op('postOrders', { body: { customerId, currency: 'EUR', lines: [{ sku: 'A', quantity: 1, unitPrice: '50.00' }] } });
    const orderId = String(placed.body.orderId);
    await api.waitForOrderStatus(orderId, 'CREDIT_HOLD');
    const held = await api.op<'getOrders', { items: { orderId: string; status: string }[] }>('getOrders', { query: { status: 'CREDIT_HOLD', limit: 200 } });
    expect(held.status).toBe(200);
    expect(held.body.items.find((o) => o.orderId === orderId)?.status).toBe('CREDIT_HOLD');
    const ofCustomer = await api.op<'getOrders', { items: { orderId: string }[] }>('getOrders', { query: { customerId } });
    expect(ofCustomer.body.items.map((o) => o.orderId)).toEqual([orderId]);
    const customers = await api.op<'getCustomers', { items: { customerId: string }[]; cursor: string | null }>('getCustomers', { query: { limit: 200 } });
    expect(customers.body.items.some((c) => c.customerId === customerId)).toBe(true);
    // GET /orders is no longer finance-only: a storefront lists its own orders (roles-and-scopes.test.ts);
    // what stays finance's is refused to it
    expect((await api.op('getOrdersOrderIdExecution', { path: { orderId } }, { as: 'storefront' })).status).toBe(403);
    expect((await api.op('getReportsAging', {}, { as: 'storefront' })).status).toBe(403);
  });

  it("reads an order's execution: the definition, the states visited, the state it waits in", async () => {
    const customerId = await customer();
    const placed = await api.op('postOrders', { body: { customerId, currency: 'EUR', lines: [{ sku: 'A', quantity: 1, unitPrice: '5.00' }] } });
    const orderId = String(placed.body.orderId);
    await api.waitForOrderStatus(orderId, 'AWAITING_SHIPMENT');
    const execution = await api.waitFor(
      'the execution to wait for the shipment',
      () => api.op<'getOrdersOrderIdExecution', { currentState: string | null; visits: { name: string; exitedAt: string | null }[]; definition: { StartAt: string; States: Record<string, unknown> } }>('getOrdersOrderIdExecution', { path: { orderId } }),
      (r) => r.body.currentState === 'CheckCreditAndWaitForShipment',
    );
    // The execution begins with CheckCreditAndWaitForShipment (a continued execution, a hold or a rejection leave it by named errors), which waits for the shipment.
    expect(execution.body.definition.StartAt).toBe('CheckCreditAndWaitForShipment');
    expect(Object.keys(execution.body.definition.States)).toContain('AwaitCreditDecision');
    expect(execution.body.visits.map((v) => v.name)).toEqual(['CheckCreditAndWaitForShipment']);
    expect(execution.body.visits.at(-1)?.exitedAt).toBeNull();
    expect((await api.op('getOrdersOrderIdExecution', { path: { orderId: 'nope' } })).status).toBe(404);
  });
});
