/**
 * The in-memory ports hold the same promises as the DynamoDB adapters; the domain tests rely on
 * them, so these tests pin those promises down.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { issueInvoice } from '../../../lambdas/core/invoices/invoice';
import { applyPayment } from '../../../lambdas/core/payments/payment';
import { ConcurrentUpdateError, SequenceTakenError } from '../../../lambdas/core/ports';
import { inMemoryWorld, TransactionRefusedError, type InMemoryWorld } from '../../support/in-memory';
import { aCustomer, anInvoice, anOrder, aShipment } from '../../support/builders';

const change = { status: 'INVOICED' as const, at: '2026-03-02T09:00:00.000Z' };
const shipment = aShipment({ shipmentId: 'S-1' });

/** Where the invoice of the order's one shipment goes on the order. */
const link = (orderId: string) => ({ orderId, shipmentIndex: 0, shipmentId: 'S-1', change });

function invoiceFor(orderId: string, sequence: number) {
  return issueInvoice({
    invoiceId: `${orderId}-I1`,
    order: anOrder({ orderId }),
    shipment,
    customer: aCustomer(),
    series: 'INV-2026',
    sequence,
    now: new Date('2026-03-02T09:00:00Z'),
    businessTimeZone: 'Europe/Berlin',
  });
}

describe('in-memory InvoiceStore.issue', () => {
  let world: InMemoryWorld;

  beforeEach(() => {
    world = inMemoryWorld();
    world.orders.seed(anOrder({ orderId: 'O-1', status: 'AWAITING_SHIPMENT', shipments: [shipment], pendingShipments: 1, version: 2 }), { taskToken: 'token-shipment', waitingFor: 'shipment' });
    world.orders.seed(anOrder({ orderId: 'O-2', shipments: [shipment], pendingShipments: 1, version: 2 }));
  });

  it('takes the next number, stores the invoice, invoices the shipment on the order, drops its task token and posts the journal', async () => {
    // Prepare
    const { invoice, journal } = invoiceFor('O-1', 1);

    // Act
    const result = await world.invoices.issue(invoice, journal, link('O-1'));

    // Assess
    expect(result).toEqual({ invoice, created: true });
    expect(await world.invoices.lastSequence('INV-2026')).toBe(1);
    const order = await world.orders.get('O-1');
    expect(order).toMatchObject({ status: 'INVOICED', invoiceIds: ['O-1-I1'], pendingShipments: 0, openInvoiceCount: 1, invoicedMinor: 10_000, version: 2 });
    expect(order?.shipments.map((s) => s.invoiceId)).toEqual(['O-1-I1']);
    expect(await world.orders.taskToken('O-1', 'shipment')).toBeUndefined();
    expect(world.tables.ledger).toHaveLength(2);
  });

  it('refuses when the shipment at the index is not the one invoiced, writing nothing', async () => {
    // Prepare
    const { invoice, journal } = invoiceFor('O-1', 1);

    // Act
    const outcome = world.invoices.issue(invoice, journal, { ...link('O-1'), shipmentId: 'S-other' });

    // Assess
    await expect(outcome).rejects.toBeInstanceOf(TransactionRefusedError);
    expect(await world.invoices.get('O-1-I1')).toBeUndefined();
    expect(await world.invoices.lastSequence('INV-2026')).toBe(0);
    expect((await world.orders.get('O-1'))?.pendingShipments).toBe(1);
    expect(world.tables.ledger).toEqual([]);
  });

  it.each([
    ['skips a number', 3],
    ['reuses the last number', 1],
  ])('refuses a sequence that %s with SequenceTakenError and writes nothing', async (_case, sequence) => {
    // Prepare
    const first = invoiceFor('O-1', 1);
    await world.invoices.issue(first.invoice, first.journal, link('O-1'));
    const next = invoiceFor('O-2', sequence);

    // Act
    const outcome = world.invoices.issue(next.invoice, next.journal, link('O-2'));

    // Assess
    await expect(outcome).rejects.toBeInstanceOf(SequenceTakenError);
    expect(await world.invoices.get('O-2-I1')).toBeUndefined();
    expect((await world.orders.get('O-2'))?.status).toBe('RECEIVED');
    expect(await world.invoices.lastSequence('INV-2026')).toBe(1);
    expect(world.tables.ledger).toHaveLength(2);
  });

  it('returns the stored invoice with created false for an existing id, writing nothing', async () => {
    // Prepare
    const first = invoiceFor('O-1', 1);
    await world.invoices.issue(first.invoice, first.journal, link('O-1'));
    const retry = invoiceFor('O-1', 2);

    // Act
    const result = await world.invoices.issue(retry.invoice, retry.journal, link('O-1'));

    // Assess
    expect(result).toEqual({ invoice: first.invoice, created: false });
    expect(await world.invoices.lastSequence('INV-2026')).toBe(1);
    expect(world.tables.ledger).toHaveLength(2);
  });

  it('hands out copies: changing a read invoice changes nothing stored', async () => {
    // Prepare
    world.invoices.seed(anInvoice({ invoiceId: 'I-1' }));
    const read = (await world.invoices.get('I-1')) as { balanceMinor: number };

    // Act
    read.balanceMinor = 1;

    // Assess
    expect((await world.invoices.get('I-1'))?.balanceMinor).toBe(10_000);
  });
});

