import { beforeEach, describe, expect, it } from 'vitest';
import { ledgerCheck } from '../../../lambdas/core/reports/ledger-check';
import { recordPayment } from '../../../lambdas/core/payments/record-payment';
import { inMemoryWorld, type InMemoryWorld } from '../../support/in-memory';
import { SHOP, aCustomer, paymentRequest } from '../../support/builders';
import { invoicedOrder } from '../../support/scenarios';

describe('ledger check', () => {
  let world: InMemoryWorld;

  beforeEach(() => {
    world = inMemoryWorld({ start: '2026-03-02T09:00:00Z' });
    world.customers.seed(aCustomer({ customerId: 'C-1', currency: 'EUR' }));
    world.customers.seed(aCustomer({ customerId: 'C-JP', currency: 'JPY' }));
  });

  it('is balanced with nothing posted', async () => {
    // Act
    const check = await ledgerCheck(world.deps);

    // Assess
    expect(check).toEqual({ balanced: true, debits: {}, credits: {}, receivablesControl: {}, openItemsTotal: {}, problems: [] });
  });

  it('is balanced after invoices, partial, full, over- and unapplied payments in two currencies', async () => {
    // Prepare
    const eur = await invoicedOrder(world);
    const eur2 = await invoicedOrder(world, { lines: [{ sku: 'B', quantity: 1, unitPrice: '30.00' }] });
    await invoicedOrder(world, { customerId: 'C-JP', currency: 'JPY', lines: [{ sku: 'C', quantity: 3, unitPrice: '1500' }] });
    await recordPayment(world.deps, SHOP, paymentRequest({ amount: '40.00', reference: eur.invoice.number }));
    await recordPayment(world.deps, SHOP, paymentRequest({ amount: '100.00', reference: eur2.invoice.number }));
    await recordPayment(world.deps, SHOP, paymentRequest({ amount: '12.34', reference: 'nothing we know' }));

    // Act
    const check = await ledgerCheck(world.deps);

    // Assess
    expect(check).toEqual({
      balanced: true,
      debits: { EUR: '282.84', JPY: '4500' },
      credits: { EUR: '282.84', JPY: '4500' },
      receivablesControl: { EUR: '60.50', JPY: '4500' },
      openItemsTotal: { EUR: '60.50', JPY: '4500' },
      problems: [],
    });
  });

  it('fails when a journal line was lost: debits no longer equal credits and the journal is named', async () => {
    // Prepare
    const { invoice } = await invoicedOrder(world);
    const revenue = world.tables.ledger.findIndex((r) => r.account === 'revenue');
    world.tables.ledger.splice(revenue, 1);

    // Act
    const check = await ledgerCheck(world.deps);

    // Assess
    expect(check.balanced).toBe(false);
    expect(check.problems).toEqual(['EUR: debits 100.50 differ from credits 0.00', `journal invoice-${invoice.invoiceId} is unbalanced`]);
  });

  it('fails when an invoice balance no longer matches the receivables control account', async () => {
    // Prepare
    const { invoice } = await invoicedOrder(world);
    const stored = world.tables.invoices.get(invoice.invoiceId)!;
    world.tables.invoices.set(invoice.invoiceId, { ...stored, balanceMinor: stored.balanceMinor - 1 });

    // Act
    const check = await ledgerCheck(world.deps);

    // Assess
    expect(check.balanced).toBe(false);
    expect(check.problems).toEqual(['EUR: receivables control 100.50 differs from open items 100.49']);
    expect(check.receivablesControl).toEqual({ EUR: '100.50' });
    expect(check.openItemsTotal).toEqual({ EUR: '100.49' });
  });

  it('fails for a journal unbalanced in itself even when the totals happen to match', async () => {
    // Prepare: two wrong journals that cancel out in the totals
    world.tables.ledger.push(
      { journalId: 'j-1', lineNo: 1, event: 'PaymentReceived', postedAt: 'x', account: 'cash', side: 'debit', amountMinor: 5, currency: 'EUR', reference: 'p' },
      { journalId: 'j-2', lineNo: 1, event: 'PaymentReceived', postedAt: 'x', account: 'unapplied-cash', side: 'credit', amountMinor: 5, currency: 'EUR', reference: 'p' },
    );

    // Act
    const check = await ledgerCheck(world.deps);

    // Assess
    expect(check.balanced).toBe(false);
    expect(check.problems).toEqual(['journal j-1 is unbalanced', 'journal j-2 is unbalanced']);
  });
});
