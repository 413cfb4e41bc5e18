import { beforeEach, describe, expect, it, vi } from 'vitest';
import { cancelOrder, getOrder, reportShipment } from '../../../lambdas/core/orders/orders';
import { issueInvoiceForShipment, waitForShipment } from '../../../lambdas/core/orders/order-steps';
import { getCustomer } from '../../../lambdas/core/customers/customers';
import { recordPayment } from '../../../lambdas/core/payments/record-payment';
import { ledgerCheck } from '../../../lambdas/core/reports/ledger-check';
import { ConflictError, ValidationError } from '../../../lambdas/core/errors';
import { inMemoryWorld, type InMemoryWorld } from '../../support/in-memory';
import { SHOP, aCustomer, paymentRequest } from '../../support/builders';
import { orderAwaitingShipment } from '../../support/scenarios';

/**
 * 3 chairs at 10.00 (19 %) and 2 books at 5.00 (7 %): net 40.00, tax 5.70 + 0.70, total 46.40 EUR.
 */
const TWO_LINES = {
  lines: [
    { sku: 'CHAIR', quantity: 3, unitPrice: '10.00', taxRate: '19' },
    { sku: 'BOOK', quantity: 2, unitPrice: '5.00', taxRate: '7' },
  ],
};

async function problemsOf(promise: Promise<unknown>) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ValidationError);
  return (error as ValidationError).problems;
}

