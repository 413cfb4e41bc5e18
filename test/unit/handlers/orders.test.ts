import { createHash } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { apiEvent, bodyOf, errorOf, lambdaContext, stubHandlerEnvironment } from '../../support/api-events';
import { InMemoryIdempotencyStore, inMemoryWorld, type InMemoryWorld } from '../../support/in-memory';
import { aCustomer, orderRequest } from '../../support/builders';
import { invoicedOrder, orderAwaitingShipment, orderOnCreditHold } from '../../support/scenarios';

let placeOrderModule: typeof import('../../../lambdas/handlers/api/place-order');
let getOrderModule: typeof import('../../../lambdas/handlers/api/get-order');
let reportShipmentModule: typeof import('../../../lambdas/handlers/api/report-shipment');
let cancelOrderModule: typeof import('../../../lambdas/handlers/api/cancel-order');
let creditDecisionModule: typeof import('../../../lambdas/handlers/api/record-credit-decision');

beforeAll(async () => {
  stubHandlerEnvironment();
  placeOrderModule = await import('../../../lambdas/handlers/api/place-order');
  getOrderModule = await import('../../../lambdas/handlers/api/get-order');
  reportShipmentModule = await import('../../../lambdas/handlers/api/report-shipment');
  cancelOrderModule = await import('../../../lambdas/handlers/api/cancel-order');
  creditDecisionModule = await import('../../../lambdas/handlers/api/record-credit-decision');
});

afterAll(() => {
  vi.unstubAllEnvs();
});

let world: InMemoryWorld;
let idempotency: InMemoryIdempotencyStore;

function options() {
  return { idempotency: { store: idempotency.asIdempotencyStore(), clock: world.clock } };
}

function placeOrder() {
  return placeOrderModule.makeHandler(world.deps, options());
}

beforeEach(() => {
  world = inMemoryWorld({ start: '2026-03-02T09:00:00Z' });
  world.customers.seed(aCustomer({ customerId: 'C-1' }));
  idempotency = new InMemoryIdempotencyStore();
});

describe('POST /orders', () => {
  it('answers 202 with the order id, status and location', async () => {
    // Act
    const response = await placeOrder()(apiEvent('POST', '/orders', { body: orderRequest() }), lambdaContext);

    // Assess
    expect(response.statusCode).toBe(202);
    expect(bodyOf(response)).toEqual({ orderId: 'id-000001', status: 'RECEIVED' });
    expect(response.headers).toMatchObject({ location: '/orders/id-000001', 'content-type': 'application/json; charset=utf-8' });
    expect(world.tables.orders.has('id-000001')).toBe(true);
  });

  it('answers 400 naming the body when it is not JSON, and writes nothing', async () => {
    // Act
    const response = await placeOrder()(apiEvent('POST', '/orders', { body: '{"customerId": "C-1",' }), lambdaContext);

    // Assess
    expect(response.statusCode).toBe(400);
    expect(bodyOf(response)).toMatchObject({ error: { code: 'VALIDATION_FAILED', message: '(body): is not valid JSON', details: [{ field: '(body)', problem: 'is not valid JSON' }] } });
    expect(world.tables.orders.size).toBe(0);
  });

  it('answers 400 for a body that is not JSON by its content type', async () => {
    // Act
    const response = await placeOrder()(apiEvent('POST', '/orders', { body: 'customerId=C-1', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } }), lambdaContext);

    // Assess
    expect(response.statusCode).toBe(400);
    expect(errorOf(response).details).toEqual([{ field: '(body)', problem: 'must be JSON (content-type application/json), not application/x-www-form-urlencoded' }]);
  });

  it('answers 400 with every field in trouble named in details', async () => {
    // Act
    const response = await placeOrder()(
      apiEvent('POST', '/orders', { body: orderRequest({ currency: 'USD', lines: [{ sku: 'A', quantity: 1, unitPrice: '1.001' }] }) }),
      lambdaContext,
    );

    // Assess
    expect(response.statusCode).toBe(400);
    const error = errorOf(response);
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.details.map((d) => d.field)).toEqual(['currency', 'lines[0].unitPrice']);
    expect(error.message).toContain("currency: must be the customer's currency EUR");
    expect(world.tables.orders.size).toBe(0);
  });

  it('answers 400 naming customerId for an unknown customer', async () => {
    // Act
    const response = await placeOrder()(apiEvent('POST', '/orders', { body: orderRequest({ customerId: 'C-404' }) }), lambdaContext);

    // Assess
    expect(response.statusCode).toBe(400);
    expect(errorOf(response).details).toEqual([{ field: 'customerId', problem: 'no customer C-404 exists' }]);
  });
});

