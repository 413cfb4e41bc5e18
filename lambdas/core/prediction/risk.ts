/**
 * Customer risk and the ranking of open items by what is at stake, from payment predictions.
 */
import { minorUnitDigits } from '../money/money';
import { dayNumber, type HistoryInvoice } from './history';
import type { Knowledge } from './features';
import { predictPayment, type PaymentModel, type PaymentPrediction } from './model';
import { median } from './stats';

export interface OpenItem {
  readonly invoiceId: string;
  readonly customerId: string;
  readonly currency: string;
  readonly openMinor: number;
  readonly dueDate: string;
}

export interface RankedItem<T extends OpenItem = OpenItem> {
  readonly item: T;
  /** Open amount times the probability of a long delay (more than 30 days after due), minor units. */
  readonly valueAtStakeMinor: number;
  readonly probabilityLongDelay: number;
}

/**
 * Orders open items by expected value at stake: open amount x probability of being paid more than
 * 30 days after the due date. Amounts of different currencies are compared in major units (no
 * exchange rates are known here). Ties: the longer overdue first, then the invoice id. An item
 * without a prediction counts with probability 1 when overdue by more than 30 days, else 0.5.
 */
export function rankByValueAtStake<T extends OpenItem>(items: readonly T[], predictions: ReadonlyMap<string, Pick<PaymentPrediction, 'probabilityLate'>>, today: string): RankedItem<T>[] {
  const t = dayNumber(today);
  const ranked = items.map((item) => {
    const prediction = predictions.get(item.invoiceId);
    const p = prediction ? prediction.probabilityLate.over30 : t - dayNumber(item.dueDate) > 30 ? 1 : 0.5;
    return { item, valueAtStakeMinor: Math.round(item.openMinor * p), probabilityLongDelay: p };
  });
  const major = (r: RankedItem<T>) => r.valueAtStakeMinor / 10 ** minorUnitDigits(r.item.currency);
  return ranked.sort((a, b) => major(b) - major(a) || a.item.dueDate.localeCompare(b.item.dueDate) || a.item.invoiceId.localeCompare(b.item.invoiceId));
}

export interface CustomerRisk {
  readonly customerId: string;
  /** Probability that an open item ends more than 60 days late (or is never paid): amount-weighted over the open items, or for a typical new invoice when none is open. */
  readonly score: number;
  readonly reasons: readonly string[];
  /** A suggested credit limit in the customer's main currency, minor units (rounded to 100 major units). */
  readonly suggestedCreditLimitMinor: number;
  readonly currency: string;
  /** The score a month earlier, and whether it rose sharply since (by 0.15 or more and at least half again). */
  readonly previousScore: number | null;
  readonly sharpRise: boolean;
}

/** The rise that counts as sharp: at least this much, and at least {@link SHARP_RATIO} times the previous score. */
export const SHARP_RISE = 0.15;
export const SHARP_RATIO = 1.5;

export function isSharpRise(previous: number | null, current: number): boolean {
  return previous !== null && current - previous >= SHARP_RISE && current >= previous * SHARP_RATIO;
}

/**
 * The risk of one customer at the knowledge's cutoff. `invoices` are the customer's invoices (any
 * later fact is ignored through the knowledge); `previous` is its score a month earlier, if known.
 */
export function customerRisk(model: PaymentModel, knowledge: Knowledge, invoices: readonly HistoryInvoice[], previous: number | null): CustomerRisk | null {
  if (invoices.length === 0) return null;
  const customerId = invoices[0]!.customerId;
  const cutoff = knowledge.cutoff;
  const open = invoices.filter((i) => dayNumber(i.issueDate) < cutoff && (i.paidDate === null || dayNumber(i.paidDate) >= cutoff));
  const last = invoices[invoices.length - 1]!;
  const currencies = new Map<string, number>();
  for (const i of invoices) currencies.set(i.currency, (currencies.get(i.currency) ?? 0) + 1);
  const currency = [...currencies].sort((a, b) => b[1] - a[1])[0]![0];
  let score: number;
  let reasons: string[];
  if (open.length > 0) {
    const predictions = open.map((i) => ({ invoice: i, prediction: predictPayment(model, knowledge, i) }));
    const total = open.reduce((a, i) => a + i.amountMinor, 0);
    score = predictions.reduce((a, p) => a + p.invoice.amountMinor * p.prediction.probabilityLate.over60, 0) / total;
    const worst = [...predictions].sort((a, b) => b.invoice.amountMinor * b.prediction.probabilityLate.over60 - a.invoice.amountMinor * a.prediction.probabilityLate.over60)[0]!;
    const likely = predictions.filter((p) => p.prediction.probabilityLate.over60 >= 0.5).length;
    reasons = [
      `${likely} of ${open.length} open invoice${open.length === 1 ? '' : 's'} likely to be paid more than 60 days late`,
      ...worst.prediction.reasons.slice(0, 2).map((r) => `${worst.invoice.invoiceId}: ${r}`),
    ];
  } else {
    const amounts = invoices.map((i) => i.amountMinor);
    const terms = median(invoices.map((i) => dayNumber(i.dueDate) - dayNumber(i.issueDate)));
    const issueDate = new Date(cutoff * 86_400_000).toISOString().slice(0, 10);
    const dueDate = new Date((cutoff + Math.round(terms)) * 86_400_000).toISOString().slice(0, 10);
    const typical = predictPayment(model, knowledge, { ...last, invoiceId: `${customerId}-typical`, issueDate, dueDate, amountMinor: Math.round(median(amounts)), disputedOn: null, reminders: [] });
    score = typical.probabilityLate.over60;
    reasons = ['no open invoice: the risk of a typical new invoice', ...typical.reasons.slice(0, 2)];
  }
  score = Math.round(score * 100) / 100;
  // Credit: about what the customer buys within its payment terms (at least a month), discounted by the risk.
  const recent = invoices.filter((i) => dayNumber(i.issueDate) < cutoff && dayNumber(i.issueDate) >= cutoff - 180 && i.currency === currency);
  const monthly = recent.reduce((a, i) => a + i.amountMinor, 0) / 6;
  const terms = median(invoices.map((i) => dayNumber(i.dueDate) - dayNumber(i.issueDate)));
  const unit = 100 * 10 ** minorUnitDigits(currency);
  const suggestedCreditLimitMinor = Math.floor((monthly * (Math.max(terms, 30) / 30) * (1 - score)) / unit) * unit;
  const sharpRise = isSharpRise(previous, score);
  if (sharpRise) reasons.unshift(`risk rose from ${Math.round(previous! * 100)}% to ${Math.round(score * 100)}% in a month`);
  return { customerId, score, reasons, suggestedCreditLimitMinor, currency, previousScore: previous, sharpRise };
}
