import { describe, expect, it } from 'vitest';
import { recordPayment } from '../../../../lambdas/core/payments/record-payment';
import { ValidationError } from '../../../../lambdas/core/errors';
import { inMemoryWorld } from '../../../support/in-memory';
import { SHOP, aCustomer, paymentRequest } from '../../../support/builders';
import { invoicedOrder } from '../../../support/scenarios';

describe('a payment naming the same invoice twice', () => {
  it('is refused as bad input (400) or applied once, not written as two updates of one item', async () => {
    // Prepare
    const world = inMemoryWorld();
    world.customers.seed(aCustomer());
    const { invoice } = await invoicedOrder(world);

    // Act
    const outcome = await recordPayment(world.deps, SHOP, paymentRequest({ amount: '150.00', invoiceIds: [invoice.invoiceId, invoice.invoiceId] })).then(
      ({ payment: view }) => ({ view }),
      (error: unknown) => ({ error }),
    );

    // Assess
    if ('error' in outcome) expect(outcome.error).toBeInstanceOf(ValidationError);
    else expect(outcome.view.allocations).toHaveLength(1);
  });
});
