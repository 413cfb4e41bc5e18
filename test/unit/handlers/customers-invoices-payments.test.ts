import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { apiEvent, bodyOf, errorOf, lambdaContext, stubHandlerEnvironment } from '../../support/api-events';
import { InMemoryIdempotencyStore, inMemoryWorld, type InMemoryWorld } from '../../support/in-memory';
import { aCustomer, anInvoice, contactPart, customerRequest, paymentRequest } from '../../support/builders';
import { invoicedOrder } from '../../support/scenarios';

let putCustomerModule: typeof import('../../../lambdas/handlers/api/put-customer');
let getCustomerModule: typeof import('../../../lambdas/handlers/api/get-customer');
let getInvoiceModule: typeof import('../../../lambdas/handlers/api/get-invoice');
let listInvoicesModule: typeof import('../../../lambdas/handlers/api/list-invoices');
let recordPaymentModule: typeof import('../../../lambdas/handlers/api/record-payment');
let ledgerCheckModule: typeof import('../../../lambdas/handlers/api/ledger-check');

beforeAll(async () => {
  stubHandlerEnvironment();
  putCustomerModule = await import('../../../lambdas/handlers/api/put-customer');
  getCustomerModule = await import('../../../lambdas/handlers/api/get-customer');
  getInvoiceModule = await import('../../../lambdas/handlers/api/get-invoice');
  listInvoicesModule = await import('../../../lambdas/handlers/api/list-invoices');
  recordPaymentModule = await import('../../../lambdas/handlers/api/record-payment');
  ledgerCheckModule = await import('../../../lambdas/handlers/api/ledger-check');
});

afterAll(() => {
  vi.unstubAllEnvs();
});

let world: InMemoryWorld;
let idempotency: InMemoryIdempotencyStore;

function options() {
  return { idempotency: { store: idempotency.asIdempotencyStore(), clock: world.clock } };
}

beforeEach(() => {
  world = inMemoryWorld({ start: '2026-03-02T09:00:00Z' });
  idempotency = new InMemoryIdempotencyStore();
});

describe('PUT /customers/{customerId}', () => {
  // Finance's PUT: it may send every field (a storefront's is in "roles and scopes" below).
  const put = (customerId: string, body: unknown) =>
    putCustomerModule.makeHandler(world.deps, options())(apiEvent('PUT', `/customers/${customerId}`, { pathParameters: { customerId }, body, role: 'finance' }), lambdaContext);

  it('answers 201 when it creates the customer and 200 when it updates it', async () => {
    // Act
    const created = await put('C-1', customerRequest());
    const updated = await put('C-1', customerRequest({ name: 'Acme Retail AG' }));

    // Assess
    expect(created.statusCode).toBe(201);
    expect(bodyOf(created)).toMatchObject({ customerId: 'C-1', currency: 'EUR', creditLimit: '10000.00', openBalance: '0.00' });
    expect(updated.statusCode).toBe(200);
    expect(bodyOf(updated)).toMatchObject({ name: 'Acme Retail AG' });
  });

  it('answers 400 naming the field for a bad email', async () => {
    // Act
    const response = await put('C-1', customerRequest({ email: 'nope' }));

    // Assess
    expect(response.statusCode).toBe(400);
    expect(bodyOf(response)).toMatchObject({ error: { code: 'VALIDATION_FAILED', message: 'email: must be an email address', details: [{ field: 'email', problem: 'must be an email address' }] } });
    expect(world.tables.customers.size).toBe(0);
  });

  it('answers 409 CURRENCY_LOCKED for a currency change with open items', async () => {
    // Prepare
    world.customers.seed(aCustomer({ customerId: 'C-1' }));
    world.invoices.seed(anInvoice({ customerId: 'C-1' }));

    // Act
    const response = await put('C-1', customerRequest({ currency: 'USD' }));

    // Assess
    expect(response.statusCode).toBe(409);
    expect(errorOf(response)).toMatchObject({ code: 'CURRENCY_LOCKED', details: [] });
  });
});

