/**
 * Issue 13: "on-account credit ... automatically to the next invoice if the customer's setting says
 * so": the customer's `autoApplyCredit` applies its credit to a new invoice through the one credit
 * application path (the invoice's allocation, customer credit against receivables), once.
 */
import { describe, expect, it } from 'vitest';
import { applyCreditToNewInvoice } from '../../../lambdas/core/sepa/refunds';
import { customerFromRequest } from '../../../lambdas/core/customers/customer';
import { ForbiddenFieldError } from '../../../lambdas/core/errors';
import { aCustomer, anInvoice } from '../../support/builders';
import { inMemoryWorld } from '../../support/in-memory';

function world(customer: Parameters<typeof aCustomer>[0], invoice: Parameters<typeof anInvoice>[0]) {
  const w = inMemoryWorld({ start: '2027-03-20T09:00:00Z' });
  const c = aCustomer({ customerId: 'C-1', currency: 'EUR', ...customer });
  const i = anInvoice({ invoiceId: 'I-9', customerId: 'C-1', currency: 'EUR', totalMinor: 1_200, balanceMinor: 1_200, ...invoice });
  w.tables.customers.set(c.customerId, c);
  w.tables.invoices.set(i.invoiceId, i);
  const deps = { customers: w.customers, invoices: w.invoices, postings: w.postings, workflow: w.workflow, clock: w.clock };
  return { w, deps, invoice: i };
}

describe('on-account credit applied to a new invoice by the customer setting', () => {
  it('applies the credit up to the balance, posts customer credit against receivables, and not twice', async () => {
    const { w, deps, invoice } = world({ onAccountCreditMinor: 500, autoApplyCredit: true }, {});
    expect(await applyCreditToNewInvoice(deps, invoice)).toBe(500);
    expect(w.tables.invoices.get('I-9')).toMatchObject({ balanceMinor: 700, paidMinor: 500 });
    expect(w.tables.customers.get('C-1')!.onAccountCreditMinor).toBe(0);
    const rows = w.tables.ledger.filter((r) => r.journalId?.startsWith('credit-applied-AUTO'));
    expect(rows.map((r) => [r.account, r.side, r.amountMinor])).toEqual([
      ['customer-credit', 'debit', 500],
      ['receivables', 'credit', 500],
    ]);
    // A retried issue step: the credit is gone, and the same application is not posted again.
    w.tables.customers.set('C-1', { ...w.tables.customers.get('C-1')!, onAccountCreditMinor: 300 });
    await applyCreditToNewInvoice(deps, invoice);
    expect(w.tables.invoices.get('I-9')!.balanceMinor).toBe(700);
    expect(w.tables.ledger.filter((r) => r.journalId?.startsWith('credit-applied-AUTO'))).toHaveLength(2);
  });

  it('settles an invoice the credit covers, keeping the rest of the credit', async () => {
    const { w, deps, invoice } = world({ onAccountCreditMinor: 5_000, autoApplyCredit: true }, {});
    expect(await applyCreditToNewInvoice(deps, invoice)).toBe(1_200);
    expect(w.tables.invoices.get('I-9')).toMatchObject({ balanceMinor: 0, status: 'PAID' });
    expect(w.tables.customers.get('C-1')!.onAccountCreditMinor).toBe(3_800);
  });

  it('applies nothing without the setting, without credit, or in another currency', async () => {
    for (const [customer, invoice] of [
      [{ onAccountCreditMinor: 500 }, {}],
      [{ onAccountCreditMinor: 500, autoApplyCredit: false }, {}],
      [{ onAccountCreditMinor: 0, autoApplyCredit: true }, {}],
      [{ onAccountCreditMinor: 500, autoApplyCredit: true }, { currency: 'USD' }],
    ] as const) {
      const { w, deps, invoice: i } = world(customer, invoice);
      expect(await applyCreditToNewInvoice(deps, i)).toBe(0);
      expect(w.tables.invoices.get('I-9')!.balanceMinor).toBe(1_200);
      expect(w.tables.ledger).toHaveLength(0);
    }
  });

  it('is finance\'s setting: a storefront may not send it; kept when not sent', () => {
    const body = { name: 'Acme', email: 'ap@acme.example', currency: 'EUR', autoApplyCredit: true };
    const now = new Date('2027-03-20T09:00:00Z');
    const defaults = { creditLimit: '0', paymentTermsDays: 30, dunningPolicyId: 'default' };
    expect(() => customerFromRequest('C-1', body, undefined, now, { clientId: 'shop', role: 'storefront' }, defaults)).toThrow(ForbiddenFieldError);
    const set = customerFromRequest('C-1', body, undefined, now, { clientId: 'fin', role: 'finance' }, defaults);
    expect(set.autoApplyCredit).toBe(true);
    const { autoApplyCredit: _a, ...rest } = body;
    expect(customerFromRequest('C-1', rest, set, now, { clientId: 'fin', role: 'finance' }, defaults).autoApplyCredit).toBe(true);
  });
});