describe('Idempotency-Key on POST /orders', () => {
  it('answers the first response again for the same key and body, marked idempotent-replayed, with one order', async () => {
    // Prepare
    const event = apiEvent('POST', '/orders', { body: orderRequest(), idempotencyKey: 'key-1' });
    const first = await placeOrder()(event, lambdaContext);

    // Act
    const again = await placeOrder()(apiEvent('POST', '/orders', { body: orderRequest(), idempotencyKey: 'key-1' }), lambdaContext);

    // Assess
    expect(first.statusCode).toBe(202);
    expect(first.headers?.['idempotent-replayed']).toBeUndefined();
    expect(again.statusCode).toBe(202);
    expect(again.body).toBe(first.body);
    expect(again.headers).toMatchObject({ 'idempotent-replayed': 'true', location: first.headers?.location });
    expect(world.tables.orders.size).toBe(1);
    expect(world.workflow.starts).toHaveLength(1);
  });

  it('answers 422 naming the key for the same key with another body, and writes nothing more', async () => {
    // Prepare
    await placeOrder()(apiEvent('POST', '/orders', { body: orderRequest(), idempotencyKey: 'key-1' }), lambdaContext);

    // Act
    const response = await placeOrder()(
      apiEvent('POST', '/orders', { body: orderRequest({ lines: [{ sku: 'OTHER', quantity: 1, unitPrice: '1.00' }] }), idempotencyKey: 'key-1' }),
      lambdaContext,
    );

    // Assess
    expect(response.statusCode).toBe(422);
    expect(bodyOf(response)).toMatchObject({
      error: {
        code: 'IDEMPOTENCY_KEY_REUSED',
        message: 'This Idempotency-Key was used with a different request body',
        details: [{ field: 'Idempotency-Key', problem: 'was used with a different request body' }],
      },
    });
    expect(world.tables.orders.size).toBe(1);
  });

  it('answers 409 while the first call with the key is still running', async () => {
    // Prepare
    const sameBody = createHash('sha256').update(JSON.stringify(orderRequest())).digest('hex');
    await idempotency.claim('test-shop|POST /orders|key-1', sameBody, world.clock.now());

    // Act
    const response = await placeOrder()(apiEvent('POST', '/orders', { body: orderRequest(), idempotencyKey: 'key-1' }), lambdaContext);

    // Assess
    expect(response.statusCode).toBe(409);
    expect(errorOf(response).code).toBe('IDEMPOTENT_REQUEST_IN_PROGRESS');
    expect(world.tables.orders.size).toBe(0);
  });

  it('replays a validation error too: the same bad request gets the same 400', async () => {
    // Prepare
    const bad = orderRequest({ lines: [] });
    const first = await placeOrder()(apiEvent('POST', '/orders', { body: bad, idempotencyKey: 'key-1' }), lambdaContext);

    // Act
    const again = await placeOrder()(apiEvent('POST', '/orders', { body: bad, idempotencyKey: 'key-1' }), lambdaContext);

    // Assess
    expect(first.statusCode).toBe(400);
    expect(again.statusCode).toBe(400);
    expect(again.body).toBe(first.body);
    expect(again.headers?.['idempotent-replayed']).toBe('true');
  });

  it('releases the key after a 5xx, so that a retry with the same key runs', async () => {
    // Prepare
    world.workflow.failNextStart(new Error('Step Functions is unavailable'));

    // Act
    const failed = await placeOrder()(apiEvent('POST', '/orders', { body: orderRequest(), idempotencyKey: 'key-1' }), lambdaContext);
    const retried = await placeOrder()(apiEvent('POST', '/orders', { body: orderRequest(), idempotencyKey: 'key-1' }), lambdaContext);

    // Assess
    expect(failed.statusCode).toBe(500);
    expect(bodyOf(failed)).toMatchObject({ error: { code: 'INTERNAL', message: 'The request could not be completed; it is safe to retry with the same Idempotency-Key', details: [] } });
    expect(idempotency.released).toEqual(['test-shop|POST /orders|key-1']);
    expect(retried.statusCode).toBe(202);
    expect(retried.headers?.['idempotent-replayed']).toBeUndefined();
    expect(world.workflow.starts).toHaveLength(1);
  });

  it('keeps keys of different clients apart (by client id)', async () => {
    // Prepare: each storefront orders for its own customer.
    world.customers.seed(aCustomer({ customerId: 'C-2', registeredBy: 'other-shop' }));
    await placeOrder()(apiEvent('POST', '/orders', { body: orderRequest(), idempotencyKey: 'key-1', clientId: 'test-shop', clientName: 'shop' }), lambdaContext);

    // Act
    const other = await placeOrder()(apiEvent('POST', '/orders', { body: orderRequest({ customerId: 'C-2', externalRef: 'B-1' }), idempotencyKey: 'key-1', clientId: 'other-shop', clientName: 'shop' }), lambdaContext);

    // Assess
    expect(other.statusCode).toBe(202);
    expect(world.tables.orders.size).toBe(2);
  });

  it('answers 400 for an Idempotency-Key longer than 255 characters', async () => {
    // Act
    const response = await placeOrder()(apiEvent('POST', '/orders', { body: orderRequest(), idempotencyKey: 'k'.repeat(256) }), lambdaContext);

    // Assess
    expect(response.statusCode).toBe(400);
    expect(errorOf(response).details).toEqual([{ field: 'Idempotency-Key', problem: 'must be 1 to 255 characters' }]);
    expect(world.tables.orders.size).toBe(0);
  });
});