describe('partial shipments: reporting', () => {
  let world: InMemoryWorld;

  beforeEach(() => {
    world = inMemoryWorld({ start: '2026-03-02T09:00:00Z' });
    world.customers.seed(aCustomer({ customerId: 'C-1' }));
  });

  it('ships part of the order, naming lines by lineNo and by sku; the waiting execution resumes with it', async () => {
    // Prepare
    const { orderId, shipmentToken } = await orderAwaitingShipment(world, TWO_LINES);

    // Act
    const result = await reportShipment(world.deps, SHOP, orderId, { shipmentId: 'S-1', lines: [{ lineNo: 1, quantity: 2 }, { sku: 'BOOK', quantity: 1 }] });

    // Assess
    expect(result.shipment).toMatchObject({
      shipmentId: 'S-1',
      lines: [
        { lineNo: 1, sku: 'CHAIR', quantity: 2 },
        { lineNo: 2, sku: 'BOOK', quantity: 1 },
      ],
      invoiceId: null,
    });
    expect(world.tables.orders.get(orderId)).toMatchObject({ status: 'AWAITING_SHIPMENT', pendingShipments: 1, version: 2 });
    expect(world.workflow.acceptedResumes(shipmentToken)).toEqual([{ taskToken: shipmentToken, output: { shipmentId: 'S-1' }, accepted: true }]);
    expect((await getOrder(world.deps, SHOP, orderId)).lines.map((l) => [l.sku, l.quantity, l.shippedQuantity])).toEqual([
      ['CHAIR', 3, 2],
      ['BOOK', 2, 1],
    ]);
  });

  it('ships everything that remains when the report names no lines', async () => {
    // Prepare
    const { orderId } = await orderAwaitingShipment(world, TWO_LINES);
    await reportShipment(world.deps, SHOP, orderId, { shipmentId: 'S-1', lines: [{ lineNo: 1, quantity: 2 }] });

    // Act
    const { shipment } = await reportShipment(world.deps, SHOP, orderId, { shipmentId: 'S-2' });

    // Assess
    expect(shipment.lines).toEqual([
      { lineNo: 1, sku: 'CHAIR', quantity: 1 },
      { lineNo: 2, sku: 'BOOK', quantity: 2 },
    ]);
  });

  it('names its shipments by count when the storefront gives no id', async () => {
    // Prepare
    const { orderId } = await orderAwaitingShipment(world, TWO_LINES);

    // Act
    const first = await reportShipment(world.deps, SHOP, orderId, { lines: [{ lineNo: 1, quantity: 1 }] });
    const second = await reportShipment(world.deps, SHOP, orderId, { lines: [{ lineNo: 1, quantity: 1 }] });

    // Assess
    expect([first.shipment.shipmentId, second.shipment.shipmentId]).toEqual([`${orderId}-S1`, `${orderId}-S2`]);
  });

  it('refuses a quantity above what remains of the line with 400 naming lines[i].quantity, recording nothing', async () => {
    // Prepare
    const { orderId } = await orderAwaitingShipment(world, TWO_LINES);
    await reportShipment(world.deps, SHOP, orderId, { shipmentId: 'S-1', lines: [{ lineNo: 1, quantity: 2 }] });
    world.workflow.forgetCalls();

    // Act
    const problems = await problemsOf(reportShipment(world.deps, SHOP, orderId, { shipmentId: 'S-2', lines: [{ sku: 'BOOK', quantity: 2 }, { lineNo: 1, quantity: 2 }] }));

    // Assess
    expect(problems).toEqual([{ field: 'lines[1].quantity', problem: 'must be at most 1, the quantity of line 1 not yet shipped' }]);
    expect(world.tables.orders.get(orderId)?.shipments.map((s) => s.shipmentId)).toEqual(['S-1']);
    expect(world.workflow.resumes).toEqual([]);
  });

  it('counts a line named twice in one report against what remains of it', async () => {
    // Prepare
    const { orderId } = await orderAwaitingShipment(world, TWO_LINES);

    // Act
    const problems = await problemsOf(reportShipment(world.deps, SHOP, orderId, { lines: [{ lineNo: 1, quantity: 2 }, { sku: 'CHAIR', quantity: 2 }] }));

    // Assess
    expect(problems).toEqual([{ field: 'lines[1].quantity', problem: 'must be at most 1, the quantity of line 1 not yet shipped' }]);
  });

  it('refuses lines the order does not have, lines named by neither lineNo nor sku, and an empty list, naming each', async () => {
    // Prepare
    const { orderId } = await orderAwaitingShipment(world, TWO_LINES);

    // Act
    const unknown = await problemsOf(reportShipment(world.deps, SHOP, orderId, { lines: [{ lineNo: 9, quantity: 1 }, { sku: 'LAMP', quantity: 1 }, { quantity: 1 }] }));
    const mismatch = await problemsOf(reportShipment(world.deps, SHOP, orderId, { lines: [{ lineNo: 1, sku: 'BOOK', quantity: 1 }] }));
    const empty = await problemsOf(reportShipment(world.deps, SHOP, orderId, { lines: [] }));
    const zero = await problemsOf(reportShipment(world.deps, SHOP, orderId, { lines: [{ lineNo: 1, quantity: 0 }] }));

    // Assess
    expect(unknown).toEqual([
      { field: 'lines[0]', problem: 'the order has no line 9' },
      { field: 'lines[1]', problem: 'the order has no line LAMP' },
      { field: 'lines[2]', problem: 'must name the order line by lineNo or sku' },
    ]);
    expect(mismatch).toEqual([{ field: 'lines[0]', problem: 'the order has no line 1' }]);
    expect(empty).toEqual([{ field: 'lines', problem: 'must contain at least one line when given' }]);
    expect(zero).toEqual([{ field: 'lines[0].quantity', problem: 'must be greater than zero' }]);
    expect(world.tables.orders.get(orderId)?.shipments).toEqual([]);
  });

  it('refuses another shipment once everything shipped with 409 ORDER_NOT_SHIPPABLE, saying so', async () => {
    // Prepare
    const { orderId } = await orderAwaitingShipment(world, TWO_LINES);
    await reportShipment(world.deps, SHOP, orderId, { shipmentId: 'S-1', lines: [{ lineNo: 1, quantity: 3 }] });
    await reportShipment(world.deps, SHOP, orderId, { shipmentId: 'S-2', lines: [{ lineNo: 2, quantity: 2 }] });

    // Act
    const error = await reportShipment(world.deps, SHOP, orderId, { shipmentId: 'S-3', lines: [{ lineNo: 1, quantity: 1 }] }).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).code).toBe('ORDER_NOT_SHIPPABLE');
    expect((error as ConflictError).message).toContain('fully shipped');
    expect(world.tables.orders.get(orderId)?.shipments).toHaveLength(2);
  });

  it('answers a repeated report of a shipment with the stored one, even once the order is fully shipped', async () => {
    // Prepare
    const { orderId } = await orderAwaitingShipment(world, TWO_LINES);
    const first = await reportShipment(world.deps, SHOP, orderId, { shipmentId: 'S-1' });

    // Act
    const again = await reportShipment(world.deps, SHOP, orderId, { shipmentId: 'S-1', lines: [{ lineNo: 1, quantity: 1 }] });

    // Assess
    expect(again.shipment).toEqual(first.shipment);
    expect(world.tables.orders.get(orderId)).toMatchObject({ pendingShipments: 1, version: 2 });
  });

  it('refuses to cancel once part of the order shipped', async () => {
    // Prepare
    const { orderId } = await orderAwaitingShipment(world, TWO_LINES);
    await reportShipment(world.deps, SHOP, orderId, { lines: [{ lineNo: 2, quantity: 1 }] });

    // Act
    const error = await cancelOrder(world.deps, SHOP, orderId, {}).catch((e: unknown) => e);

    // Assess
    expect((error as ConflictError).code).toBe('ORDER_NOT_CANCELLABLE');
  });
});

