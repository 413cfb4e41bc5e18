/**
 * Control sums of SEPA files: the number of transactions and the sum of their amounts, for the
 * group header and each payment information block. Amounts are integer cents in EUR; the files
 * carry them as decimals with two places (`1234.50`), never through a float.
 */
import { formatAmount, money } from '../money/money';

export interface ControlSum {
  readonly numberOfTransactions: number;
  /** Sum in cents. */
  readonly sumMinor: number;
}

export function controlSum(amountsMinor: readonly number[]): ControlSum {
  for (const a of amountsMinor) {
    if (!Number.isSafeInteger(a) || a <= 0) throw new Error(`A SEPA transaction amount must be a positive whole number of cents, not ${a}`);
  }
  return { numberOfTransactions: amountsMinor.length, sumMinor: amountsMinor.reduce((s, a) => s + a, 0) };
}

/** EUR cents as the files write them: `12.30`. SEPA amounts are 0.01 to 999999999.99. */
export function sepaAmount(amountMinor: number): string {
  if (!Number.isSafeInteger(amountMinor) || amountMinor < 1 || amountMinor > 99_999_999_999) throw new Error(`A SEPA amount must be from 0.01 to 999999999.99 EUR, not ${amountMinor} cents`);
  return formatAmount(money(amountMinor, 'EUR'));
}