describe('GET /orders/{orderId}', () => {
  it('answers 200 with the order', async () => {
    // Prepare
    const { orderId } = await orderAwaitingShipment(world);

    // Act
    const response = await getOrderModule.makeHandler(world.deps)(apiEvent('GET', `/orders/${orderId}`, { pathParameters: { orderId } }), lambdaContext);

    // Assess
    expect(response.statusCode).toBe(200);
    expect(bodyOf(response)).toMatchObject({ orderId, status: 'AWAITING_SHIPMENT', total: '100.50', invoiceId: null, invoiceIds: [] });
  });

  it('answers 404 naming the order, as an RFC 9457 problem document that keeps error.code and its details', async () => {
    // Act
    const response = await getOrderModule.makeHandler(world.deps)(apiEvent('GET', '/orders/O-404', { pathParameters: { orderId: 'O-404' } }), lambdaContext);

    // Assess
    expect(response.statusCode).toBe(404);
    expect(response.headers?.['content-type']).toBe('application/problem+json');
    expect(bodyOf(response)).toEqual({
      type: 'urn:problem-type:order-to-cash:not-found',
      title: 'Not found',
      status: 404,
      detail: 'Order O-404 does not exist',
      error: { code: 'NOT_FOUND', message: 'Order O-404 does not exist', details: [{ entity: 'Order', id: 'O-404' }] },
    });
  });
});

describe('POST /orders/{orderId}/shipments', () => {
  it('answers 202 and resumes the waiting execution', async () => {
    // Prepare
    const { orderId, shipmentToken } = await orderAwaitingShipment(world);
    const handler = reportShipmentModule.makeHandler(world.deps, options());

    // Act
    const response = await handler(apiEvent('POST', `/orders/${orderId}/shipments`, { pathParameters: { orderId }, body: { shipmentId: 'S-1', carrier: 'DHL' } }), lambdaContext);

    // Assess
    expect(response.statusCode).toBe(202);
    expect(bodyOf(response)).toMatchObject({ orderId, shipment: { shipmentId: 'S-1', carrier: 'DHL' } });
    expect(world.workflow.acceptedResumes(shipmentToken)).toHaveLength(1);
  });

  it('answers 202 for a report without a body', async () => {
    // Prepare
    const { orderId } = await orderAwaitingShipment(world);
    const handler = reportShipmentModule.makeHandler(world.deps, options());

    // Act
    const response = await handler(apiEvent('POST', `/orders/${orderId}/shipments`, { pathParameters: { orderId } }), lambdaContext);

    // Assess
    expect(response.statusCode).toBe(202);
    expect(bodyOf<{ shipment: { shipmentId: string } }>(response).shipment.shipmentId).toBe(`${orderId}-S1`);
  });

  it('answers 409 for another shipment of a fully shipped order and 404 for an unknown order', async () => {
    // Prepare
    const { orderId } = await orderAwaitingShipment(world);
    const handler = reportShipmentModule.makeHandler(world.deps, options());
    await handler(apiEvent('POST', `/orders/${orderId}/shipments`, { pathParameters: { orderId }, body: { shipmentId: 'S-1' } }), lambdaContext);

    // Act
    const conflict = await handler(apiEvent('POST', `/orders/${orderId}/shipments`, { pathParameters: { orderId }, body: { shipmentId: 'S-2' } }), lambdaContext);
    const missing = await handler(apiEvent('POST', '/orders/O-404/shipments', { pathParameters: { orderId: 'O-404' }, body: {} }), lambdaContext);

    // Assess
    expect(conflict.statusCode).toBe(409);
    expect(bodyOf(conflict)).toMatchObject({ error: { code: 'ORDER_NOT_SHIPPABLE', message: expect.stringContaining(orderId), details: [] } });
    expect(missing.statusCode).toBe(404);
  });
});

