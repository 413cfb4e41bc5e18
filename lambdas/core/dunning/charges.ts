/**
 * What an overdue item costs the customer beyond its principal: statutory interest to date and
 * fixed compensation. Integer arithmetic only.
 *
 * Interest is simple interest, day count actual/365: for every calendar day from the day after
 * the due date up to and including the day it is computed for, the principal outstanding at the
 * end of that day times the annual rate in force for that day (reference rate by the policy's
 * fixing, plus the margin), divided by 365. The exact sum of the day terms is rounded once, half
 * up, to the currency's minor unit. The principal outstanding on a past day is the balance today
 * plus the payments allocated after that day, so partial payments reduce the interest from the
 * day they were made; credit notes count from the first day (they correct the invoice amount).
 */
import type { Invoice } from '../invoices/invoice';
import { addCalendarDays, calendarDateIn, calendarDaysBetween } from '../time/clock';
import type { CompensationRule, InterestRule } from './policy';

/** Micro-percent per unit, times days per year: the divisor of one day's term. */
const DIVISOR = 100n * 10_000n * 365n;

/** The day whose reference rate applies to `date` under the rule's fixing. */
export function fixingDate(rule: Pick<InterestRule, 'fixing'>, date: string): string {
  if (rule.fixing === 'daily') return date;
  const year = Number(date.slice(0, 4));
  const secondHalf = Number(date.slice(5, 7)) >= 7;
  if (rule.fixing === 'half-year-start') return secondHalf ? `${year}-07-01` : `${year}-01-01`;
  return secondHalf ? `${year}-06-30` : `${year - 1}-12-31`;
}

/** The reference rate in force on `date` (micro-percent), or null when the table starts later. */
export function referenceRateOn(rule: Pick<InterestRule, 'rates'>, date: string): number | null {
  let rate: number | null = null;
  for (const r of rule.rates) {
    if (r.from <= date) rate = r.rateMicros;
    else break;
  }
  return rate;
}

/** The annual rate (micro-percent) that applies to a day of arrears: reference by fixing + margin. */
export function statutoryRateFor(rule: InterestRule, date: string): number | null {
  const reference = referenceRateOn(rule, fixingDate(rule, date));
  return reference === null ? null : reference + rule.marginMicros;
}

export interface InterestResult {
  readonly interestMinor: number;
  readonly days: number;
  /** Days for which no reference rate was known (no interest counted for them). */
  readonly daysWithoutRate: number;
}

/**
 * Statutory interest on the invoice's principal from the day after its due date to `asOf`
 * (inclusive), as documented above. Zero before the due date has passed.
 */
export function interestToDate(
  invoice: Pick<Invoice, 'dueDate' | 'balanceMinor' | 'allocations'>,
  rule: InterestRule,
  asOf: string,
  businessTimeZone: string,
): InterestResult {
  const days = calendarDaysBetween(invoice.dueDate, asOf);
  if (days <= 0) return { interestMinor: 0, days: 0, daysWithoutRate: 0 };
  const payments = invoice.allocations
    .map((a) => ({ date: calendarDateIn(new Date(a.at), businessTimeZone), amountMinor: a.amountMinor }))
    .sort((a, b) => a.date.localeCompare(b.date));
  let numerator = 0n;
  let daysWithoutRate = 0;
  for (let i = 1; i <= days; i++) {
    const day = addCalendarDays(invoice.dueDate, i);
    const rate = statutoryRateFor(rule, day);
    if (rate === null) {
      daysWithoutRate++;
      continue;
    }
    let outstanding = invoice.balanceMinor;
    for (const p of payments) if (p.date > day) outstanding += p.amountMinor;
    if (outstanding > 0) numerator += BigInt(outstanding) * BigInt(rate);
  }
  const interestMinor = Number((numerator * 2n + DIVISOR) / (DIVISOR * 2n));
  return { interestMinor, days, daysWithoutRate };
}

/** The fixed compensation for a debt of `debtMinor` in `currency`: the highest tier it reaches; 0 when the rule has no tiers for it. */
export function compensationFor(rule: CompensationRule | null, currency: string, debtMinor: number): number {
  const tiers = rule?.tiers[currency];
  if (!tiers) return 0;
  let amount = 0;
  for (const t of tiers) if (debtMinor >= t.fromMinor) amount = t.amountMinor;
  return amount;
}