describe('GET /customers/{customerId}', () => {
  const get = (customerId: string) => getCustomerModule.makeHandler(world.deps)(apiEvent('GET', `/customers/${customerId}`, { pathParameters: { customerId } }), lambdaContext);

  it('answers 200 with the balances', async () => {
    // Prepare
    world.customers.seed(aCustomer({ customerId: 'C-1' }));
    await invoicedOrder(world);

    // Act
    const response = await get('C-1');

    // Assess
    expect(response.statusCode).toBe(200);
    expect(bodyOf(response)).toMatchObject({ openBalance: '100.50', overdueBalance: '0.00', exposure: '100.50', onAccountCredit: '0.00' });
  });

  it('answers 404 for an unknown customer and 400 naming customerId for an id that cannot be one', async () => {
    // Act
    const missing = await get('C-404');
    const invalid = await get('-bad id');

    // Assess
    expect(missing.statusCode).toBe(404);
    expect(errorOf(missing).code).toBe('NOT_FOUND');
    expect(invalid.statusCode).toBe(400);
    expect(errorOf(invalid).details.map((d) => d.field)).toEqual(['customerId']);
  });
});

describe('GET /invoices/{invoiceId} and GET /invoices', () => {
  it('answers 200 with the invoice as the API shows it, and 404 for an unknown one', async () => {
    // Prepare
    world.customers.seed(aCustomer({ customerId: 'C-1' }));
    const { invoice } = await invoicedOrder(world);
    const handler = getInvoiceModule.makeHandler(world.deps);

    // Act
    const found = await handler(apiEvent('GET', `/invoices/${invoice.invoiceId}`, { pathParameters: { invoiceId: invoice.invoiceId } }), lambdaContext);
    const missing = await handler(apiEvent('GET', '/invoices/I-404', { pathParameters: { invoiceId: 'I-404' } }), lambdaContext);

    // Assess
    expect(found.statusCode).toBe(200);
    expect(bodyOf(found)).toMatchObject({ number: 'INV-2026-000001', rfReference: invoice.rfReference, total: '100.50', paid: '0.00', balance: '100.50', status: 'OPEN', dueDate: '2026-04-01' });
    expect(missing.statusCode).toBe(404);
  });

  it('lists a customer’s invoices page by page with an opaque cursor', async () => {
    // Prepare
    world.customers.seed(aCustomer({ customerId: 'C-1' }));
    for (let i = 1; i <= 3; i++) world.invoices.seed(anInvoice({ invoiceId: `I-${i}`, sequence: i, dueDate: `2026-04-0${i}` }));
    const handler = listInvoicesModule.makeHandler(world.deps);

    // Act
    const first = await handler(apiEvent('GET', '/invoices', { query: { customerId: 'C-1', limit: '2' } }), lambdaContext);
    const cursor = bodyOf<{ cursor: string }>(first).cursor;
    const second = await handler(apiEvent('GET', '/invoices', { query: { customerId: 'C-1', limit: '2', cursor } }), lambdaContext);

    // Assess
    expect(first.statusCode).toBe(200);
    expect(bodyOf<{ items: { invoiceId: string }[] }>(first).items.map((i) => i.invoiceId)).toEqual(['I-1', 'I-2']);
    expect(bodyOf(second)).toMatchObject({ items: [{ invoiceId: 'I-3' }], cursor: null });
  });

  it.each([
    [{}, 'customerId'],
    [{ customerId: 'C-1', limit: '0' }, 'limit'],
    [{ status: 'SETTLED' }, 'status'],
    [{ customerId: 'C-1', cursor: 'made-up' }, 'cursor'],
  ])('answers 400 naming the query parameter for %j (finance)', async (query, field) => {
    // Act
    const response = await listInvoicesModule.makeHandler(world.deps)(apiEvent('GET', '/invoices', { query, role: 'finance' }), lambdaContext);

    // Assess
    expect(response.statusCode).toBe(400);
    expect(errorOf(response).details.map((d) => d.field)).toEqual([field]);
  });
});

