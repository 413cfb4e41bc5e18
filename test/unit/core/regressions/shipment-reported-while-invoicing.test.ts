import { describe, expect, it } from 'vitest';
import { reportShipment } from '../../../../lambdas/core/orders/orders';
import { completeOrder, issueInvoiceForShipment, recordInvoiceSettled, waitForOrderSettlement, waitForPayment } from '../../../../lambdas/core/orders/order-steps';
import { recordPayment } from '../../../../lambdas/core/payments/record-payment';
import { inMemoryWorld } from '../../../support/in-memory';
import { SHOP, aCustomer, paymentRequest } from '../../../support/builders';
import { orderAwaitingShipment } from '../../../support/scenarios';

const TWO_LINES = {
  lines: [
    { sku: 'CHAIR', quantity: 3, unitPrice: '10.00', taxRate: '19' },
    { sku: 'BOOK', quantity: 2, unitPrice: '5.00', taxRate: '7' },
  ],
};

describe('the rest of an order shipped while the first shipment is being invoiced', () => {
  it('does not tell the state machine the order is fully shipped while a reported shipment is not invoiced', async () => {
    // Prepare: WaitForShipment was resumed with S-1; S-2 (the rest) arrives before IssueInvoice(S-1) runs
    const world = inMemoryWorld({ start: '2026-03-02T09:00:00Z' });
    world.customers.seed(aCustomer());
    const { orderId } = await orderAwaitingShipment(world, TWO_LINES);
    await reportShipment(world.deps, SHOP, orderId, { shipmentId: 'S-1', lines: [{ lineNo: 1, quantity: 1 }] });
    await reportShipment(world.deps, SHOP, orderId, { shipmentId: 'S-2' });

    // Act
    const issued = await issueInvoiceForShipment(world.deps, { orderId, shipmentId: 'S-1' });

    // Assess: IsEverythingShipped must go back to WaitForShipment so that S-2 gets its invoice
    expect(world.tables.orders.get(orderId)).toMatchObject({ status: 'PARTIALLY_SHIPPED', pendingShipments: 1 });
    expect(issued.orderFullyShipped).toBe(false);
  });

  it('(as the state machine plays it today) ends with S-2 never invoiced and CompleteOrder failing', async () => {
    // Prepare
    const world = inMemoryWorld({ start: '2026-03-02T09:00:00Z' });
    world.customers.seed(aCustomer());
    const { orderId } = await orderAwaitingShipment(world, TWO_LINES);
    await reportShipment(world.deps, SHOP, orderId, { shipmentId: 'S-1', lines: [{ lineNo: 1, quantity: 1 }] });
    await reportShipment(world.deps, SHOP, orderId, { shipmentId: 'S-2' });
    const issued = await issueInvoiceForShipment(world.deps, { orderId, shipmentId: 'S-1' });
    if (!issued.orderFullyShipped) return; // fixed: the machine goes back to WaitForShipment
    // IsEverythingShipped -> AwaitOrderSettlement; the settlement execution of S-1's invoice waits for its payment
    const settlementToken = world.workflow.newTaskToken('settlement');
    await waitForOrderSettlement(world.deps, { orderId, taskToken: settlementToken });
    await waitForPayment(world.deps, { invoiceId: issued.invoiceId, taskToken: world.workflow.newTaskToken('payment') });
    await recordPayment(world.deps, SHOP, paymentRequest({ amount: '11.90', reference: issued.number }));
    await recordInvoiceSettled(world.deps, { orderId, invoiceId: issued.invoiceId });

    // Act
    const outcome = await completeOrder(world.deps, { orderId }).then((r) => r, (e: unknown) => e);

    // Assess
    expect(outcome).toEqual({ status: 'COMPLETED' });
    expect(world.tables.orders.get(orderId)?.shipments.find((s) => s.shipmentId === 'S-2')?.invoiceId).not.toBeNull();
  });
});