describe('POST /orders/{orderId}/shipments with lines', () => {
  it('answers 202 with the lines shipped and shows the shipped quantities on the order', async () => {
    // Prepare
    const { orderId } = await orderAwaitingShipment(world, { lines: [{ sku: 'A', quantity: 3, unitPrice: '1.00' }, { sku: 'B', quantity: 1, unitPrice: '2.00' }] });
    const handler = reportShipmentModule.makeHandler(world.deps, options());

    // Act
    const response = await handler(apiEvent('POST', `/orders/${orderId}/shipments`, { pathParameters: { orderId }, body: { lines: [{ sku: 'A', quantity: 2 }] } }), lambdaContext);
    const order = await getOrderModule.makeHandler(world.deps)(apiEvent('GET', `/orders/${orderId}`, { pathParameters: { orderId } }), lambdaContext);

    // Assess
    expect(response.statusCode).toBe(202);
    expect(bodyOf(response)).toMatchObject({ orderId, status: 'AWAITING_SHIPMENT', shipment: { lines: [{ lineNo: 1, sku: 'A', quantity: 2 }], invoiceId: null } });
    expect(bodyOf<{ lines: { shippedQuantity: number }[] }>(order).lines.map((l) => l.shippedQuantity)).toEqual([2, 0]);
  });

  it('answers 400 naming lines[i].quantity for more than remains to ship', async () => {
    // Prepare
    const { orderId } = await orderAwaitingShipment(world, { lines: [{ sku: 'A', quantity: 3, unitPrice: '1.00' }] });
    const handler = reportShipmentModule.makeHandler(world.deps, options());

    // Act
    const response = await handler(apiEvent('POST', `/orders/${orderId}/shipments`, { pathParameters: { orderId }, body: { lines: [{ lineNo: 1, quantity: 4 }] } }), lambdaContext);

    // Assess
    expect(response.statusCode).toBe(400);
    expect(errorOf(response)).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ field: 'lines[0].quantity', problem: 'must be at most 3, the quantity of line 1 not yet shipped' }] });
    expect(world.tables.orders.get(orderId)?.shipments).toEqual([]);
  });
});

