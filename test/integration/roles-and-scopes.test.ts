/**
 * Roles and scopes through HTTP on the local AWS: two storefronts and finance. A storefront sees
 * and changes only the customers it registered and their orders and invoices (another's answers
 * 404, lists leave them out), may not send what finance decides (403 FORBIDDEN_FIELD), records a
 * provider's payment once; the policy keeps a role off the sub-routes of its routes; keys are
 * created, listed and revoked with `npm run api-keys`, and a revoked key is refused once the
 * authorizer cache's 60 s have passed on the local clock.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routes } from '../../lib/definitions/routes';
import { startTestStack, uniqueId, type ApiDriver, type ApiResponse, type BodyOf } from './support/api-driver';
import type { LocalAws } from '../../local-aws/runtime';

const run = promisify(execFile);

let stack: Awaited<ReturnType<typeof startTestStack>>;
let api: ApiDriver;
let other: ApiDriver;
let local: LocalAws;

/** `npm run api-keys -- <args>` against this stack's DynamoDB Local (the command's local default). */
async function apiKeys(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const port = new URL(local.endpoints.dynamodb).port;
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'bin/api-keys.ts', ...args], {
      env: { ...process.env, DYNAMODB_PORT: port, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
      timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

async function newKey(role: 'storefront' | 'finance', name: string): Promise<{ key: string; clientId: string; stdout: string }> {
  const created = await apiKeys('create', '--role', role, '--name', name);
  expect(created.code, created.stderr).toBe(0);
  const key = /API key \(shown only now; only its SHA-256 is kept\): (\S+)/.exec(created.stdout)?.[1];
  const clientId = /Created \w+ client (\S+)/.exec(created.stdout)?.[1];
  expect(key).toMatch(/^otc_/);
  return { key: key!, clientId: clientId!, stdout: created.stdout };
}

beforeAll(async () => {
  stack = await startTestStack();
  api = stack.api;
  local = stack.local;
  other = api.asStorefront((await newKey('storefront', 'Other Shop')).key);
});

afterAll(async () => {
  await stack?.stop();
});

const contact = (customerId: string) => ({ name: `Shop Customer ${customerId}`, email: `${customerId}@example.com`, currency: 'EUR', locale: 'de' });

async function invoicedOrderOf(customerId: string): Promise<{ orderId: string; invoiceId: string; number: string }> {
  const placed = await api.op('postOrders', { body: { customerId, currency: 'EUR', lines: [{ sku: 'A', quantity: 1, unitPrice: '100.00' }] } });
  expect(placed.status).toBe(202);
  const orderId = String(placed.body.orderId);
  await api.waitForOrderStatus(orderId, 'AWAITING_SHIPMENT');
  expect((await api.op('postOrdersOrderIdShipments', { path: { orderId }, body: {} })).status).toBe(202);
  const invoiced = await api.waitForOrderStatus(orderId, 'INVOICED');
  const invoiceId = String(invoiced.body.invoiceId);
  // the invoice is emailed on its own: wait for it, so that nothing changes it afterwards
  const invoice = await api.waitFor('the invoice email', () => api.op('getInvoicesInvoiceId', { path: { invoiceId } }, { as: 'storefront' }), (r) => r.body.sentAt !== null);
  return { orderId, invoiceId, number: String(invoice.body.number) };
}

const expectNotFound = (response: ApiResponse, what: string) => {
  expect({ what, status: response.status, code: (response.body as { error?: { code?: string } }).error?.code }).toEqual({ what, status: 404, code: 'NOT_FOUND' });
};

describe('customers', () => {
  it("registers a storefront's customer with finance's defaults, refuses finance's fields from it (403, nothing written), and lets finance set them", async () => {
    const customerId = uniqueId('sf');
    const created = await api.op('putCustomersCustomerId', { path: { customerId }, body: contact(customerId) });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ creditLimit: '0.00', paymentTermsDays: 30, dunningPolicyId: 'default', blocked: false, registeredBy: 'local-storefront' });

    const forbidden = await api.op('putCustomersCustomerId', { path: { customerId }, body: { ...contact(customerId), creditLimit: '99999.00', blocked: false } });
    expect(forbidden.status).toBe(403);
    expect(forbidden.body).toMatchObject({
      status: 403,
      error: {
        code: 'FORBIDDEN_FIELD',
        message: expect.stringContaining('creditLimit'),
        details: [
          { field: 'creditLimit', problem: 'is decided by finance; a storefront may not set it' },
          { field: 'blocked', problem: 'is decided by finance; a storefront may not set it' },
        ],
      },
    });
    expect((await api.op('getCustomersCustomerId', { path: { customerId } }, { as: 'storefront' })).body).toMatchObject({ creditLimit: '0.00', blocked: false });
    const fresh = uniqueId('sf');
    expect((await api.op('putCustomersCustomerId', { path: { customerId: fresh }, body: { ...contact(fresh), paymentTermsDays: 60 } })).status).toBe(403);
    expect((await api.op('getCustomersCustomerId', { path: { customerId: fresh } })).status).toBe(404);

    const terms = await api.op('putCustomersCustomerId', { path: { customerId }, body: { ...contact(customerId), creditLimit: '5000.00', paymentTermsDays: 14, dunningPolicyId: 'eu-late-payment' } }, { as: 'finance' });
    expect(terms.status).toBe(200);
    expect(terms.body).toMatchObject({ creditLimit: '5000.00', paymentTermsDays: 14, dunningPolicyId: 'eu-late-payment', registeredBy: 'local-storefront' });
    const takeOver = await api.op('putCustomersCustomerId', { path: { customerId }, body: { ...contact(customerId), registeredBy: 'local-finance' } as BodyOf<'putCustomersCustomerId'> }, { as: 'finance' });
    expect(takeOver.status).toBe(403);
    expect(takeOver.body).toMatchObject({ error: { code: 'FORBIDDEN_FIELD', details: [{ field: 'registeredBy' }] } });

    // the storefront changes its contact data; finance's terms stay
    const renamed = await api.op('putCustomersCustomerId', { path: { customerId }, body: { ...contact(customerId), name: 'Renamed GmbH' } });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ name: 'Renamed GmbH', creditLimit: '5000.00', paymentTermsDays: 14 });
  });

  it("answers another storefront's customer with 404 for GET and PUT, changes nothing, and lists only the storefront's own", async () => {
    const mine = uniqueId('mine');
    const theirs = uniqueId('theirs');
    expect((await api.op('putCustomersCustomerId', { path: { customerId: mine }, body: contact(mine) })).status).toBe(201);
    expect((await other.op('putCustomersCustomerId', { path: { customerId: theirs }, body: contact(theirs) })).status).toBe(201);

    expectNotFound(await other.op('getCustomersCustomerId', { path: { customerId: mine } }, { as: 'storefront' }), 'GET');
    expectNotFound(await other.op('putCustomersCustomerId', { path: { customerId: mine }, body: { ...contact(mine), name: 'Hijacked Ltd' } }), 'PUT');
    expect((await api.op('getCustomersCustomerId', { path: { customerId: mine } })).body).toMatchObject({ name: `Shop Customer ${mine}`, registeredBy: 'local-storefront' });

    const listed = async (driver: ApiDriver) => (await driver.op<'getCustomers', { items: { customerId: string }[] }>('getCustomers', { query: { limit: 200 } }, { as: 'storefront' })).body.items.map((c) => c.customerId);
    expect(await listed(api)).toContain(mine);
    expect(await listed(api)).not.toContain(theirs);
    expect(await listed(other)).toEqual([theirs]);
    const all = (await api.op<'getCustomers', { items: { customerId: string }[] }>('getCustomers', { query: { limit: 200 } })).body.items.map((c) => c.customerId);
    expect(all).toEqual(expect.arrayContaining([mine, theirs]));
  });
});

