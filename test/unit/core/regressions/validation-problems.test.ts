import { describe, expect, it } from 'vitest';
import { placeOrder } from '../../../../lambdas/core/orders/orders';
import { ValidationError } from '../../../../lambdas/core/errors';
import { inMemoryWorld } from '../../../support/in-memory';
import { SHOP, aCustomer, orderRequest } from '../../../support/builders';

describe('wrong types are named as such, not as missing', () => {
  it('says a fractional quantity must be a whole number', async () => {
    // Prepare
    const world = inMemoryWorld();
    world.customers.seed(aCustomer());

    // Act
    const error = await placeOrder(world.deps, SHOP, orderRequest({ lines: [{ sku: 'A', quantity: 1.5, unitPrice: '1.00' }] })).catch((e: unknown) => e);

    // Assess
    expect((error as ValidationError).problems).toEqual([{ field: 'lines[0].quantity', problem: 'must be a whole number' }]);
  });

  it('does not call a quantity given as a string "required"', async () => {
    // Prepare
    const world = inMemoryWorld();
    world.customers.seed(aCustomer());

    // Act
    const error = await placeOrder(world.deps, SHOP, orderRequest({ lines: [{ sku: 'A', quantity: '2', unitPrice: '1.00' }] })).catch((e: unknown) => e);

    // Assess
    expect((error as ValidationError).problems[0]?.problem).not.toBe('is required');
  });
});
