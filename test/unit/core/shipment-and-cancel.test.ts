import { beforeEach, describe, expect, it } from 'vitest';
import { cancelOrder, placeOrder, reportShipment } from '../../../lambdas/core/orders/orders';
import { issueInvoiceForShipment, OrderCancelledError, waitForShipment } from '../../../lambdas/core/orders/order-steps';
import { ConflictError, NotFoundError, ValidationError } from '../../../lambdas/core/errors';
import { inMemoryWorld, type InMemoryWorld } from '../../support/in-memory';
import { SHOP, aCustomer, orderRequest } from '../../support/builders';
import { invoicedOrder, orderAwaitingShipment } from '../../support/scenarios';

describe('shipment: the order execution resumes exactly once whatever arrives first', () => {
  let world: InMemoryWorld;

  beforeEach(() => {
    world = inMemoryWorld({ start: '2026-03-02T09:00:00Z' });
    world.customers.seed(aCustomer());
  });

  it('resumes the waiting execution when the shipment is reported after the execution waits', async () => {
    // Prepare
    const { orderId, shipmentToken } = await orderAwaitingShipment(world);
    expect(world.tables.orders.get(orderId)?.status).toBe('AWAITING_SHIPMENT');
    world.clock.set('2026-03-03T15:00:00Z');

    // Act
    const result = await reportShipment(world.deps, SHOP, orderId, { shipmentId: 'SHIP-1', carrier: 'DHL', trackingNumber: '00340434', shippedAt: '2026-03-03T14:00:00+01:00' });

    // Assess
    expect(result).toMatchObject({ orderId, status: 'AWAITING_SHIPMENT', shipment: { shipmentId: 'SHIP-1', shippedAt: '2026-03-03T13:00:00.000Z', carrier: 'DHL', trackingNumber: '00340434', reportedAt: '2026-03-03T15:00:00.000Z' } });
    expect(world.workflow.resumes).toEqual([{ taskToken: shipmentToken, output: { shipmentId: 'SHIP-1' }, accepted: true }]);
  });

  it('refuses a shipment before the credit check approved the order, naming its status, and records nothing', async () => {
    // Prepare
    const { orderId } = await placeOrder(world.deps, SHOP, orderRequest());

    // Act
    const error = await reportShipment(world.deps, SHOP, orderId, {}).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).code).toBe('ORDER_NOT_SHIPPABLE');
    expect((error as ConflictError).message).toContain('is RECEIVED: a shipment is accepted once the credit check has approved the order');
    expect(world.tables.orders.get(orderId)?.shipments).toEqual([]);
  });

  it('resumes at once when the next shipment was reported before the execution reached the waiting step', async () => {
    // Prepare: the first of two lines shipped and invoiced; the second shipment comes before the next wait.
    const { orderId } = await orderAwaitingShipment(world, { lines: [{ sku: 'A', quantity: 1, unitPrice: '10.00' }, { sku: 'B', quantity: 1, unitPrice: '5.00' }] });
    const { shipment: first } = await reportShipment(world.deps, SHOP, orderId, { lines: [{ sku: 'A', quantity: 1 }] });
    await issueInvoiceForShipment(world.deps, { orderId, shipmentId: first.shipmentId });
    await reportShipment(world.deps, SHOP, orderId, { shipmentId: 'SHIP-2' });
    const before = world.workflow.resumes.length;
    const shipmentToken = world.workflow.newTaskToken('shipment');

    // Act
    const result = await waitForShipment(world.deps, { orderId, taskToken: shipmentToken });

    // Assess
    expect(result).toEqual({ waiting: false });
    expect(world.workflow.resumes.slice(before)).toEqual([{ taskToken: shipmentToken, output: { shipmentId: 'SHIP-2' }, accepted: true }]);
    expect(world.tables.orderTaskTokens.has(orderId)).toBe(false);
  });

  it('resumes exactly once when the report and the waiting step run concurrently', async () => {
    // Prepare: the order waits for its next shipment after a partial one was invoiced.
    const { orderId } = await orderAwaitingShipment(world, { lines: [{ sku: 'A', quantity: 1, unitPrice: '10.00' }, { sku: 'B', quantity: 1, unitPrice: '5.00' }] });
    const { shipment: first } = await reportShipment(world.deps, SHOP, orderId, { lines: [{ sku: 'A', quantity: 1 }] });
    await issueInvoiceForShipment(world.deps, { orderId, shipmentId: first.shipmentId });
    const shipmentToken = world.workflow.newTaskToken('shipment');

    // Act
    await Promise.all([waitForShipment(world.deps, { orderId, taskToken: shipmentToken }), reportShipment(world.deps, SHOP, orderId, { shipmentId: 'SHIP-2' })]);

    // Assess
    expect(world.workflow.acceptedResumes().filter((r) => r.taskToken === shipmentToken)).toEqual([{ taskToken: shipmentToken, output: { shipmentId: 'SHIP-2' }, accepted: true }]);
  });

  it('finds a shipment reported by an earlier attempt of the same request (its Idempotency-Key), and records no second one', async () => {
    // Prepare
    const { orderId } = await orderAwaitingShipment(world, { lines: [{ sku: 'A', quantity: 2, unitPrice: '10.00' }] });
    const first = await reportShipment(world.deps, SHOP, orderId, { lines: [{ sku: 'A', quantity: 1 }] }, 'request-1');

    // Act
    const again = await reportShipment(world.deps, SHOP, orderId, { lines: [{ sku: 'A', quantity: 1 }] }, 'request-1');

    // Assess
    expect(again.shipment.shipmentId).toBe(first.shipment.shipmentId);
    expect(world.tables.orders.get(orderId)?.shipments).toHaveLength(1);
  });

  it('treats a second report of the same shipment as the first and resumes nothing more', async () => {
    // Prepare
    const { orderId } = await orderAwaitingShipment(world);
    const first = await reportShipment(world.deps, SHOP, orderId, { shipmentId: 'SHIP-1' });

    // Act
    const second = await reportShipment(world.deps, SHOP, orderId, { shipmentId: 'SHIP-1' });

    // Assess
    expect(second.shipment).toEqual(first.shipment);
    expect(world.tables.orders.get(orderId)?.shipments).toHaveLength(1);
    expect(world.workflow.acceptedResumes()).toHaveLength(1);
  });

  it('refuses another shipment once a report without lines shipped everything, with 409 ORDER_NOT_SHIPPABLE', async () => {
    // Prepare
    const { orderId } = await orderAwaitingShipment(world);
    await reportShipment(world.deps, SHOP, orderId, { shipmentId: 'SHIP-1' });

    // Act
    const error = await reportShipment(world.deps, SHOP, orderId, { shipmentId: 'SHIP-2' }).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).code).toBe('ORDER_NOT_SHIPPABLE');
    expect(world.tables.orders.get(orderId)?.shipments.map((s) => s.shipmentId)).toEqual(['SHIP-1']);
  });

  it('refuses a shipment of a cancelled order', async () => {
    // Prepare
    const { orderId } = await orderAwaitingShipment(world);
    await cancelOrder(world.deps, SHOP, orderId, {});

    // Act
    const error = await reportShipment(world.deps, SHOP, orderId, {}).catch((e: unknown) => e);

    // Assess
    expect((error as ConflictError).code).toBe('ORDER_NOT_SHIPPABLE');
    expect(world.tables.orders.get(orderId)?.shipments).toEqual([]);
  });

  it('refuses a shipment with a shippedAt that is not an instant, naming it', async () => {
    // Prepare
    const { orderId } = await orderAwaitingShipment(world);

    // Act
    const error = await reportShipment(world.deps, SHOP, orderId, { shippedAt: 'yesterday' }).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).problems.map((p) => p.field)).toEqual(['shippedAt']);
    expect(world.tables.orders.get(orderId)?.shipments).toEqual([]);
    expect(world.workflow.resumes).toEqual([]);
  });

  it('reports a shipment of an unknown order as not found', async () => {
    // Act
    const error = await reportShipment(world.deps, SHOP, 'O-404', {}).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(NotFoundError);
  });
});