describe("orders and invoices of another storefront's customer", () => {
  let customerId: string;
  let order: { orderId: string; invoiceId: string; number: string };
  let creditNoteId: string;
  let webhookId: string;

  beforeAll(async () => {
    customerId = uniqueId('owned');
    expect((await api.registerCustomer(customerId, { ...contact(customerId), creditLimit: '100000.00', paymentTermsDays: 14 })).status).toBe(201);
    order = await invoicedOrderOf(customerId);
    // A credit note of another of the first storefront's customers (finance issues it) and a webhook of that storefront.
    const creditedCustomer = uniqueId('credited');
    expect((await api.registerCustomer(creditedCustomer, { ...contact(creditedCustomer), creditLimit: '100000.00', paymentTermsDays: 14 })).status).toBe(201);
    const credited = await invoicedOrderOf(creditedCustomer);
    const note = await api.op<'postInvoicesInvoiceIdCreditNotes', { creditNoteId: string }>('postInvoicesInvoiceIdCreditNotes', { path: { invoiceId: credited.invoiceId }, body: { reason: 'returned', lines: [{ sku: 'A', quantity: 1 }] } }, { as: 'finance' });
    expect(note.status, JSON.stringify(note.body)).toBe(201);
    creditNoteId = note.body.creditNoteId;
    const hook = await api.op<'postWebhooks', { webhookId: string }>('postWebhooks', { body: { url: 'http://127.0.0.1:9/hooks', eventTypes: ['InvoiceIssued.v1'] } });
    expect(hook.status, JSON.stringify(hook.body)).toBe(201);
    webhookId = hook.body.webhookId;
  });

  it('answers 404 on every storefront route by id, and changes nothing', async () => {
    const cases: Record<string, () => Promise<ApiResponse>> = {
      'PUT /customers/{customerId}': () => other.op('putCustomersCustomerId', { path: { customerId }, body: contact(customerId) }),
      'GET /customers/{customerId}': () => other.op('getCustomersCustomerId', { path: { customerId } }, { as: 'storefront' }),
      'GET /orders/{orderId}': () => other.op('getOrdersOrderId', { path: { orderId: order.orderId } }, { as: 'storefront' }),
      'POST /orders/{orderId}/shipments': () => other.op('postOrdersOrderIdShipments', { path: { orderId: order.orderId }, body: {} }),
      'POST /orders/{orderId}/cancel': () => other.op('postOrdersOrderIdCancel', { path: { orderId: order.orderId }, body: { reason: 'not mine' } }),
      'GET /invoices/{invoiceId}': () => other.op('getInvoicesInvoiceId', { path: { invoiceId: order.invoiceId } }, { as: 'storefront' }),
      'GET /invoices/{invoiceId}/document': () => other.op('getInvoicesInvoiceIdDocument', { path: { invoiceId: order.invoiceId } }, { as: 'storefront', headers: { accept: 'text/html' } }),
      'POST /invoices/{invoiceId}/disputes': () => other.op('postInvoicesInvoiceIdDisputes', { path: { invoiceId: order.invoiceId }, body: { reason: 'never ordered' } }),
      'GET /invoices/{invoiceId}/einvoice': () => other.op('getInvoicesInvoiceIdEinvoice', { path: { invoiceId: order.invoiceId }, query: { format: 'ubl' } }, { as: 'storefront' }),
      'GET /credit-notes/{creditNoteId}': () => other.op('getCreditNotesCreditNoteId', { path: { creditNoteId } }, { as: 'storefront' }),
      'GET /credit-notes/{creditNoteId}/document': () => other.op('getCreditNotesCreditNoteIdDocument', { path: { creditNoteId } }, { as: 'storefront', headers: { accept: 'text/html' } }),
      'GET /credit-notes/{creditNoteId}/einvoice': () => other.op('getCreditNotesCreditNoteIdEinvoice', { path: { creditNoteId }, query: { format: 'ubl' } }, { as: 'storefront' }),
      'DELETE /webhooks/{webhookId}': () => other.op('deleteWebhooksWebhookId', { path: { webhookId } }),
      'GET /webhooks/{webhookId}/deliveries': () => other.op('getWebhooksWebhookIdDeliveries', { path: { webhookId } }, { as: 'storefront' }),
    };
    // every route a storefront may call with an id in its path has a case here
    const storefrontRoutesById = routes.filter((r) => r.access.includes('storefront') && r.path.includes('{')).map((r) => `${r.method} ${r.path}`);
    expect(Object.keys(cases).sort()).toEqual(storefrontRoutesById.sort());

    const before = { order: (await api.op('getOrdersOrderId', { path: { orderId: order.orderId } })).body, invoice: (await api.op('getInvoicesInvoiceId', { path: { invoiceId: order.invoiceId } })).body };
    for (const [route, call] of Object.entries(cases)) expectNotFound(await call(), route);
    expect((await api.op('getOrdersOrderId', { path: { orderId: order.orderId } })).body).toEqual(before.order);
    expect((await api.op('getInvoicesInvoiceId', { path: { invoiceId: order.invoiceId } })).body).toEqual(before.invoice);

    // the owner reaches them
    expect((await api.op('getOrdersOrderId', { path: { orderId: order.orderId } }, { as: 'storefront' })).status).toBe(200);
    expect((await api.op('getInvoicesInvoiceIdDocument', { path: { invoiceId: order.invoiceId } }, { as: 'storefront', headers: { accept: 'text/html' } })).status).toBe(200);
  });

  it("refuses an order for another storefront's customer as an unknown customer (400 naming customerId)", async () => {
    const placed = await other.op('postOrders', { body: { customerId, currency: 'EUR', lines: [{ sku: 'A', quantity: 1, unitPrice: '1.00' }] } });
    expect(placed.status).toBe(400);
    expect(placed.body).toMatchObject({ error: { code: 'VALIDATION_FAILED', details: [{ field: 'customerId', problem: `no customer ${customerId} exists` }] } });
  });

  it("lists only the storefront's own orders and invoices", async () => {
    const ids = async (driver: ApiDriver, path: string) =>
      (await driver.get<{ items: { orderId: string; invoiceId: string }[] }>(path, 'storefront')).body.items.map((i) => (path.startsWith('/orders') ? i.orderId : i.invoiceId));
    expect(await ids(api, '/orders?limit=200')).toContain(order.orderId);
    expect(await ids(api, `/orders?customerId=${customerId}`)).toEqual([order.orderId]);
    expect(await ids(api, '/invoices?status=OPEN&limit=200')).toContain(order.invoiceId);
    expect(await ids(api, '/invoices?limit=200')).toContain(order.invoiceId);
    expect(await ids(other, '/orders?limit=200')).not.toContain(order.orderId);
    expect(await ids(other, `/orders?customerId=${customerId}`)).toEqual([]);
    expect(await ids(other, '/invoices?status=OPEN&limit=200')).not.toContain(order.invoiceId);
    expect(await ids(other, `/invoices?customerId=${customerId}`)).toEqual([]);
  });

  it('keeps a storefront off the sub-route of a route it may call (the policy denies GET /orders/{id}/execution)', async () => {
    expect((await api.op('getOrdersOrderId', { path: { orderId: order.orderId } }, { as: 'storefront' })).status).toBe(200);
    const sub = await api.op('getOrdersOrderIdExecution', { path: { orderId: order.orderId } }, { as: 'storefront' });
    expect(sub.status).toBe(403);
    expect((await api.op('getOrdersOrderIdExecution', { path: { orderId: order.orderId } })).status).toBe(200);
    expect((await api.op('postInvoicesInvoiceIdPromises', { path: { invoiceId: order.invoiceId }, body: { amount: '1.00', promisedDate: '2027-01-15' } })).status).toBe(403);
  });
});

