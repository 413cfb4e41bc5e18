import { describe, expect, it } from 'vitest';
import { compensationFor, fixingDate, interestToDate, statutoryRateFor } from '../../../lambdas/core/dunning/charges';
import { EU_LATE_PAYMENT_POLICY, UK_LATE_PAYMENT_POLICY, percentToMicros } from '../../../lambdas/core/dunning/policy';
import { anInvoice } from '../../support/builders';

const eu = EU_LATE_PAYMENT_POLICY.interest!;
const uk = UK_LATE_PAYMENT_POLICY.interest!;

describe('reference rate fixing', () => {
  it('EU: the ECB rate in force on 1 January / 1 July of the half-year', () => {
    expect(fixingDate(eu, '2025-03-15')).toBe('2025-01-01');
    expect(fixingDate(eu, '2025-08-15')).toBe('2025-07-01');
    // On 1 Jan 2025 the ECB rate was 3.15 (18 Dec 2024), on 1 Jul 2025 2.15 (11 Jun 2025).
    expect(statutoryRateFor(eu, '2025-03-15')).toBe(percentToMicros('11.15'));
    expect(statutoryRateFor(eu, '2025-08-15')).toBe(percentToMicros('10.15'));
  });

  it('UK: the base rate in force on 31 December / 30 June before the half-year', () => {
    expect(fixingDate(uk, '2025-03-15')).toBe('2024-12-31');
    expect(fixingDate(uk, '2025-08-15')).toBe('2025-06-30');
    expect(statutoryRateFor(uk, '2025-03-15')).toBe(percentToMicros('12.75'));
    expect(statutoryRateFor(uk, '2025-08-15')).toBe(percentToMicros('12.25'));
  });

  it('knows no rate before the table starts', () => {
    expect(statutoryRateFor({ ...eu, rates: [{ from: '2030-01-01', rateMicros: 1 }] }, '2025-03-15')).toBeNull();
  });
});

describe('simple interest, actual/365, integer minor units', () => {
  it('accrues from the day after the due date, one rounding at the end', () => {
    // 10,000.00 EUR at 10.15 % for 30 days: 1,000,000 * 0.1015 * 30 / 365 = 8342.465... -> 8342
    const invoice = anInvoice({ totalMinor: 1_000_000, balanceMinor: 1_000_000, dueDate: '2025-08-01' });
    expect(interestToDate(invoice, eu, '2025-08-31', 'Europe/Berlin')).toEqual({ interestMinor: 8342, days: 30, daysWithoutRate: 0 });
    expect(interestToDate(invoice, eu, '2025-08-01', 'Europe/Berlin').interestMinor).toBe(0);
    expect(interestToDate(invoice, eu, '2025-07-20', 'Europe/Berlin').interestMinor).toBe(0);
  });

  it('counts a partial payment from the day it was made', () => {
    // Outstanding at the end of each day: 2-10 Aug on 10,000.00 (9 days), from 11 Aug (paid that day) on 4,000.00 (21 days).
    const invoice = anInvoice({
      totalMinor: 1_000_000,
      paidMinor: 600_000,
      balanceMinor: 400_000,
      dueDate: '2025-08-01',
      allocations: [{ paymentId: 'P-1', amountMinor: 600_000, at: '2025-08-11T09:00:00Z' }],
    });
    const expected = Math.round((1_000_000 * 9 + 400_000 * 21) * 0.1015 / 365);
    expect(interestToDate(invoice, eu, '2025-08-31', 'Europe/Berlin').interestMinor).toBe(expected);
  });

  it('switches rate at a half-year boundary', () => {
    const invoice = anInvoice({ totalMinor: 1_000_000, balanceMinor: 1_000_000, dueDate: '2025-06-20' });
    // 10 days in the first half (11.15 %), 10 days in the second (10.15 %).
    const numerator = 1_000_000n * (10n * 111_500n + 10n * 101_500n);
    const expected = Number((numerator * 2n + 365_000_000n) / 730_000_000n);
    expect(interestToDate(invoice, eu, '2025-07-10', 'Europe/Berlin').interestMinor).toBe(expected);
  });
});

describe('fixed compensation', () => {
  it('EU: 40 EUR per invoice', () => {
    expect(compensationFor(EU_LATE_PAYMENT_POLICY.compensation, 'EUR', 1)).toBe(4000);
    expect(compensationFor(EU_LATE_PAYMENT_POLICY.compensation, 'GBP', 100_000)).toBe(0);
  });
  it('UK: 40 / 70 / 100 GBP by the size of the debt', () => {
    const rule = UK_LATE_PAYMENT_POLICY.compensation;
    expect(compensationFor(rule, 'GBP', 99_999)).toBe(4000);
    expect(compensationFor(rule, 'GBP', 100_000)).toBe(7000);
    expect(compensationFor(rule, 'GBP', 999_999)).toBe(7000);
    expect(compensationFor(rule, 'GBP', 1_000_000)).toBe(10_000);
  });
});