describe('POST /payments', () => {
  it('answers 201 with the applied payment and replays it for the same key', async () => {
    // Prepare
    world.customers.seed(aCustomer({ customerId: 'C-1' }));
    const { invoice } = await invoicedOrder(world);
    const handler = recordPaymentModule.makeHandler(world.deps, options());
    const body = paymentRequest({ amount: '100.50', reference: invoice.number });

    // Act
    const first = await handler(apiEvent('POST', '/payments', { body, idempotencyKey: 'pay-1' }), lambdaContext);
    const again = await handler(apiEvent('POST', '/payments', { body, idempotencyKey: 'pay-1' }), lambdaContext);

    // Assess
    expect(first.statusCode).toBe(201);
    expect(bodyOf(first)).toMatchObject({ status: 'applied', amount: '100.50', allocations: [{ invoiceId: invoice.invoiceId, amount: '100.50' }] });
    expect(again.statusCode).toBe(201);
    expect(again.body).toBe(first.body);
    expect(again.headers?.['idempotent-replayed']).toBe('true');
    expect(world.tables.payments.size).toBe(1);
    expect(world.tables.invoices.get(invoice.invoiceId)?.paidMinor).toBe(10_050);
  });

  it('answers 400 naming amount for an amount with too many decimals', async () => {
    // Act
    const response = await recordPaymentModule.makeHandler(world.deps, options())(apiEvent('POST', '/payments', { body: paymentRequest({ amount: '10.001' }) }), lambdaContext);

    // Assess
    expect(response.statusCode).toBe(400);
    expect(errorOf(response).details).toEqual([{ field: 'amount', problem: '"10.001" has more than the 2 decimals EUR allows' }]);
    expect(world.tables.payments.size).toBe(0);
  });
});

describe('GET /reports/ledger-check', () => {
  it('answers 200 with the check, balanced after an invoice and a payment', async () => {
    // Prepare
    world.customers.seed(aCustomer({ customerId: 'C-1' }));
    const { invoice } = await invoicedOrder(world);
    await recordPaymentModule.makeHandler(world.deps, options())(apiEvent('POST', '/payments', { body: paymentRequest({ amount: '20.00', reference: invoice.number }) }), lambdaContext);

    // Act
    const response = await ledgerCheckModule.makeHandler(world.deps)(apiEvent('GET', '/reports/ledger-check', { role: 'finance' }), lambdaContext);

    // Assess
    expect(response.statusCode).toBe(200);
    expect(bodyOf(response)).toEqual({
      balanced: true,
      debits: { EUR: '120.50' },
      credits: { EUR: '120.50' },
      receivablesControl: { EUR: '80.50' },
      openItemsTotal: { EUR: '80.50' },
      problems: [],
    });
  });
});

