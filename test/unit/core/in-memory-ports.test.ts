/**
 * The in-memory ports hold the same promises as the DynamoDB adapters; the domain tests rely on
 * them, so these tests pin those promises down.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { issueInvoice } from '../../../lambdas/core/invoices/invoice';
import { applyPayment } from '../../../lambdas/core/payments/payment';
import { ConcurrentUpdateError, SequenceTakenError } from '../../../lambdas/core/ports';
import { inMemoryWorld, type InMemoryWorld } from '../../support/in-memory';
import { aCustomer, anInvoice, anOrder } from '../../support/builders';

const change = { status: 'INVOICED' as const, at: '2026-03-02T09:00:00.000Z' };

function invoiceFor(orderId: string, sequence: number) {
  return issueInvoice({
    invoiceId: `${orderId}-I1`,
    order: anOrder({ orderId }),
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
    world.orders.seed(anOrder({ orderId: 'O-1', status: 'AWAITING_SHIPMENT' }), 'token-shipment');
    world.orders.seed(anOrder({ orderId: 'O-2' }));
  });

  it('takes the next number, stores the invoice, invoices the order, drops its task token and posts the journal', async () => {
    // Prepare
    const { invoice, journal } = invoiceFor('O-1', 1);

    // Act
    const result = await world.invoices.issue(invoice, journal, { orderId: 'O-1', change });

    // Assess
    expect(result).toEqual({ invoice, created: true });
    expect(await world.invoices.lastSequence('INV-2026')).toBe(1);
    expect(await world.orders.get('O-1')).toMatchObject({ status: 'INVOICED', invoiceIds: ['O-1-I1'] });
    expect(await world.orders.taskToken('O-1')).toBeUndefined();
    expect(world.tables.ledger).toHaveLength(2);
  });

  it.each([
    ['skips a number', 3],
    ['reuses the last number', 1],
  ])('refuses a sequence that %s with SequenceTakenError and writes nothing', async (_case, sequence) => {
    // Prepare
    const first = invoiceFor('O-1', 1);
    await world.invoices.issue(first.invoice, first.journal, { orderId: 'O-1', change });
    const next = invoiceFor('O-2', sequence);

    // Act
    const outcome = world.invoices.issue(next.invoice, next.journal, { orderId: 'O-2', change });

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
    await world.invoices.issue(first.invoice, first.journal, { orderId: 'O-1', change });
    const retry = invoiceFor('O-1', 2);

    // Act
    const result = await world.invoices.issue(retry.invoice, retry.journal, { orderId: 'O-1', change });

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

describe('in-memory PaymentStore.record', () => {
  it('refuses with ConcurrentUpdateError when an invoice changed since it was read, writing nothing', async () => {
    // Prepare
    const world = inMemoryWorld();
    world.customers.seed(aCustomer());
    const invoice = anInvoice({ invoiceId: 'I-1' });
    world.invoices.seed(invoice);
    const request = { amountMinor: 15_000, currency: 'EUR', reference: null, payerName: null, valueDate: '2026-03-10', invoiceIds: ['I-1'] };
    const { payment, invoices, journal } = applyPayment('P-1', request, [invoice], { now: new Date('2026-03-10T00:00:00Z'), source: 'online', explicitOrder: true });
    world.invoices.seed({ ...invoice, balanceMinor: 9_000, paidMinor: 1_000, status: 'PARTIALLY_PAID' });

    // Act
    const outcome = world.payments.record(payment, invoices.map((after) => ({ before: invoice, after })), journal);

    // Assess
    await expect(outcome).rejects.toBeInstanceOf(ConcurrentUpdateError);
    expect(await world.payments.get('P-1')).toBeUndefined();
    expect(world.tables.customers.get('C-1')?.onAccountCreditMinor).toBe(0);
    expect(world.tables.ledger).toEqual([]);
  });
});

describe('in-memory OrderStore and CustomerStore', () => {
  it('moves an order only from the given statuses and, when asked, only without shipments', async () => {
    // Prepare
    const world = inMemoryWorld();
    world.orders.seed(anOrder({ orderId: 'O-1', shipments: [{ shipmentId: 'S', shippedAt: 'x', carrier: null, trackingNumber: null, reportedAt: 'x' }] }));

    // Act
    const wrongStatus = await world.orders.transition('O-1', ['AWAITING_SHIPMENT'], { status: 'CANCELLED', at: 'x' });
    const shipped = await world.orders.transition('O-1', ['RECEIVED'], { status: 'CANCELLED', at: 'x' }, { requireNoShipments: true });
    const moved = await world.orders.transition('O-1', ['RECEIVED'], { status: 'AWAITING_SHIPMENT', at: 'y' }, { taskToken: 't-1' });

    // Assess
    expect([wrongStatus, shipped, moved]).toEqual([false, false, true]);
    expect(await world.orders.taskToken('O-1')).toBe('t-1');
    expect((await world.orders.get('O-1'))?.history.at(-1)).toEqual({ status: 'AWAITING_SHIPMENT', at: 'y' });
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