describe('in-memory posting writer', () => {
  it('refuses with ConcurrentUpdateError when an invoice changed since it was read, writing nothing', async () => {
    // Prepare
    const world = inMemoryWorld();
    world.customers.seed(aCustomer());
    const invoice = anInvoice({ invoiceId: 'I-1' });
    world.invoices.seed(invoice);
    const request = { amountMinor: 15_000, currency: 'EUR', reference: null, payerName: null, valueDate: '2026-03-10', invoiceIds: ['I-1'] };
    const { posting } = applyPayment('P-1', request, [invoice], { now: new Date('2026-03-10T00:00:00Z'), source: 'online', explicitOrder: true });
    world.invoices.seed({ ...invoice, balanceMinor: 9_000, paidMinor: 1_000, status: 'PARTIALLY_PAID' });

    // Act
    const outcome = world.postings.post(posting);

    // Assess
    await expect(outcome).rejects.toBeInstanceOf(ConcurrentUpdateError);
    expect(await world.payments.get('P-1')).toBeUndefined();
    expect(world.tables.customers.get('C-1')?.onAccountCreditMinor).toBe(0);
    expect(world.tables.ledger).toEqual([]);
  });
});

describe('in-memory OrderStore and CustomerStore', () => {
  it('moves an order only from the given statuses and, when asked, only without shipments or pending shipments', async () => {
    // Prepare
    const world = inMemoryWorld();
    world.orders.seed(anOrder({ orderId: 'O-1', shipments: [aShipment({ invoiceId: 'O-1-I1' })], version: 2 }));
    world.orders.seed(anOrder({ orderId: 'O-2', shipments: [aShipment()], pendingShipments: 1, version: 2 }));

    // Act
    const wrongStatus = await world.orders.transition('O-1', ['AWAITING_SHIPMENT'], { status: 'CANCELLED', at: 'x' });
    const shipped = await world.orders.transition('O-1', ['RECEIVED'], { status: 'CANCELLED', at: 'x' }, { requireNoShipments: true });
    const pending = await world.orders.transition('O-2', ['RECEIVED'], { status: 'AWAITING_SHIPMENT', at: 'y' }, { requireNoPendingShipments: true });
    const moved = await world.orders.transition('O-1', ['RECEIVED'], { status: 'AWAITING_SHIPMENT', at: 'y' }, { wait: { taskToken: 't-1', waitingFor: 'shipment' }, requireNoPendingShipments: true });

    // Assess
    expect([wrongStatus, shipped, pending, moved]).toEqual([false, false, false, true]);
    expect(await world.orders.taskToken('O-1', 'shipment')).toBe('t-1');
    expect(await world.orders.taskToken('O-1', 'credit-decision')).toBeUndefined();
    expect((await world.orders.get('O-1'))?.history.at(-1)).toEqual({ status: 'AWAITING_SHIPMENT', at: 'y' });
    expect((await world.orders.get('O-2'))?.status).toBe('RECEIVED');
  });

  it('keeps the token when a transition does not wait (as the adapter, which only sets it)', async () => {
    // Prepare
    const world = inMemoryWorld();
    world.orders.seed(anOrder({ orderId: 'O-1', status: 'CREDIT_HOLD' }), { taskToken: 't-credit', waitingFor: 'credit-decision' });

    // Act
    await world.orders.transition('O-1', ['CREDIT_HOLD'], { status: 'AWAITING_SHIPMENT', at: 'x' });

    // Assess
    expect(await world.orders.taskToken('O-1', 'credit-decision')).toBe('t-credit');
  });

  it('adds a shipment only at the version read and in an expected status, counting it pending', async () => {
    // Prepare
    const world = inMemoryWorld();
    world.orders.seed(anOrder({ orderId: 'O-1', status: 'AWAITING_SHIPMENT', version: 3 }));

    // Act
    const stale = await world.orders.addShipment('O-1', aShipment({ shipmentId: 'S-old' }), ['AWAITING_SHIPMENT'], 2);
    const wrongStatus = await world.orders.addShipment('O-1', aShipment({ shipmentId: 'S-x' }), ['RECEIVED'], 3);
    const added = await world.orders.addShipment('O-1', aShipment({ shipmentId: 'S-1' }), ['AWAITING_SHIPMENT'], 3);
    const missing = await world.orders.addShipment('O-404', aShipment(), ['AWAITING_SHIPMENT'], 1);

    // Assess
    expect([stale, wrongStatus, added, missing]).toEqual([false, false, true, false]);
    const order = await world.orders.get('O-1');
    expect(order).toMatchObject({ version: 4, pendingShipments: 1, updatedAt: aShipment().reportedAt });
    expect(order?.shipments.map((s) => s.shipmentId)).toEqual(['S-1']);
    expect(world.tables.stats.staleOrderVersions).toBe(1);
  });

  it('keeps a waiting token only while the order is in the status (waitInStatus) or has open invoices (waitForSettlement)', async () => {
    // Prepare
    const world = inMemoryWorld();
    world.orders.seed(anOrder({ orderId: 'O-hold', status: 'CREDIT_HOLD' }));
    world.orders.seed(anOrder({ orderId: 'O-open', status: 'INVOICED', openInvoiceCount: 2 }));
    world.orders.seed(anOrder({ orderId: 'O-settled', status: 'INVOICED', openInvoiceCount: 0 }));

    // Act
    const onHold = await world.orders.waitInStatus('O-hold', 'CREDIT_HOLD', { taskToken: 't-1', waitingFor: 'credit-decision' });
    const notInStatus = await world.orders.waitInStatus('O-hold', 'AWAITING_SHIPMENT', { taskToken: 't-2', waitingFor: 'shipment' });
    const open = await world.orders.waitForSettlement('O-open', 't-3');
    const settled = await world.orders.waitForSettlement('O-settled', 't-4');
    const missing = await world.orders.waitForSettlement('O-404', 't-5');

    // Assess
    expect([onHold, notInStatus, open, settled, missing]).toEqual([true, false, true, false, false]);
    expect(await world.orders.taskToken('O-hold', 'credit-decision')).toBe('t-1');
    expect(await world.orders.taskToken('O-hold', 'shipment')).toBeUndefined();
    expect(await world.orders.taskToken('O-open', 'settlement')).toBe('t-3');
    expect(await world.orders.taskToken('O-settled', 'settlement')).toBeUndefined();
  });

  it('counts each invoice as settled once and hands out the settlement token only when the execution waits for settlement', async () => {
    // Prepare
    const world = inMemoryWorld();
    world.orders.seed(anOrder({ orderId: 'O-1', status: 'INVOICED', openInvoiceCount: 2 }), { taskToken: 't-settle', waitingFor: 'settlement' });
    world.orders.seed(anOrder({ orderId: 'O-2', status: 'PARTIALLY_SHIPPED', openInvoiceCount: 1 }), { taskToken: 't-ship', waitingFor: 'shipment' });

    // Act
    const first = await world.orders.recordInvoiceSettled('O-1', 'O-1-I1');
    const again = await world.orders.recordInvoiceSettled('O-1', 'O-1-I1');
    const last = await world.orders.recordInvoiceSettled('O-1', 'O-1-I2');
    const other = await world.orders.recordInvoiceSettled('O-2', 'O-2-I1');
    const missing = await world.orders.recordInvoiceSettled('O-404', 'O-404-I1');

    // Assess
    expect(first).toEqual({ openInvoiceCount: 1, settlementToken: 't-settle' });
    expect(again).toBeUndefined();
    expect(last).toEqual({ openInvoiceCount: 0, settlementToken: 't-settle' });
    expect(other).toEqual({ openInvoiceCount: 0, settlementToken: undefined });
    expect(missing).toBeUndefined();
    expect((await world.orders.get('O-1'))?.openInvoiceCount).toBe(0);
  });

  it('sums what is not yet invoiced of the accepted orders of a customer in its currency', async () => {
    // Prepare
    const world = inMemoryWorld();
    world.orders.seed(anOrder({ orderId: 'O-1', totalMinor: 1_000, status: 'RECEIVED' }));
    world.orders.seed(anOrder({ orderId: 'O-2', totalMinor: 2_000, status: 'AWAITING_SHIPMENT' }));
    world.orders.seed(anOrder({ orderId: 'O-3', totalMinor: 5_000, invoicedMinor: 1_500, status: 'PARTIALLY_SHIPPED' }));
    world.orders.seed(anOrder({ orderId: 'O-4', totalMinor: 4_000, status: 'CREDIT_HOLD' }));
    world.orders.seed(anOrder({ orderId: 'O-5', totalMinor: 8_000, invoicedMinor: 8_000, status: 'INVOICED' }));
    world.orders.seed(anOrder({ orderId: 'O-6', totalMinor: 16_000, status: 'REJECTED' }));
    world.orders.seed(anOrder({ orderId: 'O-7', totalMinor: 32_000, status: 'RECEIVED', currency: 'USD' }));
    world.orders.seed(anOrder({ orderId: 'O-8', totalMinor: 64_000, status: 'RECEIVED', customerId: 'C-2' }));

    // Act
    const total = await world.orders.uninvoicedTotal('C-1', 'EUR');

    // Assess
    expect(total).toBe(1_000 + 2_000 + 3_500);
  });

  it('discards only a RECEIVED order without invoices, with its token', async () => {
    // Prepare
    const world = inMemoryWorld();
    world.orders.seed(anOrder({ orderId: 'O-1' }), { taskToken: 't-1', waitingFor: 'shipment' });
    world.orders.seed(anOrder({ orderId: 'O-2', status: 'AWAITING_SHIPMENT' }));

    // Act
    const discarded = [await world.orders.discard('O-1'), await world.orders.discard('O-2'), await world.orders.discard('O-404')];

    // Assess
    expect(discarded).toEqual([true, false, false]);
    expect(world.tables.orders.has('O-1')).toBe(false);
    expect(world.tables.orderTaskTokens.has('O-1')).toBe(false);
    expect(world.tables.orders.has('O-2')).toBe(true);
  });

  it('keeps the stored on-account credit when the customer master data is put', async () => {
    // Prepare
    const world = inMemoryWorld();
    world.customers.seed(aCustomer({ onAccountCreditMinor: 700 }));

    // Act
    await world.customers.put(aCustomer({ name: 'Renamed', onAccountCreditMinor: 0 }));

    // Assess
    expect(await world.customers.get('C-1')).toMatchObject({ name: 'Renamed', onAccountCreditMinor: 700 });
  });
});
