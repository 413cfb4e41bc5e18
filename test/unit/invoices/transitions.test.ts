import { describe, expect, it } from 'vitest';
import {
  addCharges,
  allocatePayment,
  chargesIdentity,
  creditInvoice,
  InvoiceTransitionError,
  newChargesItem,
  writeOffInvoice,
  writeOffShortPayment,
  type Transition,
} from '../../../lambdas/core/invoices/transitions';
import { mapLimit } from '../../../lambdas/core/kernel/concurrency';
import { retryOnConflict } from '../../../lambdas/core/kernel/retry';
import { ConcurrentUpdateError } from '../../../lambdas/core/ports';
import { anInvoice } from '../../support/builders';

const at = '2026-03-10T12:00:00.000Z';
const invoice = anInvoice({ invoiceId: 'I-1', totalMinor: 11_900, balanceMinor: 11_900, netTotalMinor: 10_000, taxTotalMinor: 1_900 });

/** Debits minus credits of the journal lines, per account. */
function net(transition: Transition) {
  const sums: Record<string, number> = {};
  for (const l of transition.journalLines) sums[l.account] = (sums[l.account] ?? 0) + (l.side === 'debit' ? l.amount.minor : -l.amount.minor);
  return sums;
}

describe('invoice transitions: the only code that moves a balance', () => {
  it('allocates a payment: paid rises, balance falls, status follows, history and allocation appended, receivables credited', () => {
    const partly = allocatePayment(invoice, { paymentId: 'P-1', amountMinor: 4_000, currency: 'EUR', at, note: 'payment P-1' });
    expect(partly.invoice).toMatchObject({ paidMinor: 4_000, balanceMinor: 7_900, status: 'PARTIALLY_PAID', allocations: [{ paymentId: 'P-1', amountMinor: 4_000, at }] });
    expect(partly.invoice.history.at(-1)).toEqual({ status: 'PARTIALLY_PAID', at, note: 'payment P-1' });
    expect(net(partly)).toEqual({ receivables: -4_000 });
    const paid = allocatePayment(partly.invoice, { paymentId: 'P-2', amountMinor: 7_900, currency: 'EUR', at, note: 'payment P-2' });
    expect(paid.invoice).toMatchObject({ paidMinor: 11_900, balanceMinor: 0, status: 'PAID' });
    expect(paid.invoice.history).toHaveLength(invoice.history.length + 2);
  });

  it('never takes more than the balance, another currency, or money for an item that is not open', () => {
    expect(() => allocatePayment(invoice, { paymentId: 'P', amountMinor: 11_901, currency: 'EUR', at, note: '' })).toThrow(InvoiceTransitionError);
    expect(() => allocatePayment(invoice, { paymentId: 'P', amountMinor: 100, currency: 'USD', at, note: '' })).toThrow(/is in EUR, not USD/);
    expect(() => allocatePayment(invoice, { paymentId: 'P', amountMinor: -1, currency: 'EUR', at, note: '' })).toThrow(InvoiceTransitionError);
    expect(() => writeOffInvoice({ ...invoice, status: 'WRITTEN_OFF', balanceMinor: 0 }, { amountMinor: 1, at, note: '' })).toThrow(/no open balance/);
    expect(() => creditInvoice(invoice, { amountMinor: 20_000, at, note: '' })).toThrow(InvoiceTransitionError);
  });

  it('writes off a short payment against the write-off account with the reason code; paid stays', () => {
    const t = writeOffShortPayment({ ...invoice, balanceMinor: 150, paidMinor: 11_750 }, { amountMinor: 150, reasonCode: 'SHORT_PAY_WITHIN_TOLERANCE', at });
    expect(t.invoice).toMatchObject({ balanceMinor: 0, paidMinor: 11_750, status: 'PAID' });
    expect(t.journalLines.map((l) => [l.account, l.side, l.amount.minor, l.reasonCode])).toEqual([
      ['write-off', 'debit', 150, 'SHORT_PAY_WITHIN_TOLERANCE'],
      ['receivables', 'credit', 150, 'SHORT_PAY_WITHIN_TOLERANCE'],
    ]);
  });

  it('credits in the net/tax proportion; credited in full with nothing paid is CREDITED, otherwise the status follows', () => {
    const full = creditInvoice(invoice, { amountMinor: 11_900, at, note: 'credit note' });
    expect(full.invoice).toMatchObject({ balanceMinor: 0, status: 'CREDITED' });
    expect(net(full)).toEqual({ revenue: 10_000, 'tax-payable': 1_900, receivables: -11_900 });
    const part = creditInvoice({ ...invoice, paidMinor: 1_900, balanceMinor: 10_000 }, { amountMinor: 10_000, at, note: 'credit note' });
    expect(part.invoice.status).toBe('PAID');
  });

  it('writes off in full (WRITTEN_OFF) or in part (the rest stays open) as bad debt', () => {
    expect(writeOffInvoice(invoice, { amountMinor: 11_900, at, note: 'insolvent' }).invoice.status).toBe('WRITTEN_OFF');
    const part = writeOffInvoice({ ...invoice, overdueSince: at, status: 'OVERDUE' }, { amountMinor: 900, at, note: 'part' });
    expect(part.invoice).toMatchObject({ balanceMinor: 11_000, status: 'OVERDUE' });
    expect(net(part)).toEqual({ 'bad-debt-expense': 900, receivables: -900 });
  });

  it('keeps fees and interest apart: only a charges item takes them, never the principal', () => {
    expect(() => addCharges(invoice, { principalInvoiceId: 'I-1', feeMinor: 500, interestMinor: 0, at, note: '' })).toThrow(/not a charges item/);
    const item = newChargesItem(invoice, '2026-03-10', at);
    expect(item).toMatchObject({ invoiceId: chargesIdentity(invoice).invoiceId, chargesOf: 'I-1', balanceMinor: 0 });
    const t = addCharges(item, { principalInvoiceId: 'I-1', feeMinor: 500, interestMinor: 123, at, note: 'level 1' });
    expect(t.invoice).toMatchObject({ totalMinor: 623, balanceMinor: 623, status: 'OPEN' });
    expect(net(t)).toEqual({ receivables: 623, 'dunning-fee-income': -500, 'interest-income': -123 });
  });
});

