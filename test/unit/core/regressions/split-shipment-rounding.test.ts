import { describe, expect, it } from 'vitest';
import { inMemoryWorld } from '../../../support/in-memory';
import { aCustomer } from '../../../support/builders';
import { orderAwaitingShipment, shipAndInvoice } from '../../../support/scenarios';

describe('an order line shipped in parts', () => {
  it('is invoiced part by part, each invoice with its VAT rounded once on its own nets (EN 16931 BR-CO-17), never releasing more credit than was reserved', async () => {
    // Prepare: 2 x 0.50 at 19 %: the order's VAT is 0.19; each invoice is a VAT document of its own,
    // and its VAT is 0.095 -> 0.10 (an invoice cannot carry 0.09 on 0.50 to make the order's sum)
    const world = inMemoryWorld({ start: '2026-03-02T09:00:00Z' });
    world.customers.seed(aCustomer());
    const { orderId } = await orderAwaitingShipment(world, { lines: [{ sku: 'PEN', quantity: 2, unitPrice: '0.50', taxRate: '19' }] });

    // Act
    const first = await shipAndInvoice(world, orderId, { lines: [{ lineNo: 1, quantity: 1 }] });
    const second = await shipAndInvoice(world, orderId, {});

    // Assess
    const order = world.tables.orders.get(orderId)!;
    const invoices = [first, second].map((s) => world.tables.invoices.get(s.issued.invoiceId)!);
    expect(order.totalMinor).toBe(119);
    expect(invoices.map((i) => [i.netTotalMinor, i.taxTotalMinor, i.totalMinor])).toEqual([
      [50, 10, 60],
      [50, 10, 60],
    ]);
    expect(invoices.map((i) => i.vatBreakdown)).toEqual([
      [{ vatCategory: 'S', ratePercent: '19', netMinor: 50, taxMinor: 10, exemptionReason: null, exemptionCode: null }],
      [{ vatCategory: 'S', ratePercent: '19', netMinor: 50, taxMinor: 10, exemptionReason: null, exemptionCode: null }],
    ]);
    expect(world.tables.customers.get('C-1')!.creditReservedMinor ?? 0).toBe(0);
  });
});
