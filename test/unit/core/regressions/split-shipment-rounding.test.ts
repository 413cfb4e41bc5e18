import { describe, expect, it } from 'vitest';
import { inMemoryWorld } from '../../../support/in-memory';
import { aCustomer } from '../../../support/builders';
import { orderAwaitingShipment, shipAndInvoice } from '../../../support/scenarios';

describe('an order line shipped in parts', () => {
  it('is invoiced in total for what the order says (per-line rounding of each part adds up differently)', async () => {
    // Prepare: 2 x 0.50 at 19 %: the order line's tax is 0.19; each half's tax 0.095 rounds to 0.10
    const world = inMemoryWorld({ start: '2026-03-02T09:00:00Z' });
    world.customers.seed(aCustomer());
    const { orderId } = await orderAwaitingShipment(world, { lines: [{ sku: 'PEN', quantity: 2, unitPrice: '0.50', taxRate: '19' }] });

    // Act
    const first = await shipAndInvoice(world, orderId, { lines: [{ lineNo: 1, quantity: 1 }] });
    const second = await shipAndInvoice(world, orderId, {});

    // Assess
    const order = world.tables.orders.get(orderId)!;
    const invoiced = world.tables.invoices.get(first.issued.invoiceId)!.totalMinor + world.tables.invoices.get(second.issued.invoiceId)!.totalMinor;
    expect(order.totalMinor).toBe(119);
    expect(invoiced).toBe(order.totalMinor);
  });
});
