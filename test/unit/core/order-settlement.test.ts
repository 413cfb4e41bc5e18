import { beforeEach, describe, expect, it } from 'vitest';
import { completeOrder, InvoiceNotSettledError, recordInvoiceSettled, waitForOrderSettlement, waitForShipment } from '../../../lambdas/core/orders/order-steps';
import { recordPayment } from '../../../lambdas/core/payments/record-payment';
import { ConflictError } from '../../../lambdas/core/errors';
import { inMemoryWorld, type InMemoryWorld } from '../../support/in-memory';
import { SHOP, aCustomer, paymentRequest } from '../../support/builders';
import { orderAwaitingShipment, shipAndInvoice } from '../../support/scenarios';

/** 3 chairs at 10.00 and 2 books at 5.00, no tax: 40.00 EUR. */
const TWO_LINES = {
  lines: [
    { sku: 'CHAIR', quantity: 3, unitPrice: '10.00' },
    { sku: 'BOOK', quantity: 2, unitPrice: '5.00' },
  ],
};

/**
 * An order shipped and invoiced in two shipments (chairs 30.00, then books 10.00); each invoice's
 * settlement execution waits for its payment.
 */
async function orderInvoicedInTwo(world: InMemoryWorld) {
  const { orderId } = await orderAwaitingShipment(world, TWO_LINES);
  const first = await shipAndInvoice(world, orderId, { shipmentId: 'S-1', lines: [{ sku: 'CHAIR', quantity: 3 }] });
  const second = await shipAndInvoice(world, orderId, { shipmentId: 'S-2' });
  return { orderId, first, second };
}

/** Plays a payment settling the invoice and its settlement execution counting it on the order. */
async function pay(world: InMemoryWorld, orderId: string, invoice: { invoiceId: string; number: string }, amount: string) {
  await recordPayment(world.deps, SHOP, paymentRequest({ amount, reference: invoice.number }));
  return recordInvoiceSettled(world.deps, { orderId, invoiceId: invoice.invoiceId });
}