describe('cancelling an order', () => {
  let world: InMemoryWorld;

  beforeEach(() => {
    world = inMemoryWorld({ start: '2026-03-02T09:00:00Z' });
    world.customers.seed(aCustomer());
  });

  it('cancels an order waiting for its shipment and fails the waiting step with OrderCancelled', async () => {
    // Prepare
    const { orderId, shipmentToken } = await orderAwaitingShipment(world);
    world.clock.set('2026-03-02T10:00:00Z');

    // Act
    const result = await cancelOrder(world.deps, SHOP, orderId, { reason: 'customer changed their mind' });

    // Assess
    expect(result).toEqual({ orderId, status: 'CANCELLED' });
    const order = world.tables.orders.get(orderId);
    expect(order?.status).toBe('CANCELLED');
    expect(order?.history.at(-1)).toEqual({ status: 'CANCELLED', at: '2026-03-02T10:00:00.000Z', note: 'customer changed their mind' });
    expect(world.workflow.isWaiting(shipmentToken)).toBe(false);
    expect(world.workflow.failures).toEqual([{ taskToken: shipmentToken, error: 'OrderCancelled', cause: 'customer changed their mind', accepted: true }]);
  });

  it('cancels an order whose execution has not reached the waiting step; the step then ends it as cancelled', async () => {
    // Prepare
    const { orderId } = await placeOrder(world.deps, SHOP, orderRequest());

    // Act
    await cancelOrder(world.deps, SHOP, orderId, undefined);
    const step = waitForShipment(world.deps, { orderId, taskToken: world.workflow.newTaskToken('shipment') });

    // Assess
    await expect(step).rejects.toBeInstanceOf(OrderCancelledError);
    await expect(step).rejects.toMatchObject({ name: 'OrderCancelled' });
    expect(world.tables.orders.get(orderId)?.history.at(-1)?.note).toBe('cancelled by the storefront');
    expect(world.workflow.failures).toEqual([]);
  });

  it('refuses to cancel an invoiced order with 409 ORDER_NOT_CANCELLABLE and changes nothing', async () => {
    // Prepare
    const { orderId } = await invoicedOrder(world);
    const before = structuredClone(world.tables.orders.get(orderId));

    // Act
    const error = await cancelOrder(world.deps, SHOP, orderId, {}).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).code).toBe('ORDER_NOT_CANCELLABLE');
    expect(world.tables.orders.get(orderId)).toEqual(before);
    expect(world.workflow.failures).toEqual([]);
  });

  it('refuses to cancel a shipped order on its way to invoicing', async () => {
    // Prepare
    const { orderId } = await orderAwaitingShipment(world);
    await reportShipment(world.deps, SHOP, orderId, {});

    // Act
    const error = await cancelOrder(world.deps, SHOP, orderId, {}).catch((e: unknown) => e);

    // Assess
    expect((error as ConflictError).code).toBe('ORDER_NOT_CANCELLABLE');
    expect(world.tables.orders.get(orderId)?.status).toBe('AWAITING_SHIPMENT');
  });

  it('refuses to cancel twice', async () => {
    // Prepare
    const { orderId } = await orderAwaitingShipment(world);
    await cancelOrder(world.deps, SHOP, orderId, {});

    // Act
    const error = await cancelOrder(world.deps, SHOP, orderId, {}).catch((e: unknown) => e);

    // Assess
    expect((error as ConflictError).code).toBe('ORDER_NOT_CANCELLABLE');
    expect(world.workflow.failures).toHaveLength(1);
  });

  it('reports an unknown order as not found', async () => {
    // Act
    const error = await cancelOrder(world.deps, SHOP, 'O-404', {}).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(NotFoundError);
  });
});
