import { beforeEach, describe, expect, it } from 'vitest';
import { issueInvoiceForShipment } from '../../../lambdas/core/orders/order-steps';
import { reportShipment } from '../../../lambdas/core/orders/orders';
import { orderAwaitingShipment } from '../../support/scenarios';
import { ledgerCheck } from '../../../lambdas/core/reports/ledger-check';
import { NotFoundError } from '../../../lambdas/core/errors';
import { isValidRfReference } from '../../../lambdas/core/references/rf-creditor-reference';
import { inMemoryWorld, type InMemoryWorld } from '../../support/in-memory';
import { SHOP, aCustomer } from '../../support/builders';

/** A placed order shipped in full, ready for the IssueInvoice step of its one shipment. */
async function shippedOrder(world: InMemoryWorld, overrides: Record<string, unknown> = {}): Promise<{ orderId: string; shipmentId: string }> {
  // Shipments are accepted once the credit check approved the order and it waits for them.
  const { orderId } = await orderAwaitingShipment(world, overrides);
  const { shipment } = await reportShipment(world.deps, SHOP, orderId, {});
  return { orderId, shipmentId: shipment.shipmentId };
}

describe('issuing the invoice of an order shipped in one shipment', () => {
  let world: InMemoryWorld;

  beforeEach(() => {
    world = inMemoryWorld({ start: '2026-03-02T09:00:00Z' });
    world.customers.seed(aCustomer({ customerId: 'C-1', paymentTermsDays: 30, name: 'Acme Retail GmbH' }));
  });

  it('issues INV-2026-000001 with a valid RF reference, due after the payment terms, and invoices the order', async () => {
    // Prepare
    const shipped = await shippedOrder(world, { lines: [{ sku: 'A', quantity: 2, unitPrice: '50.25' }] });

    // Act
    const summary = await issueInvoiceForShipment(world.deps, shipped);

    // Assess
    const { orderId } = shipped;
    expect(summary).toEqual({
      invoiceId: `${orderId}-I1`,
      number: 'INV-2026-000001',
      dueDate: '2026-04-01',
      overdueAt: '2026-04-01T22:00:00.000Z',
      secondsUntilOverdue: Math.ceil((Date.parse('2026-04-01T22:00:00.000Z') - Date.parse('2026-03-02T09:00:00Z')) / 1000),
      orderFullyShipped: true,
    });
    const invoice = world.tables.invoices.get(summary.invoiceId)!;
    expect(invoice).toMatchObject({ customerId: 'C-1', customerName: 'Acme Retail GmbH', currency: 'EUR', totalMinor: 10_050, balanceMinor: 10_050, paidMinor: 0, status: 'OPEN', issueDate: '2026-03-02' });
    expect(invoice.rfReference).toMatch(/^RF\d{2}INV2026000001$/);
    expect(isValidRfReference(invoice.rfReference)).toBe(true);
    const order = world.tables.orders.get(orderId)!;
    expect(order.status).toBe('INVOICED');
    expect(order.invoiceIds).toEqual([summary.invoiceId]);
    expect(order.history.at(-1)).toEqual({ status: 'INVOICED', at: '2026-03-02T09:00:00.000Z', note: `invoice INV-2026-000001 for shipment ${orderId}-S1` });
    expect(order).toMatchObject({ pendingShipments: 0, openInvoiceCount: 1, invoicedMinor: 10_050 });
    expect(order.shipments.map((s) => s.invoiceId)).toEqual([summary.invoiceId]);
    expect(world.tables.counters.get('INV-2026')).toBe(1);
  });

  it('posts receivables against revenue (no tax-payable line for an order without tax), and the books balance', async () => {
    // Prepare
    const shipped = await shippedOrder(world);

    // Act
    const { invoiceId } = await issueInvoiceForShipment(world.deps, shipped);

    // Assess
    expect(world.tables.ledger.map((r) => [r.account, r.side, r.amountMinor, r.reference])).toEqual([
      ['receivables', 'debit', 10_050, invoiceId],
      ['revenue', 'credit', 10_050, invoiceId],
    ]);
    expect(await ledgerCheck(world.deps)).toMatchObject({ balanced: true, receivablesControl: { EUR: '100.50' }, openItemsTotal: { EUR: '100.50' }, problems: [] });
  });

  it('numbers consecutive invoices of the series without gaps', async () => {
    // Prepare
    const first = await shippedOrder(world);
    const second = await shippedOrder(world);

    // Act
    const a = await issueInvoiceForShipment(world.deps, first);
    const b = await issueInvoiceForShipment(world.deps, second);

    // Assess
    expect([a.number, b.number]).toEqual(['INV-2026-000001', 'INV-2026-000002']);
  });

  it('returns the same invoice when the step runs again, taking no new number and posting nothing more', async () => {
    // Prepare
    const shipped = await shippedOrder(world);
    const first = await issueInvoiceForShipment(world.deps, shipped);
    world.clock.advanceDays(1);

    // Act
    const again = await issueInvoiceForShipment(world.deps, shipped);

    // Assess
    expect(again.invoiceId).toBe(first.invoiceId);
    expect(again.number).toBe(first.number);
    expect(again.dueDate).toBe(first.dueDate);
    expect(world.tables.invoices.size).toBe(1);
    expect(world.tables.counters.get('INV-2026')).toBe(1);
    expect(world.tables.ledger).toHaveLength(2);
  });

  it('returns the stored invoice when two runs of the same step race', async () => {
    // Prepare
    const shipped = await shippedOrder(world);

    // Act
    const [a, b] = await Promise.all([issueInvoiceForShipment(world.deps, shipped), issueInvoiceForShipment(world.deps, shipped)]);

    // Assess
    expect(a.number).toBe('INV-2026-000001');
    expect(b.number).toBe('INV-2026-000001');
    expect(world.tables.invoices.size).toBe(1);
    expect(world.tables.counters.get('INV-2026')).toBe(1);
    expect((await ledgerCheck(world.deps)).balanced).toBe(true);
  });

  it('dates the invoice in the business time zone: 23:30 UTC is already the next day in Europe/Berlin', async () => {
    // Prepare
    world.clock.set('2026-03-31T23:30:00Z'); // 01:30 on 1 April in Berlin (CEST, UTC+2)
    const shipped = await shippedOrder(world);

    // Act
    const summary = await issueInvoiceForShipment(world.deps, shipped);

    // Assess
    const invoice = world.tables.invoices.get(summary.invoiceId)!;
    expect(invoice.issueDate).toBe('2026-04-01');
    expect(invoice.dueDate).toBe('2026-05-01');
    expect(invoice.overdueAt).toBe('2026-05-01T22:00:00.000Z');
  });

  it('starts the next year series at New Year in the business time zone, not in UTC', async () => {
    // Prepare
    world.clock.set('2026-12-31T23:30:00Z'); // 00:30 on 1 January 2027 in Berlin (CET, UTC+1)
    const shipped = await shippedOrder(world);

    // Act
    const summary = await issueInvoiceForShipment(world.deps, shipped);

    // Assess
    expect(summary.number).toBe('INV-2027-000001');
    expect(world.tables.invoices.get(summary.invoiceId)?.issueDate).toBe('2027-01-01');
  });

  it('counts the due date in calendar days across the change to summer time', async () => {
    // Prepare
    world.customers.seed(aCustomer({ customerId: 'C-1', paymentTermsDays: 14 }));
    world.clock.set('2026-03-20T10:00:00Z');
    const shipped = await shippedOrder(world);

    // Act
    const summary = await issueInvoiceForShipment(world.deps, shipped);

    // Assess
    expect(summary.dueDate).toBe('2026-04-03');
    expect(summary.overdueAt).toBe('2026-04-03T22:00:00.000Z');
  });

  it('is due the same day with payment terms of 0 days', async () => {
    // Prepare
    world.customers.seed(aCustomer({ customerId: 'C-1', paymentTermsDays: 0 }));
    world.clock.set('2026-01-15T08:00:00Z');
    const shipped = await shippedOrder(world);

    // Act
    const summary = await issueInvoiceForShipment(world.deps, shipped);

    // Assess
    expect(summary.dueDate).toBe('2026-01-15');
    expect(summary.overdueAt).toBe('2026-01-15T23:00:00.000Z');
  });

  it('reports an unknown order as not found', async () => {
    // Act
    const error = await issueInvoiceForShipment(world.deps, { orderId: 'O-404', shipmentId: 'O-404-S1' }).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(NotFoundError);
    expect(world.tables.counters.size).toBe(0);
  });

  it('reports a shipment the order does not have as not found, taking no number', async () => {
    // Prepare
    const { orderId } = await shippedOrder(world);

    // Act
    const error = await issueInvoiceForShipment(world.deps, { orderId, shipmentId: 'S-404' }).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({ entity: 'Shipment', id: 'S-404' });
    expect(world.tables.counters.size).toBe(0);
    expect(world.tables.invoices.size).toBe(0);
  });
});