describe('order settlement', () => {
  let world: InMemoryWorld;

  beforeEach(() => {
    world = inMemoryWorld({ start: '2026-03-02T09:00:00Z' });
    world.customers.seed(aCustomer({ customerId: 'C-1' }));
  });

  it('resumes the payment wait of the invoice (its settlement execution), not the order execution', async () => {
    // Prepare
    const { orderId, first } = await orderInvoicedInTwo(world);
    const settlementToken = world.workflow.newTaskToken('settlement');
    await waitForOrderSettlement(world.deps, { orderId, taskToken: settlementToken });
    world.workflow.forgetCalls();

    // Act
    await recordPayment(world.deps, SHOP, paymentRequest({ amount: '30.00', reference: first.issued.number }));

    // Assess
    expect(world.workflow.resumes).toEqual([{ taskToken: first.paymentToken, output: { invoiceId: first.issued.invoiceId, status: 'PAID' }, accepted: true }]);
    expect(world.workflow.isWaiting(settlementToken)).toBe(true);
    expect(world.tables.orders.get(orderId)?.openInvoiceCount).toBe(2);
  });

  it('counts each settled invoice once, however often its settlement execution reports it', async () => {
    // Prepare
    const { orderId, first } = await orderInvoicedInTwo(world);
    const counted = await pay(world, orderId, first.issued, '30.00');

    // Act
    await recordInvoiceSettled(world.deps, { orderId, invoiceId: first.issued.invoiceId });
    await recordInvoiceSettled(world.deps, { orderId, invoiceId: first.issued.invoiceId });

    // Assess
    expect(counted).toEqual({ openInvoices: 1 });
    expect(world.tables.orders.get(orderId)?.openInvoiceCount).toBe(1);
  });

  it('resumes the order execution waiting for settlement only when its last open invoice settles, then completes it', async () => {
    // Prepare
    const { orderId, first, second } = await orderInvoicedInTwo(world);
    const settlementToken = world.workflow.newTaskToken('settlement');
    const waiting = await waitForOrderSettlement(world.deps, { orderId, taskToken: settlementToken });

    // Act
    const afterFirst = await pay(world, orderId, first.issued, '30.00');
    const resumedAfterFirst = world.workflow.acceptedResumes(settlementToken).length;
    const afterSecond = await pay(world, orderId, second.issued, '10.00');
    const completed = await completeOrder(world.deps, { orderId });

    // Assess
    expect(waiting).toEqual({ waiting: true });
    expect(afterFirst).toEqual({ openInvoices: 1 });
    expect(resumedAfterFirst).toBe(0);
    expect(afterSecond).toEqual({ openInvoices: 0 });
    expect(world.workflow.acceptedResumes(settlementToken)).toEqual([{ taskToken: settlementToken, output: { settled: true }, accepted: true }]);
    expect(completed).toEqual({ status: 'COMPLETED' });
    expect(world.tables.orders.get(orderId)?.history.at(-1)).toMatchObject({ status: 'COMPLETED', note: 'everything shipped, every invoice settled' });
  });

  it('resumes at once when every invoice is settled before the execution waits for the settlement', async () => {
    // Prepare
    const { orderId, first, second } = await orderInvoicedInTwo(world);
    await pay(world, orderId, first.issued, '30.00');
    await pay(world, orderId, second.issued, '10.00');
    const settlementToken = world.workflow.newTaskToken('settlement');

    // Act
    const result = await waitForOrderSettlement(world.deps, { orderId, taskToken: settlementToken });

    // Assess
    expect(result).toEqual({ waiting: false });
    expect(world.workflow.acceptedResumes(settlementToken)).toEqual([{ taskToken: settlementToken, output: { settled: true }, accepted: true }]);
    expect(await world.orders.taskToken(orderId, 'settlement')).toBeUndefined();
  });

  it('resumes exactly once when the last settlement and the waiting step run concurrently', async () => {
    const seen = new Set<boolean>();
    for (const [stepDelay, settleDelay] of [[0, 0], [0, 2], [0, 4], [2, 0], [4, 0]] as const) {
      // Prepare
      const racing = inMemoryWorld({ start: '2026-03-02T09:00:00Z', latency: () => new Promise((r) => setTimeout(r, 1)) });
      racing.customers.seed(aCustomer({ customerId: 'C-1' }));
      const { orderId, first, second } = await orderInvoicedInTwo(racing);
      await pay(racing, orderId, first.issued, '30.00');
      await recordPayment(racing.deps, SHOP, paymentRequest({ amount: '10.00', reference: second.issued.number }));
      const token = racing.workflow.newTaskToken('settlement');
      const after = (ms: number) => new Promise((r) => setTimeout(r, ms));

      // Act
      const [step] = await Promise.all([
        after(stepDelay).then(() => waitForOrderSettlement(racing.deps, { orderId, taskToken: token })),
        after(settleDelay).then(() => recordInvoiceSettled(racing.deps, { orderId, invoiceId: second.issued.invoiceId })),
      ]);

      // Assess
      seen.add(step.waiting);
      expect(racing.workflow.acceptedResumes(token), `step after ${stepDelay}ms, settlement after ${settleDelay}ms`).toHaveLength(1);
    }
    expect([...seen].sort()).toEqual([false, true]);
  });

  it('counts two invoices settled at the same time both, resuming the waiting execution once', async () => {
    // Prepare
    const racing = inMemoryWorld({ start: '2026-03-02T09:00:00Z', latency: () => new Promise((r) => setTimeout(r, 1)) });
    racing.customers.seed(aCustomer({ customerId: 'C-1' }));
    const { orderId, first, second } = await orderInvoicedInTwo(racing);
    const token = racing.workflow.newTaskToken('settlement');
    await waitForOrderSettlement(racing.deps, { orderId, taskToken: token });
    await recordPayment(racing.deps, SHOP, paymentRequest({ amount: '40.00', invoiceIds: [first.issued.invoiceId, second.issued.invoiceId] }));

    // Act
    await Promise.all([
      recordInvoiceSettled(racing.deps, { orderId, invoiceId: first.issued.invoiceId }),
      recordInvoiceSettled(racing.deps, { orderId, invoiceId: second.issued.invoiceId }),
    ]);

    // Assess
    expect(racing.tables.orders.get(orderId)?.openInvoiceCount).toBe(0);
    expect(racing.workflow.acceptedResumes(token)).toHaveLength(1);
  });

  it('does not resume the wait for the next shipment when the only open invoice of a partially shipped order settles', async () => {
    // Prepare
    const { orderId } = await orderAwaitingShipment(world, TWO_LINES);
    const first = await shipAndInvoice(world, orderId, { shipmentId: 'S-1', lines: [{ sku: 'CHAIR', quantity: 3 }] });
    const shipmentToken = world.workflow.newTaskToken('shipment');
    await waitForShipment(world.deps, { orderId, taskToken: shipmentToken });

    // Act
    const counted = await pay(world, orderId, first.issued, '30.00');

    // Assess
    expect(counted).toEqual({ openInvoices: 0 });
    expect(world.workflow.isWaiting(shipmentToken)).toBe(true);
    expect(world.workflow.acceptedResumes(shipmentToken)).toEqual([]);
    expect(world.tables.orders.get(orderId)).toMatchObject({ status: 'PARTIALLY_SHIPPED', openInvoiceCount: 0 });
  });
});

