import { describe, expect, it } from 'vitest';
import { cancelOrder, placeOrder } from '../../../../lambdas/core/orders/orders';
import { OrderCancelledError, waitForShipment } from '../../../../lambdas/core/orders/order-steps';
import { getCustomer, putCustomer } from '../../../../lambdas/core/customers/customers';
import { inMemoryWorld } from '../../../support/in-memory';
import { FINANCE, SHOP, aCustomer, customerRequest, orderRequest } from '../../../support/builders';

describe('cancel racing the WaitForShipment step', () => {
  it('either ends the step as OrderCancelled or fails its token', async () => {
    // Prepare
    const world = inMemoryWorld();
    world.customers.seed(aCustomer());
    const { orderId } = await placeOrder(world.deps, SHOP, orderRequest());
    const token = world.workflow.newTaskToken('shipment');

    // Act: the step stores its token between cancel's token read and cancel's transition
    const [, step] = await Promise.all([
      cancelOrder(world.deps, SHOP, orderId, {}),
      waitForShipment(world.deps, { orderId, taskToken: token }).then((r) => r, (e: unknown) => e),
    ]);

    // Assess
    expect(world.tables.orders.get(orderId)?.status).toBe('CANCELLED');
    const stepEnded = step instanceof OrderCancelledError;
    const tokenFailed = world.workflow.failures.some((f) => f.taskToken === token && f.accepted);
    // The step either threw OrderCancelled (its task fails, the machine goes to OrderCancelled) or
    // stored its token first, and then the cancel failed that token.
    expect(stepEnded || tokenFailed, JSON.stringify({ stepEnded, tokenFailed })).toBe(true);
    expect(stepEnded && tokenFailed).toBe(false);
  });
});

describe('currency change while orders in the old currency are not invoiced yet', () => {
  it('refuses the change (or never sums amounts of two currencies in the exposure)', async () => {
    // Prepare
    const world = inMemoryWorld();
    world.customers.seed(aCustomer({ customerId: 'C-1', currency: 'EUR' }));
    await placeOrder(world.deps, SHOP, orderRequest()); // 100.50 EUR accepted, not invoiced

    // Act
    const outcome = await putCustomer(world.deps, FINANCE, 'C-1', customerRequest({ currency: 'JPY', creditLimit: '100000' })).catch((e: unknown) => e);

    // Assess
    if (!(outcome instanceof Error)) {
      expect((await getCustomer(world.deps, SHOP, 'C-1')).exposure).not.toBe('10050');
    }
    expect(outcome).toBeInstanceOf(Error);
  });
});