describe('issuing under concurrency', () => {
  it('keeps the series gapless and unique when 50 invoices are issued at once and their numbers collide', async () => {
    // Prepare
    const world = inMemoryWorld({ start: '2026-06-15T10:00:00Z', latency: () => new Promise((resolve) => setTimeout(resolve, 1)) });
    world.customers.seed(aCustomer({ customerId: 'C-1' }));
    const shipments: { orderId: string; shipmentId: string }[] = [];
    for (let i = 0; i < 50; i++) shipments.push(await shippedOrder(world));

    // Act
    const results = await Promise.all(shipments.map((shipped) => issueInvoiceForShipment(world.deps, shipped)));

    // Assess
    const numbers = results.map((r) => r.number).sort();
    const expected = Array.from({ length: 50 }, (_, i) => `INV-2026-${String(i + 1).padStart(6, '0')}`);
    expect(numbers).toEqual(expected);
    expect(world.tables.counters.get('INV-2026')).toBe(50);
    expect(world.tables.stats.sequenceTaken).toBeGreaterThan(0);
    const invoices = [...world.tables.invoices.values()];
    expect(new Set(invoices.map((i) => i.rfReference)).size).toBe(50);
    expect(invoices.every((i) => isValidRfReference(i.rfReference))).toBe(true);
    expect((await ledgerCheck(world.deps)).balanced).toBe(true);
  });
});
