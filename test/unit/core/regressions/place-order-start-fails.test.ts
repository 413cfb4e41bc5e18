import { describe, expect, it } from 'vitest';
import { placeOrder } from '../../../../lambdas/core/orders/orders';
import { getCustomer } from '../../../../lambdas/core/customers/customers';
import { inMemoryWorld } from '../../../support/in-memory';
import { SHOP, aCustomer, orderRequest } from '../../../support/builders';

describe('placeOrder when its lifecycle cannot start', () => {
  it('does not keep the order (as its TSDoc promises) when the execution start fails', async () => {
    // Prepare
    const world = inMemoryWorld();
    world.customers.seed(aCustomer());
    world.workflow.failNextStart(new Error('ThrottlingException'));

    // Act
    const outcome = await placeOrder(world.deps, SHOP, orderRequest()).catch((e: unknown) => e);

    // Assess
    expect(outcome).toBeInstanceOf(Error);
    expect(world.tables.orders.size).toBe(0);
  });

  it('a retry after the failed start leaves one order, not an orphan counted in the exposure', async () => {
    // Prepare
    const world = inMemoryWorld();
    world.customers.seed(aCustomer());
    world.workflow.failNextStart(new Error('ThrottlingException'));
    await placeOrder(world.deps, SHOP, orderRequest()).catch(() => undefined);

    // Act
    await placeOrder(world.deps, SHOP, orderRequest());

    // Assess
    expect(world.tables.orders.size).toBe(1);
    expect((await getCustomer(world.deps, SHOP, 'C-1')).exposure).toBe('100.50');
  });
});
