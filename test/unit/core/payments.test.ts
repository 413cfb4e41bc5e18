import { beforeEach, describe, expect, it } from 'vitest';
import { recordPayment } from '../../../lambdas/core/payments/record-payment';
import { getCustomer } from '../../../lambdas/core/customers/customers';
import { ledgerCheck } from '../../../lambdas/core/reports/ledger-check';
import { ValidationError } from '../../../lambdas/core/errors';
import { ConcurrentUpdateError } from '../../../lambdas/core/ports';
import { formatRfReferenceForPrint } from '../../../lambdas/core/references/rf-creditor-reference';
import type { Invoice } from '../../../lambdas/core/invoices/invoice';
import { inMemoryWorld, type InMemoryWorld } from '../../support/in-memory';
import { SHOP, aCustomer, paymentRequest } from '../../support/builders';
import { invoicedOrder } from '../../support/scenarios';

async function expectBooksBalanced(world: InMemoryWorld): Promise<void> {
  const check = await ledgerCheck(world.deps);
  expect(check.problems).toEqual([]);
  expect(check.balanced).toBe(true);
}

describe('recording a payment taken online', () => {
  let world: InMemoryWorld;
  let invoice: Invoice;
  let paymentToken: string;

  beforeEach(async () => {
    // Prepare: an invoice of 100.50 EUR whose order execution waits for the payment
    world = inMemoryWorld({ start: '2026-03-02T09:00:00Z' });
    world.customers.seed(aCustomer({ customerId: 'C-1' }));
    ({ invoice, paymentToken } = await invoicedOrder(world));
    expect(invoice.number).toBe('INV-2026-000001');
    expect(invoice.totalMinor).toBe(10_050);
    world.workflow.forgetCalls();
    world.clock.set('2026-03-10T12:00:00Z');
  });

  it('applies a partial payment quoting the invoice number: PARTIALLY_PAID, the execution keeps waiting', async () => {
    // Act
    const view = (await recordPayment(world.deps, SHOP, paymentRequest({ amount: '40.00', reference: 'INV-2026-000001' }))).payment;

    // Assess
    expect(view).toMatchObject({
      status: 'applied',
      amount: '40.00',
      customerId: 'C-1',
      allocations: [{ invoiceId: invoice.invoiceId, invoiceNumber: 'INV-2026-000001', amount: '40.00' }],
      onAccountAmount: '0.00',
      unappliedAmount: '0.00',
      unappliedReason: null,
    });
    expect(world.tables.invoices.get(invoice.invoiceId)).toMatchObject({ status: 'PARTIALLY_PAID', paidMinor: 4_000, balanceMinor: 6_050 });
    expect(world.workflow.resumes).toEqual([]);
    expect(world.workflow.isWaiting(paymentToken)).toBe(true);
    await expectBooksBalanced(world);
  });

  it('finds the invoice by its RF reference as a payer types it (printed form, lower case)', async () => {
    // Prepare
    const typed = formatRfReferenceForPrint(invoice.rfReference).toLowerCase();

    // Act
    const view = (await recordPayment(world.deps, SHOP, paymentRequest({ amount: '10.00', reference: typed }))).payment;

    // Assess
    expect(view.allocations).toEqual([{ invoiceId: invoice.invoiceId, invoiceNumber: invoice.number, amount: '10.00' }]);
    expect(world.tables.invoices.get(invoice.invoiceId)?.balanceMinor).toBe(9_050);
  });

  it('finds the invoice by the ids the storefront names', async () => {
    // Act
    const view = (await recordPayment(world.deps, SHOP, paymentRequest({ amount: '0.50', invoiceIds: [invoice.invoiceId] }))).payment;

    // Assess
    expect(view.allocations).toEqual([{ invoiceId: invoice.invoiceId, invoiceNumber: invoice.number, amount: '0.50' }]);
    expect(world.tables.invoices.get(invoice.invoiceId)?.balanceMinor).toBe(10_000);
  });

  it('settles the invoice in full: PAID, and resumes the waiting execution with the stored token', async () => {
    // Act
    const view = (await recordPayment(world.deps, SHOP, paymentRequest({ amount: '100.50', reference: invoice.number }))).payment;

    // Assess
    expect(view.status).toBe('applied');
    const stored = world.tables.invoices.get(invoice.invoiceId)!;
    expect(stored).toMatchObject({ status: 'PAID', paidMinor: 10_050, balanceMinor: 0 });
    expect(stored.allocations).toEqual([{ paymentId: view.paymentId, amountMinor: 10_050, at: '2026-03-10T12:00:00.000Z' }]);
    expect(stored.history.at(-1)).toMatchObject({ status: 'PAID', at: '2026-03-10T12:00:00.000Z' });
    expect(world.workflow.resumes).toEqual([{ taskToken: paymentToken, output: { invoiceId: invoice.invoiceId, status: 'PAID' }, accepted: true }]);
    await expectBooksBalanced(world);
  });

  it('settles in two payments and resumes once, with the second', async () => {
    // Act
    await recordPayment(world.deps, SHOP, paymentRequest({ amount: '60.00', reference: invoice.number }));
    await recordPayment(world.deps, SHOP, paymentRequest({ amount: '40.50', reference: invoice.number }));

    // Assess
    expect(world.tables.invoices.get(invoice.invoiceId)).toMatchObject({ status: 'PAID', balanceMinor: 0 });
    expect(world.workflow.resumes).toEqual([{ taskToken: paymentToken, output: { invoiceId: invoice.invoiceId, status: 'PAID' }, accepted: true }]);
    await expectBooksBalanced(world);
  });

  it("keeps an overpayment as the customer's on-account credit", async () => {
    // Act
    const view = (await recordPayment(world.deps, SHOP, paymentRequest({ amount: '150.50', reference: invoice.number }))).payment;

    // Assess
    expect(view).toMatchObject({ status: 'partially-applied', onAccountAmount: '50.00', unappliedAmount: '0.00', allocations: [{ amount: '100.50' }] });
    expect(world.tables.invoices.get(invoice.invoiceId)).toMatchObject({ status: 'PAID', balanceMinor: 0 });
    expect(world.tables.customers.get('C-1')?.onAccountCreditMinor).toBe(5_000);
    expect((await getCustomer(world.deps, SHOP, 'C-1')).onAccountCredit).toBe('50.00');
    expect(world.tables.ledger.filter((r) => r.journalId === `payment-${view.paymentId}`).map((r) => [r.account, r.side, r.amountMinor])).toEqual([
      ['cash', 'debit', 15_050],
      ['receivables', 'credit', 10_050],
      ['customer-credit', 'credit', 5_000],
    ]);
    expect(world.workflow.acceptedResumes(paymentToken)).toHaveLength(1);
    await expectBooksBalanced(world);
  });

  it('leaves a payment in another currency unapplied with the reason, touching no invoice', async () => {
    // Act
    const view = (await recordPayment(world.deps, SHOP, paymentRequest({ amount: '100.50', currency: 'USD', reference: invoice.number }))).payment;

    // Assess
    expect(view).toMatchObject({ status: 'unapplied', allocations: [], unappliedAmount: '100.50', unappliedReason: 'currency-mismatch', customerId: 'C-1' });
    expect(world.tables.invoices.get(invoice.invoiceId)).toMatchObject({ status: 'OPEN', balanceMinor: 10_050 });
    expect(world.workflow.resumes).toEqual([]);
    expect(world.tables.payments.get(view.paymentId)?.unappliedReason).toBe('currency-mismatch');
    await expectBooksBalanced(world);
  });

  it('leaves a payment with a reference that matches nothing unapplied as unknown-reference', async () => {
    // Act
    const view = (await recordPayment(world.deps, SHOP, paymentRequest({ amount: '100.50', reference: 'INV-2026-999999' }))).payment;

    // Assess
    expect(view).toMatchObject({ status: 'unapplied', unappliedAmount: '100.50', unappliedReason: 'unknown-reference', customerId: null });
    expect(world.tables.invoices.get(invoice.invoiceId)?.balanceMinor).toBe(10_050);
    expect(world.tables.ledger.filter((r) => r.journalId === `payment-${view.paymentId}`).map((r) => [r.account, r.side, r.amountMinor])).toEqual([
      ['cash', 'debit', 10_050],
      ['unapplied-cash', 'credit', 10_050],
    ]);
    await expectBooksBalanced(world);
  });

  it('leaves a payment naming an unknown invoice id unapplied, even next to a known one', async () => {
    // Act
    const view = (await recordPayment(world.deps, SHOP, paymentRequest({ amount: '100.50', invoiceIds: [invoice.invoiceId, 'I-404'] }))).payment;

    // Assess
    expect(view).toMatchObject({ status: 'unapplied', unappliedReason: 'unknown-reference' });
    expect(world.tables.invoices.get(invoice.invoiceId)?.balanceMinor).toBe(10_050);
  });

  it('leaves a payment without any reference unapplied as no-reference', async () => {
    // Act
    const view = (await recordPayment(world.deps, SHOP, paymentRequest({ amount: '5.00' }))).payment;

    // Assess
    expect(view).toMatchObject({ status: 'unapplied', unappliedReason: 'no-reference' });
  });

  it('leaves a payment for an invoice already paid unapplied as no-open-balance, and resumes nothing again', async () => {
    // Prepare
    await recordPayment(world.deps, SHOP, paymentRequest({ amount: '100.50', reference: invoice.number }));

    // Act
    const view = (await recordPayment(world.deps, SHOP, paymentRequest({ amount: '100.50', reference: invoice.number }))).payment;

    // Assess
    expect(view).toMatchObject({ status: 'unapplied', unappliedReason: 'no-open-balance', customerId: 'C-1' });
    expect(world.tables.invoices.get(invoice.invoiceId)).toMatchObject({ paidMinor: 10_050, balanceMinor: 0 });
    expect(world.workflow.resumes).toHaveLength(1);
    await expectBooksBalanced(world);
  });

  it('applies to several named invoices in the order given', async () => {
    // Prepare
    const second = await invoicedOrder(world, { lines: [{ sku: 'B', quantity: 1, unitPrice: '20.00' }] });
    world.workflow.forgetCalls();

    // Act
    const view = (await recordPayment(world.deps, SHOP, paymentRequest({ amount: '30.00', invoiceIds: [second.invoice.invoiceId, invoice.invoiceId] }))).payment;

    // Assess
    expect(view.allocations.map((a) => [a.invoiceId, a.amount])).toEqual([
      [second.invoice.invoiceId, '20.00'],
      [invoice.invoiceId, '10.00'],
    ]);
    expect(world.tables.invoices.get(second.invoice.invoiceId)?.status).toBe('PAID');
    expect(world.tables.invoices.get(invoice.invoiceId)?.status).toBe('PARTIALLY_PAID');
    expect(world.workflow.acceptedResumes()).toEqual([{ taskToken: second.paymentToken, output: { invoiceId: second.invoice.invoiceId, status: 'PAID' }, accepted: true }]);
    await expectBooksBalanced(world);
  });

  it('retries when another payment changed the invoice between read and write, applying both exactly', async () => {
    // Prepare: another payment of 10.00 lands on the invoice just before this one is written
    world.postings.beforeNextPost(async () => {
      await recordPayment(world.deps, SHOP, paymentRequest({ amount: '10.00', reference: invoice.number }));
    });

    // Act
    const view = (await recordPayment(world.deps, SHOP, paymentRequest({ amount: '40.00', reference: invoice.number }))).payment;

    // Assess
    expect(world.tables.stats.concurrentUpdates).toBe(1);
    expect(view.allocations).toEqual([{ invoiceId: invoice.invoiceId, invoiceNumber: invoice.number, amount: '40.00' }]);
    const stored = world.tables.invoices.get(invoice.invoiceId)!;
    expect(stored).toMatchObject({ paidMinor: 5_000, balanceMinor: 5_050, status: 'PARTIALLY_PAID' });
    expect(stored.allocations.map((a) => a.amountMinor)).toEqual([1_000, 4_000]);
    expect(world.tables.payments.size).toBe(2);
    await expectBooksBalanced(world);
  });

  it('gives up after repeated concurrent changes and writes nothing for the payment', async () => {
    // Prepare: every attempt finds the invoice changed by someone else
    for (let i = 0; i < 10; i++) {
      world.postings.beforeNextPost(() => {
        const current = world.tables.invoices.get(invoice.invoiceId)!;
        world.tables.invoices.set(invoice.invoiceId, { ...current, history: [...current.history, { status: current.status, at: 'x' }], balanceMinor: current.balanceMinor - 1, paidMinor: current.paidMinor + 1 });
      });
    }

    // Act
    const outcome = recordPayment(world.deps, SHOP, paymentRequest({ amount: '40.00', reference: invoice.number }));

    // Assess
    await expect(outcome).rejects.toBeInstanceOf(ConcurrentUpdateError);
    expect(world.tables.stats.concurrentUpdates).toBe(10);
    expect(world.tables.payments.size).toBe(0);
  });

  it.each([
    [{ amount: '0.00' }, 'amount', 'must be greater than zero'],
    [{ amount: '-5.00' }, 'amount', 'must not be negative'],
    [{ amount: '1.005' }, 'amount', '"1.005" has more than the 2 decimals EUR allows'],
    [{ currency: 'EURO' }, 'currency', 'must be an ISO 4217 currency code such as EUR'],
    [{ valueDate: '2026-02-30' }, 'valueDate', 'must be a calendar date YYYY-MM-DD'],
    [{ invoiceIds: [] }, 'invoiceIds', 'must name at least one invoice when given'],
    [{ note: 'x' }, 'note', 'unknown field: note'],
  ])('refuses %j naming the field, and writes nothing', async (overrides, field, problem) => {
    // Act
    const error = await recordPayment(world.deps, SHOP, paymentRequest({ reference: invoice.number, ...overrides })).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).problems).toEqual([{ field, problem }]);
    expect(world.tables.payments.size).toBe(0);
    expect(world.tables.invoices.get(invoice.invoiceId)?.balanceMinor).toBe(10_050);
  });
});