describe('POST /payments with providerPaymentId', () => {
  it('needs it from a storefront, records it once per client, and settles only that storefront\'s invoices', async () => {
    const customerId = uniqueId('pay');
    expect((await api.registerCustomer(customerId, { ...contact(customerId), creditLimit: '100000.00', paymentTermsDays: 14 })).status).toBe(201);
    const { invoiceId, number } = await invoicedOrderOf(customerId);
    const body = { amount: '10.00', currency: 'EUR', reference: number, valueDate: '2026-12-01' };

    const missing = await api.op('postPayments', { body });
    expect(missing.status).toBe(400);
    expect(missing.body).toMatchObject({ error: { details: [{ field: 'providerPaymentId' }] } });
    const control = await api.op('postPayments', { body: { ...body, providerPaymentId: 'pi_\u0007bell' } });
    expect(control.status).toBe(400);
    expect(control.body).toMatchObject({ error: { details: [{ field: 'providerPaymentId', problem: expect.stringContaining('must not contain control characters') }] } });

    const providerPaymentId = uniqueId('pi');
    const first = await api.op('postPayments', { body: { ...body, providerPaymentId } });
    const again = await api.op('postPayments', { body: { ...body, providerPaymentId } });
    const keyed = await api.op('postPayments', { body: { ...body, providerPaymentId } }, { headers: { 'Idempotency-Key': uniqueId('k') } });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ status: 'applied', providerPaymentId, allocations: [{ invoiceId, amount: '10.00' }] });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(keyed.status).toBe(200);
    expect(keyed.body).toEqual(first.body);
    expect((await api.op('getInvoicesInvoiceId', { path: { invoiceId } })).body).toMatchObject({ paid: '10.00', balance: '90.00' });

    // another storefront: the same provider id is its own payment, and the invoice is unknown to it
    const theirs = await other.op('postPayments', { body: { ...body, providerPaymentId } });
    expect(theirs.status).toBe(201);
    expect(theirs.body).toMatchObject({ status: 'unapplied', unappliedReason: 'unknown-reference', allocations: [] });
    expect(theirs.body.paymentId).not.toBe(first.body.paymentId);
    const byId = await other.op('postPayments', { body: { ...body, invoiceIds: [invoiceId], providerPaymentId: uniqueId('pi') } });
    expect(byId.status).toBe(201);
    expect(byId.body).toMatchObject({ status: 'unapplied', unappliedReason: 'unknown-reference' });
    expect((await api.op('getInvoicesInvoiceId', { path: { invoiceId } })).body).toMatchObject({ paid: '10.00', balance: '90.00' });
    expect((await api.ledgerCheck()).balanced).toBe(true);
  });
});

