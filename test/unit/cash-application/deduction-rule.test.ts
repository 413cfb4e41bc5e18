/**
 * The one rule for a remittance advice's deductions (`decideDeduction`, `withinShortPayTolerance` in
 * `remittance-advice.ts`), asked by the matcher when the advice comes first and by the advice intake
 * when the transfer came first: agreed terms (X12 57, AJ, 48) written off within the short-payment
 * tolerance (both the currency's limit and the share of the balance), everything else kept open.
 */
import { describe, expect, it } from 'vitest';
import { decideDeduction, DEDUCTION_REASONS, deductionWriteOffCode, withinShortPayTolerance } from '../../../lambdas/core/cash-application/remittance-advice';
import { DEFAULT_CASH_APPLICATION_POLICY } from '../../../lambdas/core/cash-application/matcher';

const policy = DEFAULT_CASH_APPLICATION_POLICY.shortPay; // EUR 5.00, 2 % of the balance
const deduct = (reasonCode: string | null, deductionMinor: number, balanceMinor: number, currency = 'EUR') =>
  decideDeduction({ invoiceNumber: 'INV-7', deductionMinor, reasonCode }, balanceMinor, currency, policy);

describe('withinShortPayTolerance', () => {
  it('holds only when both the currency limit and the share of the balance hold, at the edges included', () => {
    expect(withinShortPayTolerance(policy, 500, 25_000, 'EUR')).toBe(true); // 5.00 of 250.00: exactly 2 %, exactly the limit
    expect(withinShortPayTolerance(policy, 501, 100_000, 'EUR')).toBe(false); // over 5.00
    expect(withinShortPayTolerance(policy, 400, 19_999, 'EUR')).toBe(false); // just over 2 %
    expect(withinShortPayTolerance(policy, 400, 20_000, 'EUR')).toBe(true);
    expect(withinShortPayTolerance(policy, 0, 20_000, 'EUR')).toBe(false);
    expect(withinShortPayTolerance(policy, 100, 20_000, 'CZK')).toBe(false); // a currency the policy does not list
    expect(withinShortPayTolerance(policy, 4_000, 1_000_000, 'SEK')).toBe(true); // 40.00 SEK (limit 50.00)
  });
});

describe('decideDeduction', () => {
  it('writes off an agreed term (AJ, 57, 48) within tolerance, with the reason', () => {
    expect(deduct('AJ', 400, 20_000)).toEqual({
      invoiceNumber: 'INV-7',
      amountMinor: 400,
      reasonCode: 'AJ',
      reasonName: 'Early Payment Allowance',
      booking: 'write-off',
      why: 'INV-7: 4.00 EUR deducted, X12 AJ Early Payment Allowance: written off (agreed terms, within tolerance)',
    });
    expect(deduct('57', 500, 30_000)?.booking).toBe('write-off');
    expect(deduct('48', 150, 10_000)?.booking).toBe('write-off');
    expect(deductionWriteOffCode('AJ')).toBe('X12-AJ');
  });

  it('keeps an agreed term above the tolerance open, whichever limit it passes', () => {
    expect(deduct('57', 1_000, 100_000)).toMatchObject({ booking: 'kept-open', why: 'INV-7: 10.00 EUR deducted, X12 57 Volume Discount Taken: kept open (above the write-off tolerance)' });
    expect(deduct('AJ', 300, 10_000)?.booking).toBe('kept-open'); // 3.00 is within 5.00 but 3 % of 100.00
    expect(deduct('48', 100, 10_000, 'CZK')?.booking).toBe('kept-open'); // a currency the policy does not list
  });

  it('keeps every dispute open, however small', () => {
    const disputes = Object.entries(DEDUCTION_REASONS).filter(([, r]) => r.booking === 'kept-open').map(([code]) => code);
    expect(disputes).toContain('04');
    for (const code of disputes) expect(deduct(code, 1, 1_000_000)?.booking).toBe('kept-open');
    expect(deduct('04', 500, 5_000)?.why).toBe('INV-7: 5.00 EUR deducted, X12 04 Item Not Accepted - Damaged: kept open for finance to credit or chase');
  });

  it('decides nothing for a line without a deduction or reason', () => {
    expect(deduct(null, 0, 10_000)).toBeNull();
    expect(deduct('57', 0, 10_000)).toBeNull();
    expect(deduct(null, 100, 10_000)).toBeNull();
  });
});