describe('roles and scopes through the handlers', () => {
  const putAs = (customerId: string, body: unknown, clientId = 'test-shop') =>
    putCustomerModule.makeHandler(world.deps, options())(apiEvent('PUT', `/customers/${customerId}`, { pathParameters: { customerId }, body, clientId }), lambdaContext);

  it("answers a storefront's finance field with 403 FORBIDDEN_FIELD in the product's error shape, naming the field, and writes nothing", async () => {
    const response = await putAs('C-1', customerRequest());
    expect(response.statusCode).toBe(403);
    expect(bodyOf(response)).toMatchObject({
      error: {
        code: 'FORBIDDEN_FIELD',
        message: 'creditLimit: is decided by finance; a storefront may not set it; paymentTermsDays: is decided by finance; a storefront may not set it',
        details: [
          { field: 'creditLimit', problem: 'is decided by finance; a storefront may not set it' },
          { field: 'paymentTermsDays', problem: 'is decided by finance; a storefront may not set it' },
        ],
      },
    });
    expect(world.tables.customers.size).toBe(0);
  });

  it("creates with the contact data (201, the defaults), and answers another storefront's PUT and GET with 404", async () => {
    const created = await putAs('C-1', contactPart(customerRequest()));
    expect(created.statusCode).toBe(201);
    expect(bodyOf(created)).toMatchObject({ creditLimit: '0.00', paymentTermsDays: 30, registeredBy: 'test-shop' });
    const takeOver = await putAs('C-1', contactPart(customerRequest({ name: 'Mine Now' })), 'other-shop');
    expect(takeOver.statusCode).toBe(404);
    expect(errorOf(takeOver).code).toBe('NOT_FOUND');
    const read = await getCustomerModule.makeHandler(world.deps)(apiEvent('GET', '/customers/C-1', { pathParameters: { customerId: 'C-1' }, clientId: 'other-shop' }), lambdaContext);
    expect(read.statusCode).toBe(404);
    expect(world.tables.customers.get('C-1')?.name).toBe('Acme Retail GmbH');
  });

  it("answers another storefront's invoice with 404, and a second POST /payments of the same provider payment with 200 and the first payment", async () => {
    world.customers.seed(aCustomer({ customerId: 'C-1' }));
    const { invoice } = await invoicedOrder(world);
    const read = (clientId: string) => getInvoiceModule.makeHandler(world.deps)(apiEvent('GET', `/invoices/${invoice.invoiceId}`, { pathParameters: { invoiceId: invoice.invoiceId }, clientId }), lambdaContext);
    expect((await read('other-shop')).statusCode).toBe(404);
    expect((await read('test-shop')).statusCode).toBe(200);

    const handler = recordPaymentModule.makeHandler(world.deps, options());
    const body = paymentRequest({ amount: '20.00', reference: invoice.number, providerPaymentId: 'ch_1' });
    const first = await handler(apiEvent('POST', '/payments', { body, idempotencyKey: 'k-1' }), lambdaContext);
    const again = await handler(apiEvent('POST', '/payments', { body, idempotencyKey: 'k-2' }), lambdaContext);
    const unkeyed = await handler(apiEvent('POST', '/payments', { body }), lambdaContext);
    expect(first.statusCode).toBe(201);
    expect(again.statusCode).toBe(200);
    expect(bodyOf(again)).toEqual(bodyOf(first));
    expect(unkeyed.statusCode).toBe(200);
    expect(world.tables.payments.size).toBe(1);
    expect(world.tables.invoices.get(invoice.invoiceId)?.paidMinor).toBe(2_000);
    const missing = await handler(apiEvent('POST', '/payments', { body: { ...body, providerPaymentId: undefined } }), lambdaContext);
    expect(missing.statusCode).toBe(400);
    expect(errorOf(missing).details).toEqual([{ field: 'providerPaymentId', problem: "is required: your payment provider's id of this payment (1-255 characters)" }]);
  });

  it('lists for a storefront its own invoices without customerId or status', async () => {
    world.customers.seed(aCustomer({ customerId: 'C-1' }));
    world.invoices.seed(anInvoice({ invoiceId: 'I-1', sequence: 1 }));
    world.invoices.seed(anInvoice({ invoiceId: 'I-2', sequence: 2, ownerId: 'other-shop' }));
    const response = await listInvoicesModule.makeHandler(world.deps)(apiEvent('GET', '/invoices', {}), lambdaContext);
    expect(response.statusCode).toBe(200);
    expect(bodyOf<{ items: { invoiceId: string }[] }>(response).items.map((i) => i.invoiceId)).toEqual(['I-1']);
  });

  it.each([
    ['no client id', { role: 'storefront', scope: 'test-shop' }],
    ['no role', { clientId: 'test-shop', scope: 'test-shop' }],
    ['a role it does not know', { clientId: 'test-shop', role: 'admin', scope: 'all' }],
    ["a storefront with finance's scope", { clientId: 'test-shop', role: 'storefront', scope: 'all' }],
    ['a storefront with another scope', { clientId: 'test-shop', role: 'storefront', scope: 'other-shop' }],
  ])('refuses a request whose authorizer context has %s (403), and does nothing', async (_what, authorizer) => {
    const response = await putCustomerModule.makeHandler(world.deps, options())(
      apiEvent('PUT', '/customers/C-1', { pathParameters: { customerId: 'C-1' }, body: contactPart(customerRequest()), authorizer }),
      lambdaContext,
    );
    expect(response.statusCode).toBe(403);
    expect(errorOf(response).code).toBe('FORBIDDEN');
    expect(world.tables.customers.size).toBe(0);
  });
});