describe('keys: npm run api-keys', () => {
  it('creates a key shown once, lists clients without keys, and a revoked key is refused once the authorizer cache (60 s) has passed', async () => {
    const { key, clientId, stdout } = await newKey('storefront', 'Pop-up Shop');
    expect(stdout).toContain(`Created storefront client ${clientId} ("Pop-up Shop")`);
    const shop = api.asStorefront(key);
    expect((await shop.op('getCustomers', {}, { as: 'storefront' })).status).toBe(200);

    const listed = await apiKeys('list');
    expect(listed.code).toBe(0);
    const line = listed.stdout.split('\n').find((l) => l.startsWith(clientId));
    expect(line).toMatch(new RegExp(`^${clientId}\\s+Pop-up Shop\\s+storefront\\s+\\S+Z\\s+-$`));
    expect(listed.stdout).toMatch(/^local-storefront\s+local-storefront\s+storefront/m);
    expect(listed.stdout).not.toContain(key);
    expect(listed.stdout).not.toMatch(/[0-9a-f]{64}/);

    const revoked = await apiKeys('revoke', clientId);
    expect(revoked.code, revoked.stderr).toBe(0);
    expect(revoked.stdout).toContain(`Revoked storefront client ${clientId}`);
    // API Gateway (and the local gateway) may still answer from the authorizer cache for up to 60 s
    expect((await shop.op('getCustomers', {}, { as: 'storefront' })).status).toBe(200);
    await local.clock.advance('PT61S');
    expect((await shop.op('getCustomers', {}, { as: 'storefront' })).status).toBe(401);
    expect((await apiKeys('list')).stdout.split('\n').find((l) => l.startsWith(clientId))).toMatch(/Z\s+\S+Z$/);

    // a revoked key never used since is refused at once; an unknown client id is refused by the command
    const unused = await newKey('finance', 'Temp AR');
    expect((await apiKeys('revoke', unused.clientId)).code).toBe(0);
    // raw: a key that belongs to no client of the API
    expect((await api.asStorefront(unused.key).call('GET', '/reports/ledger-check', { as: 'storefront' })).status).toBe(401);
    const unknown = await apiKeys('revoke', 'storefront-000000000000');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('No client storefront-000000000000');
  });

  it('gives a finance key the finance routes', async () => {
    const { key } = await newKey('finance', 'AR clerk');
    const clerk = api.asStorefront(key);
    expect((await clerk.op('getReportsLedgerCheck', {}, { as: 'storefront' })).status).toBe(200);
    expect((await clerk.op('postOrders', { body: {} as BodyOf<'postOrders'> })).status).toBe(403);
  });
});