describe('kernel helpers', () => {
  it('retryOnConflict runs again on a concurrent change, at most the attempts given, and passes other errors at once', async () => {
    let calls = 0;
    await expect(
      retryOnConflict(async () => {
        calls++;
        if (calls < 3) throw new ConcurrentUpdateError('x');
        return 'done';
      }, { attempts: 5, baseDelayMs: 1 }),
    ).resolves.toBe('done');
    expect(calls).toBe(3);
    calls = 0;
    await expect(retryOnConflict(async () => { calls++; throw new ConcurrentUpdateError('x'); }, { attempts: 2, baseDelayMs: 1 })).rejects.toBeInstanceOf(ConcurrentUpdateError);
    expect(calls).toBe(2);
    calls = 0;
    await expect(retryOnConflict(async () => { calls++; throw new Error('boom'); }, { attempts: 5 })).rejects.toThrow('boom');
    expect(calls).toBe(1);
  });

  it('mapLimit starts nothing new after a failure and throws the first error once the running items finished', async () => {
    const started: number[] = [];
    const error = await mapLimit([1, 2, 3, 4, 5, 6], 2, async (n) => {
      started.push(n);
      await new Promise((r) => setTimeout(r, 2));
      if (n === 2) throw new Error(`failed ${n}`);
      return n;
    }).catch((e: unknown) => e);
    expect(String(error)).toContain('failed 2');
    expect(started.length).toBeLessThan(6);
  });
});
