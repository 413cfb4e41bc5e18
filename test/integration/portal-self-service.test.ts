/**
 * The portal's self-service beyond paying by card, end to end on the local AWS:
 *
 * - on-account credit used first: applied through the one credit path, only the rest goes to the
 *   card checkout; when the credit covers everything there is no checkout and the order completes;
 * - each invoice as e-invoice XML in the syntax the customer's settings name (UBL by default,
 *   XRechnung CII for a customer who asks for it);
 * - a promise to pay accepted at once within the dunning policy's `promiseMaxDays`, else waiting
 *   for finance; every action in the portal activity finance reads, with who, when and from where.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, uniqueId, type ApiDriver, type ApiResponse, type ArgsOf, type OperationName, type OpOptions } from './support/api-driver';
import type { LocalAws } from '../../local-aws/runtime';
import { addCalendarDays } from '../../lambdas/core/time/clock';

let stack: Awaited<ReturnType<typeof startTestStack>>;
let api: ApiDriver;
let local: LocalAws;

beforeAll(async () => {
  stack = await startTestStack();
  api = stack.api;
  local = stack.local;
});

afterAll(async () => {
  await stack?.stop();
});

/** A call as the customer, through the typed client: the pay link is the credential (the page sends an Idempotency-Key with every change). */
async function asCustomer<K extends OperationName>(link: string, name: K, args: ArgsOf<K>, accept = 'application/json', key: string | null = uniqueId('key')) {
  const send = api.op.bind(api) as (name: OperationName, args: unknown, options: OpOptions) => Promise<ApiResponse<unknown>>;
  const changes = (args as { body?: unknown }).body !== undefined;
  const headers = { accept, 'user-agent': 'PortalTest/1.0', ...(changes && key ? { 'idempotency-key': key } : {}) };
  const response = await send(name, args, { key: link, headers, noIdempotencyKey: changes && !key, parseAs: 'text' });
  const text = typeof response.body === 'string' ? response.body : JSON.stringify(response.body);
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // XML
  }
  return { status: response.status, body: parsed as Record<string, any>, text, headers: response.headers };
}

const LINK = /\/pay\/#link=(pl1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)/;

async function customer(overrides: Record<string, unknown> = {}) {
  const customerId = uniqueId('self');
  const registered = await api.registerCustomer(customerId, { name: 'Acme Retail GmbH', email: `${customerId}@example.com`, currency: 'EUR', creditLimit: '100000.00', paymentTermsDays: 14, ...overrides });
  expect(registered.status, JSON.stringify(registered.body)).toBe(201);
  return customerId;
}

async function invoiceFor(customerId: string, unitPrice: string) {
  const placed = await api.op('postOrders', { body: { customerId, currency: 'EUR', lines: [{ sku: 'CHAIR-1', quantity: 1, unitPrice, taxRate: '19' }] } });
  expect(placed.status).toBe(202);
  const orderId = String(placed.body.orderId);
  await api.waitForOrderStatus(orderId, 'AWAITING_SHIPMENT');
  expect((await api.op('postOrdersOrderIdShipments', { path: { orderId }, body: { carrier: 'DHL', trackingNumber: '1' } })).status).toBe(202);
  const order = await api.waitForOrderStatus(orderId, 'INVOICED');
  const invoiceId = String(order.body.invoiceId);
  const invoice = await api.waitFor('the invoice email', () => api.op('getInvoicesInvoiceId', { path: { invoiceId } }), (r) => r.status === 200 && r.body.sentAt !== null);
  return { orderId, invoiceId, number: String(invoice.body.number), total: String(invoice.body.total), dueDate: String(invoice.body.dueDate) };
}

async function linkOf(customerId: string) {
  const emails = await api.get<{ items: { to: string[]; text: string }[] }>('/_local/emails');
  const mail = [...emails.body.items].reverse().find((e) => e.to.includes(`${customerId}@example.com`))!;
  return LINK.exec(mail.text)![1]!;
}