describe('CompleteOrder', () => {
  let world: InMemoryWorld;

  beforeEach(() => {
    world = inMemoryWorld({ start: '2026-03-02T09:00:00Z' });
    world.customers.seed(aCustomer({ customerId: 'C-1' }));
  });

  it('refuses while lines remain unshipped, even with every invoice so far settled', async () => {
    // Prepare
    const { orderId } = await orderAwaitingShipment(world, TWO_LINES);
    const first = await shipAndInvoice(world, orderId, { shipmentId: 'S-1', lines: [{ sku: 'CHAIR', quantity: 3 }] });
    await pay(world, orderId, first.issued, '30.00');

    // Act
    const outcome = completeOrder(world.deps, { orderId });

    // Assess
    await expect(outcome).rejects.toBeInstanceOf(InvoiceNotSettledError);
    await expect(outcome).rejects.toMatchObject({ name: 'InvoiceNotSettled', message: `Order ${orderId} has lines not yet shipped` });
    expect(world.tables.orders.get(orderId)?.status).toBe('PARTIALLY_SHIPPED');
  });

  it('refuses while one of the invoices still has a balance, naming it', async () => {
    // Prepare
    const { orderId, first, second } = await orderInvoicedInTwo(world);
    await pay(world, orderId, first.issued, '30.00');
    await recordPayment(world.deps, SHOP, paymentRequest({ amount: '9.99', reference: second.issued.number }));

    // Act
    const outcome = completeOrder(world.deps, { orderId });

    // Assess
    await expect(outcome).rejects.toMatchObject({ name: 'InvoiceNotSettled', message: `Invoice ${second.issued.invoiceId} still has a balance` });
    expect(world.tables.orders.get(orderId)?.status).toBe('INVOICED');
  });

  it('answers COMPLETED again when the step runs again, changing nothing', async () => {
    // Prepare
    const { orderId, first, second } = await orderInvoicedInTwo(world);
    await pay(world, orderId, first.issued, '30.00');
    await pay(world, orderId, second.issued, '10.00');
    await completeOrder(world.deps, { orderId });
    const before = structuredClone(world.tables.orders.get(orderId));

    // Act
    const again = await completeOrder(world.deps, { orderId });

    // Assess
    expect(again).toEqual({ status: 'COMPLETED' });
    expect(world.tables.orders.get(orderId)).toEqual(before);
  });

  it('refuses an order that is no longer INVOICED with a conflict', async () => {
    // Prepare: everything shipped and paid, but the order was moved on by someone else
    const { orderId, first, second } = await orderInvoicedInTwo(world);
    await pay(world, orderId, first.issued, '30.00');
    await pay(world, orderId, second.issued, '10.00');
    const stored = world.tables.orders.get(orderId)!;
    world.tables.orders.set(orderId, { ...stored, status: 'CANCELLED' });

    // Act
    const error = await completeOrder(world.deps, { orderId }).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(ConflictError);
  });
});
