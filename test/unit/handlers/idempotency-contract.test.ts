/**
 * The idempotency contract: an Idempotency-Key is required on every route that moves money (428
 * without it), scoped by client, normalised route and key; the ids a request creates are derived
 * from its key, so a retry after a crash, a time-out or a 5xx after commit finds what the first
 * attempt wrote and never writes it again.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { apiEvent, bodyOf, errorOf, lambdaContext, stubHandlerEnvironment } from '../../support/api-events';
import { InMemoryIdempotencyStore, inMemoryWorld, type InMemoryWorld } from '../../support/in-memory';
import { aCustomer, orderRequest, paymentRequest } from '../../support/builders';
import { invoicedOrder } from '../../support/scenarios';
import { keyedIds, normalisedRoute } from '../../../lambdas/shared/http';
import { routes } from '../../../lib/definitions/routes';

let recordPaymentModule: typeof import('../../../lambdas/handlers/api/record-payment');
let placeOrderModule: typeof import('../../../lambdas/handlers/api/place-order');

beforeAll(async () => {
  stubHandlerEnvironment();
  recordPaymentModule = await import('../../../lambdas/handlers/api/record-payment');
  placeOrderModule = await import('../../../lambdas/handlers/api/place-order');
});

afterAll(() => {
  vi.unstubAllEnvs();
});

let world: InMemoryWorld;
let idempotency: InMemoryIdempotencyStore;
const options = () => ({ idempotency: { store: idempotency.asIdempotencyStore(), clock: world.clock } });

beforeEach(() => {
  world = inMemoryWorld({ start: '2026-03-02T09:00:00Z' });
  idempotency = new InMemoryIdempotencyStore();
});

describe('the routes that move money', () => {
  it('are exactly payments, manual application, write-off, the dispute credit, credit notes, the import, the statement upload, a remittance advice, the SEPA returns, credit application and refunds, and the close of a period', () => {
    expect(routes.filter((r) => r.movesMoney).map((r) => `${r.method} ${r.path}`).sort()).toEqual([
      'POST /collections/returns',
      'POST /customers/{customerId}/credit/apply',
      'POST /invoices/import',
      'POST /invoices/{invoiceId}/credit-notes',
      'POST /invoices/{invoiceId}/disputes/{disputeId}/resolve',
      'POST /invoices/{invoiceId}/write-off',
      'POST /ledger/periods/{period}/close',
      'POST /payments',
      'POST /payments/{paymentId}/apply',
      'POST /refunds',
      'POST /refunds/statements',
      'POST /remittances',
      'POST /remittances/advices',
    ]);
  });

  it('answer 428 naming the header without an Idempotency-Key, and write nothing', async () => {
    world.customers.seed(aCustomer());
    await invoicedOrder(world);
    const handler = recordPaymentModule.makeHandler(world.deps, options());

    const response = await handler(apiEvent('POST', '/payments', { body: paymentRequest({ amount: '1.00' }), idempotencyKey: null }), lambdaContext);

    expect(response.statusCode).toBe(428);
    expect(errorOf(response)).toMatchObject({ code: 'IDEMPOTENCY_KEY_REQUIRED', details: [{ field: 'Idempotency-Key', problem: 'is required for requests that move money' }] });
    expect(world.tables.payments.size).toBe(0);
    expect(idempotency.records.size).toBe(0);
  });

  it('do not need a key on routes that move no money', async () => {
    world.customers.seed(aCustomer());
    const response = await placeOrderModule.makeHandler(world.deps, options())(apiEvent('POST', '/orders', { body: orderRequest(), idempotencyKey: null }), lambdaContext);
    expect(response.statusCode).toBe(202);
  });
});

describe('the key scope', () => {
  it('normalises the route: /payments/ is /payments, and the method counts', () => {
    expect(normalisedRoute('post', '/payments/')).toBe('POST /payments');
    expect(normalisedRoute('POST', '//payments//P-1/apply/')).toBe('POST /payments/P-1/apply');
  });

  it('answers a retry to /payments/ with the first response of /payments, recording one payment', async () => {
    world.customers.seed(aCustomer());
    const { invoiceId } = (await invoicedOrder(world)).invoice;
    const handler = recordPaymentModule.makeHandler(world.deps, options());
    const body = paymentRequest({ amount: '1.00', invoiceIds: [invoiceId] });

    const first = await handler(apiEvent('POST', '/payments', { body, idempotencyKey: 'k-1' }), lambdaContext);
    const again = await handler({ ...apiEvent('POST', '/payments', { body, idempotencyKey: 'k-1' }), path: '/payments/' }, lambdaContext);

    expect(first.statusCode).toBe(201);
    expect(again.headers?.['idempotent-replayed']).toBe('true');
    expect(bodyOf(again)).toEqual(bodyOf(first));
    expect(world.tables.payments.size).toBe(1);
  });

  it('derives ids from the scoped key: the same sequence on every retry, another for another key', () => {
    const a = keyedIds('shop|POST /payments|k-1');
    const b = keyedIds('shop|POST /payments|k-1');
    const c = keyedIds('other-shop|POST /payments|k-1');
    const first = a();
    expect(first).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect([b(), b()]).toEqual([first, a()]);
    expect(c()).not.toBe(first);
  });
});

describe('a retry after the first attempt was written but its answer was lost', () => {
  it('POST /payments: answers with the payment the first attempt recorded, and records no second one', async () => {
    world.customers.seed(aCustomer());
    const { invoiceId } = (await invoicedOrder(world)).invoice;
    const handler = recordPaymentModule.makeHandler(world.deps, options());
    const body = paymentRequest({ amount: '1.00', invoiceIds: [invoiceId] });
    const first = await handler(apiEvent('POST', '/payments', { body, idempotencyKey: 'k-crash' }), lambdaContext);
    // The answer was lost and the idempotency record with it (a crash after commit): only the payment stays.
    idempotency.records.clear();

    const retry = await handler(apiEvent('POST', '/payments', { body, idempotencyKey: 'k-crash' }), lambdaContext);

    // The payment recorded before (its id comes from the provider's payment id): 200 with it.
    expect(first.statusCode).toBe(201);
    expect(retry.statusCode).toBe(200);
    expect(bodyOf(retry)).toEqual(bodyOf(first));
    expect(world.tables.payments.size).toBe(1);
    expect(world.tables.invoices.get(invoiceId)!.allocations).toHaveLength(1);
    expect(world.tables.ledger.filter((row) => row.event === 'PaymentReceived' && row.account === 'cash')).toHaveLength(1);
  });

  it('POST /orders: answers with the order the first attempt stored, and stores no second one', async () => {
    world.customers.seed(aCustomer());
    const handler = placeOrderModule.makeHandler(world.deps, options());
    const first = await handler(apiEvent('POST', '/orders', { body: orderRequest(), idempotencyKey: 'order-1' }), lambdaContext);
    idempotency.records.clear();

    const retry = await handler(apiEvent('POST', '/orders', { body: orderRequest(), idempotencyKey: 'order-1' }), lambdaContext);

    expect(retry.statusCode).toBe(202);
    expect(bodyOf(retry)).toEqual(bodyOf(first));
    expect(world.tables.orders.size).toBe(1);
  });

});

describe('transaction limits', () => {
  it('refuses a payment naming 50 invoices with a 400 naming invoiceIds and the limit, writing nothing', async () => {
    world.customers.seed(aCustomer());
    const invoiceIds = Array.from({ length: 50 }, (_, i) => `I-${i}`);
    const response = await recordPaymentModule.makeHandler(world.deps, options())(apiEvent('POST', '/payments', { body: paymentRequest({ amount: '50.00', invoiceIds }) }), lambdaContext);
    expect(response.statusCode).toBe(400);
    expect(errorOf(response).details).toEqual([{ field: 'invoiceIds', problem: expect.stringContaining('at most 48 invoices: one payment is one transaction of at most 100 writes') }]);
    expect(world.tables.payments.size).toBe(0);
  });
});