describe('the portal: credit first, e-invoice XML, promises within the policy, audited', () => {
  it('uses the on-account credit first and sends only the rest to the card; with enough credit, no card at all', async () => {
    const customerId = await customer();
    const first = await invoiceFor(customerId, '200.00');
    // 50.00 paid too much on the first invoice: on-account credit.
    const over = await api.op('postPayments', { body: { amount: (Number(first.total) + 50).toFixed(2), currency: 'EUR', reference: first.number, valueDate: '2026-01-01', providerPaymentId: uniqueId('psp') } });
    expect(over.status, JSON.stringify(over.body)).toBe(201);
    expect((await api.op('getCustomersCustomerId', { path: { customerId } })).body.onAccountCredit).toBe('50.00');
    const second = await invoiceFor(customerId, '100.00');
    const link = await linkOf(customerId);
    expect((await asCustomer(link, 'getPortal', {})).body.customer.onAccountCredit).toBe('50.00');

    // Without the Idempotency-Key the credit is not touched.
    const noKey = await asCustomer(link, 'postPortalCheckout', { body: { items: [{ invoiceId: second.invoiceId, amount: second.total }], useCredit: true } }, 'application/json', null);
    expect(noKey.status).toBe(400);
    expect(JSON.stringify(noKey.body)).toContain('Idempotency-Key');
    expect((await api.op('getCustomersCustomerId', { path: { customerId } })).body.onAccountCredit).toBe('50.00');

    const key = uniqueId('pay');
    const checkout = await asCustomer(link, 'postPortalCheckout', { body: { items: [{ invoiceId: second.invoiceId, amount: '80.00' }], useCredit: true } }, 'application/json', key);
    expect(checkout.status, JSON.stringify(checkout.body)).toBe(201);
    expect(checkout.body).toMatchObject({ amount: '30.00', currency: 'EUR', items: [{ invoiceId: second.invoiceId, amount: '30.00' }], credit: { amount: '50.00', items: [{ invoiceId: second.invoiceId, amount: '50.00' }] } });
    expect(String(checkout.body.url)).toMatch(/\/checkout\/cs_test_/);
    // The same request again: the first answer, no second application.
    const again = await asCustomer(link, 'postPortalCheckout', { body: { items: [{ invoiceId: second.invoiceId, amount: '80.00' }], useCredit: true } }, 'application/json', key);
    expect(again.body).toEqual(checkout.body);
    expect((await api.op('getCustomersCustomerId', { path: { customerId } })).body.onAccountCredit).toBe('0.00');
    expect((await api.op('getInvoicesInvoiceId', { path: { invoiceId: second.invoiceId } })).body).toMatchObject({ paid: '50.00', status: 'PARTIALLY_PAID' });
    const noCredit = await asCustomer(link, 'postPortalCheckout', { body: { items: [{ invoiceId: second.invoiceId, amount: '10.00' }], useCredit: true } });
    expect(noCredit.status).toBe(400);
    expect(JSON.stringify(noCredit.body)).toContain('useCredit');

    // The rest of the second invoice paid by transfer with 300.00 too much; then enough credit for
    // a third invoice: no card, the invoice is paid and its order completes.
    const rest2 = (await api.op('getInvoicesInvoiceId', { path: { invoiceId: second.invoiceId } })).body.balance as string;
    const over2 = await api.op('postPayments', { body: { amount: (Number(rest2) + 300).toFixed(2), currency: 'EUR', reference: second.number, valueDate: '2026-01-02', providerPaymentId: uniqueId('psp') } });
    expect(over2.status, JSON.stringify(over2.body)).toBe(201);
    expect((await api.op('getCustomersCustomerId', { path: { customerId } })).body.onAccountCredit).toBe('300.00');
    const third = await invoiceFor(customerId, '100.00');
    const byCredit = await asCustomer(link, 'postPortalCheckout', { body: { items: [{ invoiceId: third.invoiceId, amount: third.total }], useCredit: true } });
    expect(byCredit.status, JSON.stringify(byCredit.body)).toBe(201);
    expect(byCredit.body).toMatchObject({ sessionId: null, url: null, amount: '0.00', items: [], credit: { amount: third.total } });
    expect((await api.op('getInvoicesInvoiceId', { path: { invoiceId: third.invoiceId } })).body).toMatchObject({ status: 'PAID', balance: '0.00' });
    expect((await api.op('getCustomersCustomerId', { path: { customerId } })).body.onAccountCredit).toBe((300 - Number(third.total)).toFixed(2));
    await api.waitForOrderStatus(third.orderId, 'COMPLETED');
    expect(await api.ledgerCheck()).toMatchObject({ balanced: true, problems: [] });

    const activity = await api.op<'getCustomersCustomerIdPortalActivity', { items: { action: string; summary: string; sourceIp: string | null; userAgent: string | null; actor: string }[] }>('getCustomersCustomerIdPortalActivity', { path: { customerId } });
    const actions = activity.body.items.map((i) => i.action);
    expect(actions.filter((a) => a === 'credit-applied')).toHaveLength(2);
    expect(actions.filter((a) => a === 'checkout-started')).toHaveLength(1);
    expect(activity.body.items[0]).toMatchObject({ action: 'credit-applied', userAgent: 'PortalTest/1.0', sourceIp: expect.any(String), actor: expect.stringMatching(/^paylink:/) });
  });

  it('serves each invoice as e-invoice XML in the syntax of the customer’s settings', async () => {
    const plain = await customer({ address: { lines: ['Hauptstr. 1'], city: 'Berlin', postcode: '10115', country: 'DE' } });
    const plainInvoice = await invoiceFor(plain, '120.00');
    const plainLink = await linkOf(plain);
    const ubl = await asCustomer(plainLink, 'getPortalInvoicesInvoiceIdDocument', { path: { invoiceId: plainInvoice.invoiceId } }, 'application/xml');
    expect(ubl.status, ubl.text.slice(0, 400)).toBe(200);
    expect(ubl.headers.get('content-type')).toBe('application/xml; charset=utf-8');
    expect(ubl.headers.get('content-disposition')).toContain('-ubl.xml');
    expect(ubl.text).toContain('<cbc:ID>' + plainInvoice.number + '</cbc:ID>');
    // PDF stays the default.
    const pdf = await asCustomer(plainLink, 'getPortalInvoicesInvoiceIdDocument', { path: { invoiceId: plainInvoice.invoiceId } }, '*/*');
    expect(pdf.headers.get('content-type')).toBe('application/pdf');

    const xr = await customer({ address: { lines: ['Hauptstr. 1'], city: 'Berlin', postcode: '10115', country: 'DE' }, vatId: 'DE136695976', buyerReference: '04011000-12345-03', einvoiceFormat: 'xrechnung-cii' });
    const xrInvoice = await invoiceFor(xr, '99.00');
    const xrLink = await linkOf(xr);
    const cii = await asCustomer(xrLink, 'getPortalInvoicesInvoiceIdDocument', { path: { invoiceId: xrInvoice.invoiceId } }, 'application/xml');
    expect(cii.status, cii.text.slice(0, 400)).toBe(200);
    expect(cii.headers.get('content-disposition')).toContain('-xrechnung-cii.xml');
    expect(cii.text).toContain('<ram:BuyerReference>04011000-12345-03</ram:BuyerReference>');
    expect(cii.text).toContain(`<ram:ID>${xrInvoice.number}</ram:ID>`);
    // Another customer's invoice is not found, whatever the format.
    expect((await asCustomer(xrLink, 'getPortalInvoicesInvoiceIdDocument', { path: { invoiceId: plainInvoice.invoiceId } }, 'application/xml')).status).toBe(404);
    expect((await asCustomer(xrLink, 'getPortalInvoicesInvoiceIdDocument', { path: { invoiceId: xrInvoice.invoiceId } }, 'image/png')).status).toBe(406);
  });

  it('accepts a promise at once within the policy’s promiseMaxDays, otherwise it waits for finance', async () => {
    const policyId = uniqueId('promise10');
    const policy = await api.op('putDunningPoliciesPolicyId', { path: { policyId }, body: { name: 'Ten days to promise', graceDays: 3, levels: [{ level: 1, name: 'Reminder', daysPastDue: 3, minDaysSincePrevious: 7, template: 'friendly-reminder' }], promiseMaxDays: 10 } }, { as: 'finance' });
    expect(policy.status, JSON.stringify(policy.body)).toBe(200);
    expect(policy.body).toMatchObject({ promiseMaxDays: 10 });
    const tooLong = await api.op('putDunningPoliciesPolicyId', { path: { policyId }, body: { name: 'x', graceDays: 3, levels: [{ level: 1, name: 'Reminder', daysPastDue: 3, minDaysSincePrevious: 7, template: 'friendly-reminder' }], promiseMaxDays: 400 } }, { as: 'finance' });
    expect(tooLong.status).toBe(400);
    expect(JSON.stringify(tooLong.body)).toContain('promiseMaxDays');

    const customerId = await customer({ dunningPolicyId: policyId });
    const inv = await invoiceFor(customerId, '150.00');
    const link = await linkOf(customerId);
    const view = await asCustomer(link, 'getPortal', {});
    expect(view.body.selfServicePromiseMaxDays).toBe(10);
    const today = String(view.body.today);
    const far = await asCustomer(link, 'postPortalPromises', { body: { invoiceId: inv.invoiceId, amount: '150.00', promisedDate: addCalendarDays(today, 11) } });
    expect(far.status).toBe(202);
    expect(far.body).toMatchObject({ accepted: false, waitingForFinance: true, reason: expect.stringContaining('more than 10 days ahead') });
    const near = await asCustomer(link, 'postPortalPromises', { body: { invoiceId: inv.invoiceId, amount: '150.00', promisedDate: addCalendarDays(today, 10) } });
    expect(near.status, JSON.stringify(near.body)).toBe(201);
    expect(near.body).toMatchObject({ accepted: true });
    const activity = await api.op<'getCustomersCustomerIdPortalActivity', { items: { action: string; status: string; userAgent: string | null }[] }>('getCustomersCustomerIdPortalActivity', { path: { customerId } });
    expect(activity.body.items.map((i) => [i.action, i.status])).toEqual([
      ['promise-accepted', 'done'],
      ['promise-proposed', 'waiting-for-finance'],
    ]);
    expect(activity.body.items.every((i) => i.userAgent === 'PortalTest/1.0')).toBe(true);
  });
});