describe('partial shipments: concurrent reports', () => {
  let world: InMemoryWorld;

  beforeEach(() => {
    world = inMemoryWorld({ start: '2026-03-02T09:00:00Z', latency: () => new Promise((r) => setTimeout(r, 1)) });
    world.customers.seed(aCustomer({ customerId: 'C-1' }));
  });

  it('records both of two concurrent reports: the one that read a stale version is retried', async () => {
    // Prepare
    const { orderId } = await orderAwaitingShipment(world, TWO_LINES);

    // Act
    const [a, b] = await Promise.all([
      reportShipment(world.deps, SHOP, orderId, { shipmentId: 'S-A', lines: [{ lineNo: 1, quantity: 1 }] }),
      reportShipment(world.deps, SHOP, orderId, { shipmentId: 'S-B', lines: [{ lineNo: 2, quantity: 1 }] }),
    ]);

    // Assess
    expect(world.tables.stats.staleOrderVersions).toBeGreaterThan(0);
    const order = world.tables.orders.get(orderId)!;
    expect(order.shipments.map((s) => s.shipmentId).sort()).toEqual(['S-A', 'S-B']);
    expect(order).toMatchObject({ pendingShipments: 2, version: 3 });
    expect([a.shipment.shipmentId, b.shipment.shipmentId]).toEqual(['S-A', 'S-B']);
  });

  it('checks the retried report against the one that landed: together they may not ship more than the line', async () => {
    // Prepare: 3 chairs, two reports of 2 each
    const { orderId } = await orderAwaitingShipment(world, TWO_LINES);

    // Act
    const outcomes = await Promise.allSettled([
      reportShipment(world.deps, SHOP, orderId, { shipmentId: 'S-A', lines: [{ lineNo: 1, quantity: 2 }] }),
      reportShipment(world.deps, SHOP, orderId, { shipmentId: 'S-B', lines: [{ lineNo: 1, quantity: 2 }] }),
    ]);

    // Assess
    const refused = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(refused).toHaveLength(1);
    expect(refused[0]?.reason).toBeInstanceOf(ValidationError);
    expect((refused[0]?.reason as ValidationError).problems).toEqual([{ field: 'lines[0].quantity', problem: 'must be at most 1, the quantity of line 1 not yet shipped' }]);
    const order = world.tables.orders.get(orderId)!;
    expect(order.shipments).toHaveLength(1);
    expect(order.shipments[0]?.lines).toEqual([{ lineNo: 1, sku: 'CHAIR', quantity: 2 }]);
  });

  it('gives up with 409 CONCURRENT_UPDATE when the order changes under every attempt', async () => {
    // Prepare: another writer bumps the version before each write of this report
    const { orderId } = await orderAwaitingShipment(world, TWO_LINES);
    const original = world.orders.addShipment.bind(world.orders);
    const spy = vi.spyOn(world.orders, 'addShipment').mockImplementation(async (...args) => {
      const stored = world.tables.orders.get(orderId)!;
      world.tables.orders.set(orderId, { ...stored, version: stored.version + 1 });
      return original(...args);
    });

    // Act
    const error = await reportShipment(world.deps, SHOP, orderId, { lines: [{ lineNo: 1, quantity: 1 }] }).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).code).toBe('CONCURRENT_UPDATE');
    expect(spy).toHaveBeenCalledTimes(5);
    expect(world.tables.orders.get(orderId)?.shipments).toEqual([]);
  });
});

