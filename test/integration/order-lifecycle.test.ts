/**
 * One order, end to end, on the local AWS through HTTP: customer -> order -> AwaitShipment ->
 * shipment -> invoice issued and emailed -> payment quoting the invoice number -> invoice PAID,
 * order COMPLETED; an unpaid invoice becomes OVERDUE when the clock passes its due date; bad input
 * changes nothing; credentials are enforced; and an execution survives a restart.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { startTestStack, uniqueId, type ApiDriver, type BodyOf } from './support/api-driver';
import type { LocalAws } from '../../local-aws/runtime';

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

async function createCustomer(overrides: Record<string, unknown> = {}) {
  const customerId = uniqueId('cust');
  const response = await api.registerCustomer(customerId, {
    name: 'Müller & Söhne <GmbH>',
    email: `${customerId}@example.com`,
    currency: 'EUR',
    creditLimit: '100000.00',
    paymentTermsDays: 14,
    locale: 'de',
    ...overrides,
  });
  expect(response.status).toBe(201);
  return customerId;
}

async function placeOrder(customerId: string) {
  const response = await api.op('postOrders', { body: { customerId, currency: 'EUR', lines: [{ sku: 'CHAIR-1', quantity: 3, unitPrice: '149.90' }, { sku: 'DESK-2', quantity: 1, unitPrice: '599.00' }] } });
  expect(response.status).toBe(202);
  return String(response.body.orderId);
}

async function shipAndInvoice(orderId: string) {
  await api.waitForOrderStatus(orderId, 'AWAITING_SHIPMENT');
  const shipped = await api.op('postOrdersOrderIdShipments', { path: { orderId }, body: { carrier: 'DHL', trackingNumber: '00340434161094042557' } });
  expect(shipped.status).toBe(202);
  const order = await api.waitForOrderStatus(orderId, 'INVOICED');
  const invoiceId = String(order.body.invoiceId);
  const invoice = await api.waitFor('the invoice to be emailed', () => api.op('getInvoicesInvoiceId', { path: { invoiceId } }), (r) => r.status === 200 && r.body.sentAt !== null);
  return invoice.body;
}

describe('one order from the storefront call to a paid invoice', () => {
  it('walks the whole lifecycle and keeps the books balanced', async () => {
    const customerId = await createCustomer();
    const orderId = await placeOrder(customerId);
    const invoice = await shipAndInvoice(orderId);

    expect(invoice).toMatchObject({ customerId, currency: 'EUR', total: '1048.70', paid: '0.00', balance: '1048.70', status: 'OPEN' });
    expect(String(invoice.number)).toMatch(/^INV-\d{4}-\d{6}$/);
    expect(String(invoice.rfReference)).toMatch(/^RF\d{2}[A-Z0-9]+$/);

    const emails = await api.get<{ items: { to: string[]; subject: string; html: string; text: string }[] }>('/_local/emails');
    const mail = emails.body.items.find((e) => e.to.includes(`${customerId}@example.com`));
    expect(mail?.subject).toBe(`Rechnung ${invoice.number}`);
    expect(mail?.html).toContain('Müller &amp; Söhne &lt;GmbH&gt;');
    expect(mail?.html).not.toContain('<GmbH>');
    expect(mail?.text).toContain('1.048,70');

    const partial = await api.op('postPayments', { body: { amount: '48.70', currency: 'EUR', reference: invoice.number, payerName: 'Müller', valueDate: '2026-12-01', providerPaymentId: uniqueId('psp') } });
    expect(partial.status).toBe(201);
    expect(partial.body).toMatchObject({ status: 'applied', allocations: [{ invoiceId: invoice.invoiceId, amount: '48.70' }] });
    expect((await api.op('getInvoicesInvoiceId', { path: { invoiceId: invoice.invoiceId } })).body).toMatchObject({ status: 'PARTIALLY_PAID', paid: '48.70', balance: '1000.00' });

    const rest = await api.op('postPayments', { body: { amount: '1000.00', currency: 'EUR', reference: String(invoice.number).toLowerCase(), valueDate: '2026-12-02', providerPaymentId: uniqueId('psp') } });
    expect(rest.status).toBe(201);
    const paid = await api.op('getInvoicesInvoiceId', { path: { invoiceId: invoice.invoiceId } });
    expect(paid.body).toMatchObject({ status: 'PAID', paid: '1048.70', balance: '0.00' });

    const completed = await api.waitForOrderStatus(orderId, 'COMPLETED');
    const history = (completed.body.history as { status: string; at: string }[]).map((h) => h.status);
    expect(history).toEqual(['RECEIVED', 'AWAITING_SHIPMENT', 'INVOICED', 'COMPLETED']);
    for (const h of completed.body.history as { at: string }[]) expect(h.at).toMatch(/^\d{4}-\d{2}-\d{2}T/);

    const customer = await api.op('getCustomersCustomerId', { path: { customerId } });
    expect(customer.body).toMatchObject({ openBalance: '0.00', overdueBalance: '0.00', exposure: '0.00', onAccountCredit: '0.00' });
    expect(await api.ledgerCheck()).toMatchObject({ balanced: true, problems: [] });
  });

  it('marks an invoice OVERDUE when the clock passes its due date, and still completes on payment', async () => {
    const customerId = await createCustomer({ paymentTermsDays: 10 });
    const orderId = await placeOrder(customerId);
    const invoice = await shipAndInvoice(orderId);
    const moved = await api.post('/_local/clock', { advance: 'P12D' }, 'finance');
    expect(moved.status).toBe(200);
    const overdue = await api.waitFor('the invoice to be overdue', () => api.op('getInvoicesInvoiceId', { path: { invoiceId: invoice.invoiceId } }), (r) => r.body.status === 'OVERDUE');
    expect(overdue.body.overdueSince).toBeTruthy();
    expect((await api.op('getCustomersCustomerId', { path: { customerId } })).body).toMatchObject({ overdueBalance: '1048.70' });

    const payment = await api.op('postPayments', { body: { amount: '1100.00', currency: 'EUR', invoiceIds: [invoice.invoiceId], valueDate: '2026-12-20', providerPaymentId: uniqueId('psp') } });
    expect(payment.body).toMatchObject({ status: 'partially-applied', onAccountAmount: '51.30' });
    await api.waitForOrderStatus(orderId, 'COMPLETED');
    expect((await api.op('getCustomersCustomerId', { path: { customerId } })).body).toMatchObject({ onAccountCredit: '51.30', openBalance: '0.00' });
    expect(await api.ledgerCheck()).toMatchObject({ balanced: true });
  });

  it('leaves a payment with an unknown reference unapplied, with the reason', async () => {
    const response = await api.op('postPayments', { body: { amount: '10.00', currency: 'EUR', reference: 'INV-1999-999999', valueDate: '2026-12-01', providerPaymentId: uniqueId('psp') } });
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({ status: 'unapplied', unappliedAmount: '10.00', unappliedReason: 'unknown-reference' });
    expect(await api.ledgerCheck()).toMatchObject({ balanced: true });
  });
});

describe('bad input and credentials', () => {
  it('answers an invalid order with 400 naming each field, and starts nothing', async () => {
    const customerId = await createCustomer();
    const sfn = new SFNClient({ endpoint: local.endpoints.stepFunctions, region: 'eu-west-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
    const arn = Object.values(local.stateMachineArns)[0]!;
    const before = (await sfn.send(new ListExecutionsCommand({ stateMachineArn: arn, maxResults: 1000 }))).executions?.length ?? 0;
    const cases: [unknown, string][] = [
      [{ customerId: 'nobody', currency: 'EUR', lines: [{ sku: 'A', quantity: 1, unitPrice: '1.00' }] }, 'customerId'],
      [{ customerId, currency: 'EUR', lines: [] }, 'lines'],
      [{ customerId, currency: 'EUR', lines: [{ sku: 'A', quantity: 0, unitPrice: '1.00' }] }, 'lines[0].quantity'],
      [{ customerId, currency: 'EUR', lines: [{ sku: 'A', quantity: 1.5, unitPrice: '1.00' }] }, 'lines[0].quantity'],
      [{ customerId, currency: 'EUR', lines: [{ sku: 'A', quantity: 1, unitPrice: '1.001' }] }, 'lines[0].unitPrice'],
      [{ customerId, currency: 'EUR', lines: [{ sku: 'A', quantity: 1, unitPrice: 1 }] }, 'lines[0].unitPrice'],
      [{ customerId, currency: 'EURO', lines: [{ sku: 'A', quantity: 1, unitPrice: '1.00' }] }, 'currency'],
      [{ customerId, currency: 'USD', lines: [{ sku: 'A', quantity: 1, unitPrice: '1.00' }] }, 'currency'],
    ];
    for (const [body, field] of cases) {
      const response = await api.op<'postOrders', { error: { code: string; message: string; details: { field: string }[] } }>('postOrders', { body: body as BodyOf<'postOrders'> }); // outside the declared type, on purpose
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.body.error.code).toBe('VALIDATION_FAILED');
      expect(response.body.error.details.map((d) => d.field)).toContain(field);
    }
    // raw: a body that is not JSON at all, which the client cannot send
    const notJson = await api.post<{ error: { details: { field: string }[] } }>('/orders', '{"customerId":');
    expect(notJson.status).toBe(400);
    const after = (await sfn.send(new ListExecutionsCommand({ stateMachineArn: arn, maxResults: 1000 }))).executions?.length ?? 0;
    expect(after).toBe(before);
  });

  it('requires a credential, and the finance one for finance routes', async () => {
    expect((await api.op('getReportsLedgerCheck', {}, { as: 'none' })).status).toBe(401);
    expect((await api.op('getReportsLedgerCheck', {}, { as: 'none', headers: { 'x-api-key': 'wrong' } })).status).toBe(401);
    expect((await api.op('getReportsLedgerCheck', {}, { as: 'storefront' })).status).toBe(403);
    expect((await api.op('getReportsLedgerCheck')).status).toBe(200);
    expect((await api.op('postOrders', { body: {} as BodyOf<'postOrders'> }, { as: 'finance' })).status).toBe(403);
    expect((await api.get('/_local/health', 'none')).status).toBe(200);
    expect((await api.post('/_local/clock', { advance: 'P1D' }, 'storefront')).status).toBe(403);
  });

  it('refuses a malformed clock move and leaves the clock where it was', async () => {
    const before = (await api.get<{ now: string }>('/_local/clock')).body.now;
    const response = await api.post<{ error: { details: { field: string }[] } }>('/_local/clock', { advance: 'thirty days' }, 'finance');
    expect(response.status).toBe(400);
    expect(response.body.error.details[0]?.field).toBe('advance');
    const after = (await api.get<{ now: string }>('/_local/clock')).body.now;
    expect(Date.parse(after) - Date.parse(before)).toBeLessThan(60_000);
  });
});
