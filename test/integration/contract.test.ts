/**
 * The contract on the local stack: GET /openapi.json is the committed document; the gateway's own
 * refusals (unknown route, no or bad key, wrong role) and the functions' errors are RFC 9457
 * problem documents; the typed client generated from the document (lib/api-client) drives an
 * order from customer to invoice, and what the API answers fits the declared response schemas.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, uniqueId, type ApiDriver } from './support/api-driver';
import { ApiError } from '../../lib/api-client/client';
import { routeContracts } from '../../lambdas/shared/api-contract';

let stack: Awaited<ReturnType<typeof startTestStack>>;
let api: ApiDriver;

beforeAll(async () => {
  stack = await startTestStack();
  api = stack.api;
});

afterAll(async () => {
  await stack?.stop();
});

const PROBLEM = { type: expect.stringMatching(/^urn:problem-type:order-to-cash:[a-z-]+$/), title: expect.any(String), detail: expect.any(String) };

/** The declared response schema of a route accepts what the API answered. */
function fitsContract(route: string, body: unknown): void {
  const contract = routeContracts[route]!;
  const result = contract.response.schema.safeParse(body);
  expect(result.success, `${route}: ${JSON.stringify(result.error?.issues ?? []).slice(0, 400)}`).toBe(true);
}

describe('the contract on the local stack', () => {
  it('serves the committed OpenAPI document at GET /openapi.json to both roles', async () => {
    const committed = readFileSync(join(import.meta.dirname, '../../openapi.json'), 'utf8');
    for (const role of ['finance', 'storefront'] as const) {
      const response = await api.op('getOpenapiJson', {}, { as: role, parseAs: 'text' });
      expect(response.status).toBe(200);
      expect(response.body).toBe(committed);
    }
  });

  it('answers an unknown route 404, a missing or bad key 401 and a wrong role 403, each as a problem document', async () => {
    const unknown = await api.call('GET', '/no-such-thing', { as: 'finance' });
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toBe('application/problem+json');
    expect(unknown.body).toEqual({ ...PROBLEM, type: 'urn:problem-type:order-to-cash:not-found', title: 'Not found', status: 404, detail: 'No such route', error: { code: 'NOT_FOUND', message: 'No such route', details: [] } });
    // raw: a method the route table does not have, so the client has no operation for it
    expect((await api.call('DELETE', '/orders', { as: 'finance' })).status).toBe(404);

    for (const headers of [{}, { 'x-api-key': 'not-a-key' }] as Record<string, string>[]) {
      const refused = await api.op('getReportsLedgerCheck', {}, { as: 'none', headers });
      expect(refused.status).toBe(401);
      expect(refused.headers.get('content-type')).toBe('application/problem+json');
      expect(refused.body).toMatchObject({ ...PROBLEM, status: 401, error: { code: 'UNAUTHORIZED' } });
    }
    const wrongRole = await api.op('getReportsLedgerCheck', {}, { as: 'storefront' });
    expect(wrongRole.status).toBe(403);
    expect(wrongRole.body).toMatchObject({ ...PROBLEM, status: 403, error: { code: 'FORBIDDEN' } });
  });

  it('has the local SES answer an action it does not implement at once with InvalidAction, not hang', async () => {
    const started = performance.now();
    const response = await fetch(stack.local.endpoints.ses, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'Action=ListIdentities&Version=2010-12-01', signal: AbortSignal.timeout(10_000) });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('<Code>InvalidAction</Code>');
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('drives an order to its invoice through the generated typed client; its answers fit the declared schemas', async () => {
    const shop = api.typed('storefront');
    const finance = api.typed('finance');
    const customerId = uniqueId('typed');
    const registered = await shop.putCustomersCustomerId({ path: { customerId }, body: { name: 'Typed GmbH', email: `${customerId}@example.com`, currency: 'EUR', locale: 'de' } });
    fitsContract('PUT /customers/{customerId}', registered);
    await finance.putCustomersCustomerId({ path: { customerId }, body: { name: 'Typed GmbH', email: `${customerId}@example.com`, currency: 'EUR', locale: 'de', creditLimit: '10000.00', paymentTermsDays: 14 } });

    const placed = await shop.postOrders({ body: { customerId, currency: 'EUR', lines: [{ sku: 'CHAIR-1', quantity: 2, unitPrice: '149.90' }] }, headers: { 'Idempotency-Key': uniqueId('order') } });
    fitsContract('POST /orders', placed);
    await api.waitForOrderStatus(placed.orderId, 'AWAITING_SHIPMENT');
    await shop.postOrdersOrderIdShipments({ path: { orderId: placed.orderId }, body: { carrier: 'DHL' } });
    const order = await api.waitFor('the order to be invoiced', () => finance.getOrdersOrderId({ path: { orderId: placed.orderId } }), (o) => o.status === 'INVOICED');
    fitsContract('GET /orders/{orderId}', order);
    // Emailed through the local SES (its supported actions still go through).
    const invoice = await api.waitFor('the invoice to be emailed', () => finance.getInvoicesInvoiceId({ path: { invoiceId: order.invoiceId! } }), (i) => typeof (i as { sentAt?: unknown }).sentAt === 'string');
    fitsContract('GET /invoices/{invoiceId}', invoice);
    expect(invoice.total).toBe('299.80');
    fitsContract('GET /invoices', await finance.getInvoices({ query: { customerId, limit: 5 } }));
    fitsContract('GET /customers/{customerId}', await finance.getCustomersCustomerId({ path: { customerId } }));
    fitsContract('GET /reports/ledger-check', await finance.getReportsLedgerCheck());

    // A refusal throws the client's ApiError carrying the problem document.
    const refused = await shop.postOrders({ body: { customerId, currency: 'EUR', lines: [] }, headers: { 'Idempotency-Key': uniqueId('bad') } }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ApiError);
    expect((refused as ApiError).status).toBe(400);
    expect((refused as ApiError).body).toMatchObject({ ...PROBLEM, status: 400, error: { code: 'VALIDATION_FAILED', details: [{ field: 'lines' }] } });
  });
});