describe('partial shipments: one invoice per shipment', () => {
  let world: InMemoryWorld;

  beforeEach(() => {
    world = inMemoryWorld({ start: '2026-03-02T09:00:00Z' });
    world.customers.seed(aCustomer({ customerId: 'C-1' }));
  });

  it('invoices each shipment with its own lines: PARTIALLY_SHIPPED after the first, INVOICED after the last, invoice ids in shipment order', async () => {
    // Prepare
    const { orderId } = await orderAwaitingShipment(world, TWO_LINES);
    await reportShipment(world.deps, SHOP, orderId, { shipmentId: 'S-1', lines: [{ lineNo: 1, quantity: 2 }, { sku: 'BOOK', quantity: 1 }] });

    // Act
    const first = await issueInvoiceForShipment(world.deps, { orderId, shipmentId: 'S-1' });
    const afterFirst = structuredClone(world.tables.orders.get(orderId)!);
    const secondToken = world.workflow.newTaskToken('shipment');
    const waiting = await waitForShipment(world.deps, { orderId, taskToken: secondToken });
    await reportShipment(world.deps, SHOP, orderId, { shipmentId: 'S-2' });
    const second = await issueInvoiceForShipment(world.deps, { orderId, shipmentId: 'S-2' });

    // Assess
    expect(first).toMatchObject({ invoiceId: `${orderId}-I1`, number: 'INV-2026-000001', orderFullyShipped: false });
    expect(afterFirst).toMatchObject({ status: 'PARTIALLY_SHIPPED', invoiceIds: [`${orderId}-I1`], pendingShipments: 0, openInvoiceCount: 1, invoicedMinor: 2_915 });
    expect(afterFirst.history.at(-1)).toMatchObject({ status: 'PARTIALLY_SHIPPED', note: 'invoice INV-2026-000001 for shipment S-1' });
    expect(waiting).toEqual({ waiting: true });
    expect(world.workflow.acceptedResumes(secondToken)).toEqual([{ taskToken: secondToken, output: { shipmentId: 'S-2' }, accepted: true }]);
    expect(second).toMatchObject({ invoiceId: `${orderId}-I2`, number: 'INV-2026-000002', orderFullyShipped: true });
    const order = world.tables.orders.get(orderId)!;
    expect(order).toMatchObject({ status: 'INVOICED', invoiceIds: [`${orderId}-I1`, `${orderId}-I2`], pendingShipments: 0, openInvoiceCount: 2, invoicedMinor: 4_640 });
    expect(order.shipments.map((s) => [s.shipmentId, s.invoiceId])).toEqual([
      ['S-1', `${orderId}-I1`],
      ['S-2', `${orderId}-I2`],
    ]);
    const one = world.tables.invoices.get(`${orderId}-I1`)!;
    const two = world.tables.invoices.get(`${orderId}-I2`)!;
    expect(one).toMatchObject({ shipmentId: 'S-1', netTotalMinor: 2_500, taxTotalMinor: 415, totalMinor: 2_915 });
    expect(one.lines.map((l) => [l.sku, l.quantity, l.amountMinor, l.taxMinor, l.grossMinor])).toEqual([
      ['CHAIR', 2, 2_000, 380, 2_380],
      ['BOOK', 1, 500, 35, 535],
    ]);
    expect(two).toMatchObject({ shipmentId: 'S-2', netTotalMinor: 1_500, taxTotalMinor: 225, totalMinor: 1_725 });
    expect(two.lines.map((l) => [l.sku, l.quantity, l.amountMinor, l.taxMinor])).toEqual([
      ['CHAIR', 1, 1_000, 190],
      ['BOOK', 1, 500, 35],
    ]);
    expect(one.totalMinor + two.totalMinor).toBe(order.totalMinor);
    expect((await ledgerCheck(world.deps)).balanced).toBe(true);
  });

  it('returns the invoice issued the first time when IssueInvoice runs again for a shipment', async () => {
    // Prepare
    const { orderId } = await orderAwaitingShipment(world, TWO_LINES);
    await reportShipment(world.deps, SHOP, orderId, { shipmentId: 'S-1', lines: [{ lineNo: 1, quantity: 1 }] });
    const first = await issueInvoiceForShipment(world.deps, { orderId, shipmentId: 'S-1' });
    const before = structuredClone(world.tables.orders.get(orderId));

    // Act
    const again = await issueInvoiceForShipment(world.deps, { orderId, shipmentId: 'S-1' });

    // Assess
    expect(again).toEqual(first);
    expect(world.tables.orders.get(orderId)).toEqual(before);
    expect(world.tables.counters.get('INV-2026')).toBe(1);
  });

  it('moves what shipped from the uninvoiced orders into open receivables, shipment by shipment, counting nothing twice', async () => {
    // Prepare
    const { orderId } = await orderAwaitingShipment(world, TWO_LINES);
    const uninvoiced = () => world.orders.uninvoicedTotal('C-1', 'EUR');
    const exposure = async () => (await getCustomer(world.deps, SHOP, 'C-1')).exposure;
    const before = [await uninvoiced(), await exposure()];

    // Act
    await reportShipment(world.deps, SHOP, orderId, { shipmentId: 'S-1', lines: [{ lineNo: 1, quantity: 2 }, { sku: 'BOOK', quantity: 1 }] });
    const shippedNotInvoiced = [await uninvoiced(), await exposure()];
    const first = await issueInvoiceForShipment(world.deps, { orderId, shipmentId: 'S-1' });
    const afterFirst = [await uninvoiced(), await exposure()];
    await reportShipment(world.deps, SHOP, orderId, { shipmentId: 'S-2' });
    await issueInvoiceForShipment(world.deps, { orderId, shipmentId: 'S-2' });
    const afterSecond = [await uninvoiced(), await exposure()];
    await recordPayment(world.deps, SHOP, paymentRequest({ amount: '29.15', reference: first.number }));
    const afterPayment = [await uninvoiced(), await exposure()];

    // Assess
    expect(before).toEqual([4_640, '46.40']);
    expect(shippedNotInvoiced).toEqual([4_640, '46.40']);
    expect(afterFirst).toEqual([1_725, '46.40']);
    expect(afterSecond).toEqual([0, '46.40']);
    expect(afterPayment).toEqual([0, '17.25']);
  });

  it('resumes the step at once with a shipment reported before the execution waited again', async () => {
    // Prepare: the first shipment is invoiced; the second is reported before the execution is back in WaitForShipment
    const { orderId } = await orderAwaitingShipment(world, TWO_LINES);
    await reportShipment(world.deps, SHOP, orderId, { shipmentId: 'S-1', lines: [{ lineNo: 1, quantity: 1 }] });
    await issueInvoiceForShipment(world.deps, { orderId, shipmentId: 'S-1' });
    await reportShipment(world.deps, SHOP, orderId, { shipmentId: 'S-2', lines: [{ lineNo: 2, quantity: 2 }] });
    const secondToken = world.workflow.newTaskToken('shipment');

    // Act
    const result = await waitForShipment(world.deps, { orderId, taskToken: secondToken });

    // Assess
    expect(result).toEqual({ waiting: false });
    expect(world.workflow.acceptedResumes(secondToken)).toEqual([{ taskToken: secondToken, output: { shipmentId: 'S-2' }, accepted: true }]);
    expect(await world.orders.taskToken(orderId, 'shipment')).toBeUndefined();
  });

  it('resumes the execution exactly once when a report and the step waiting again run concurrently', async () => {
    for (const [stepDelay, reportDelay] of [[0, 0], [0, 2], [2, 0], [4, 0]] as const) {
      // Prepare
      const racing = inMemoryWorld({ start: '2026-03-02T09:00:00Z', latency: () => new Promise((r) => setTimeout(r, 1)) });
      racing.customers.seed(aCustomer({ customerId: 'C-1' }));
      const { orderId } = await orderAwaitingShipment(racing, TWO_LINES);
      await reportShipment(racing.deps, SHOP, orderId, { shipmentId: 'S-1', lines: [{ lineNo: 1, quantity: 1 }] });
      await issueInvoiceForShipment(racing.deps, { orderId, shipmentId: 'S-1' });
      const token = racing.workflow.newTaskToken('shipment');
      const after = (ms: number) => new Promise((r) => setTimeout(r, ms));

      // Act
      await Promise.all([
        after(stepDelay).then(() => waitForShipment(racing.deps, { orderId, taskToken: token })),
        after(reportDelay).then(() => reportShipment(racing.deps, SHOP, orderId, { shipmentId: 'S-2' })),
      ]);

      // Assess
      expect(racing.workflow.acceptedResumes(token), `step after ${stepDelay}ms, report after ${reportDelay}ms`).toEqual([{ taskToken: token, output: { shipmentId: 'S-2' }, accepted: true }]);
    }
  });
});