describe('POST /orders/{orderId}/credit-decision', () => {
  const decide = (orderId: string, body: unknown, clientName = 'finance-desk') =>
    creditDecisionModule.makeHandler(world.deps, options())(
      apiEvent('POST', `/orders/${orderId}/credit-decision`, { pathParameters: { orderId }, body, role: 'finance', clientName }),
      lambdaContext,
    );

  beforeEach(() => {
    world.customers.seed(aCustomer({ customerId: 'C-1', creditLimitMinor: 5_000 }));
  });

  it('answers 200 for an approval, recording which client decided, and resumes the waiting execution', async () => {
    // Prepare
    const { orderId, creditToken } = await orderOnCreditHold(world);

    // Act
    const response = await decide(orderId, { decision: 'approve', reason: 'customer prepaid' });

    // Assess
    expect(response.statusCode).toBe(200);
    expect(bodyOf(response)).toEqual({ orderId, status: 'AWAITING_SHIPMENT', decision: 'approve', reason: 'customer prepaid' });
    expect(world.tables.orders.get(orderId)?.history.at(-1)?.note).toBe('credit approved by finance-desk: customer prepaid');
    expect(world.workflow.acceptedResumes(creditToken)).toHaveLength(1);
  });

  it('answers 200 REJECTED for a rejection', async () => {
    // Prepare
    const { orderId } = await orderOnCreditHold(world);

    // Act
    const response = await decide(orderId, { decision: 'reject', reason: 'no' });

    // Assess
    expect(response.statusCode).toBe(200);
    expect(bodyOf(response)).toMatchObject({ status: 'REJECTED', decision: 'reject' });
  });

  it('answers 400 naming decision for anything but approve or reject', async () => {
    // Prepare
    const { orderId } = await orderOnCreditHold(world);

    // Act
    const response = await decide(orderId, { decision: 'APPROVE', reason: 'ok' });

    // Assess
    expect(response.statusCode).toBe(400);
    expect(errorOf(response).details).toEqual([{ field: 'decision', problem: 'must be "approve" or "reject"' }]);
    expect(world.tables.orders.get(orderId)?.status).toBe('CREDIT_HOLD');
  });

  it('answers 409 ORDER_NOT_ON_CREDIT_HOLD once decided, and 404 for an unknown order', async () => {
    // Prepare
    const { orderId } = await orderOnCreditHold(world);
    await decide(orderId, { decision: 'approve', reason: 'ok' });

    // Act
    const conflict = await decide(orderId, { decision: 'reject', reason: 'second thoughts' });
    const missing = await decide('O-404', { decision: 'approve', reason: 'ok' });

    // Assess
    expect(conflict.statusCode).toBe(409);
    expect(errorOf(conflict).code).toBe('ORDER_NOT_ON_CREDIT_HOLD');
    expect(missing.statusCode).toBe(404);
  });

  it('replays the decision for the same Idempotency-Key instead of answering 409', async () => {
    // Prepare
    const { orderId } = await orderOnCreditHold(world);
    const event = () =>
      apiEvent('POST', `/orders/${orderId}/credit-decision`, { pathParameters: { orderId }, body: { decision: 'approve', reason: 'ok' }, role: 'finance', idempotencyKey: 'decision-1' });
    const handler = creditDecisionModule.makeHandler(world.deps, options());
    const first = await handler(event(), lambdaContext);

    // Act
    const again = await handler(event(), lambdaContext);

    // Assess
    expect(again.statusCode).toBe(200);
    expect(again.body).toBe(first.body);
    expect(again.headers?.['idempotent-replayed']).toBe('true');
    expect(world.workflow.resumes).toHaveLength(1);
  });
});

describe('POST /orders/{orderId}/cancel', () => {
  it('answers 200 CANCELLED before invoicing', async () => {
    // Prepare
    const { orderId } = await orderAwaitingShipment(world);
    const handler = cancelOrderModule.makeHandler(world.deps, options());

    // Act
    const response = await handler(apiEvent('POST', `/orders/${orderId}/cancel`, { pathParameters: { orderId }, body: { reason: 'duplicate' } }), lambdaContext);

    // Assess
    expect(response.statusCode).toBe(200);
    expect(bodyOf(response)).toEqual({ orderId, status: 'CANCELLED' });
  });

  it('answers 200 CANCELLED for an order on credit hold, failing the credit-decision step', async () => {
    // Prepare
    world.customers.seed(aCustomer({ customerId: 'C-1', creditLimitMinor: 100 }));
    const { orderId, creditToken } = await orderOnCreditHold(world);
    const handler = cancelOrderModule.makeHandler(world.deps, options());

    // Act
    const response = await handler(apiEvent('POST', `/orders/${orderId}/cancel`, { pathParameters: { orderId }, body: { reason: 'withdrawn' } }), lambdaContext);

    // Assess
    expect(response.statusCode).toBe(200);
    expect(world.workflow.failures).toEqual([{ taskToken: creditToken, error: 'OrderCancelled', cause: 'withdrawn', accepted: true }]);
  });

  it('answers 409 ORDER_NOT_CANCELLABLE after invoicing', async () => {
    // Prepare
    const { orderId } = await invoicedOrder(world);
    const handler = cancelOrderModule.makeHandler(world.deps, options());

    // Act
    const response = await handler(apiEvent('POST', `/orders/${orderId}/cancel`, { pathParameters: { orderId }, body: {} }), lambdaContext);

    // Assess
    expect(response.statusCode).toBe(409);
    expect(errorOf(response).code).toBe('ORDER_NOT_CANCELLABLE');
    expect(world.tables.orders.get(orderId)?.status).toBe('INVOICED');
  });
});
