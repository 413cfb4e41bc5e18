/**
 * The payment history a prediction learns from: one record per invoice, with every fact dated so
 * that what was known at a cutoff can be told apart from what happened after it.
 *
 * Dates are calendar dates `YYYY-MM-DD`; amounts are integer minor units with their currency.
 */

export interface PromiseToPay {
  /** The day the customer promised. */
  readonly madeOn: string;
  /** The day it promised to pay by. */
  readonly promisedFor: string;
}

export interface HistoryInvoice {
  readonly invoiceId: string;
  readonly customerId: string;
  /** ISO 3166 country of the customer (free text is tolerated; it only groups customers). */
  readonly country: string;
  readonly issueDate: string;
  readonly dueDate: string;
  readonly amountMinor: number;
  readonly currency: string;
  /** The day a dispute was raised, or null. */
  readonly disputedOn: string | null;
  /** How the invoice reached the customer (`paper`, `electronic`, `email`, ...). */
  readonly channel: string;
  /** The day the invoice was paid in full, or null while open (or written off). */
  readonly paidDate: string | null;
  /** The days a reminder (dunning letter) was sent for this invoice. */
  readonly reminders?: readonly string[];
  /** Promises to pay made for this invoice. */
  readonly promises?: readonly PromiseToPay[];
}

const DAY_MS = 86_400_000;

/**
 * A calendar date as a whole day count since 1970-01-01. Pure arithmetic on the date's digits
 * (no clock is read); used for speed, the features compute thousands of differences.
 */
export function dayNumber(date: string): number {
  return Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) / DAY_MS;
}

/** The calendar date of a day count from {@link dayNumber}. */
export function dateOfDay(day: number): string {
  return new Date(Math.round(day) * DAY_MS).toISOString().slice(0, 10);
}

/** Days the invoice was paid after its due date (negative: early), or null while unpaid. */
export function latenessDays(invoice: Pick<HistoryInvoice, 'dueDate' | 'paidDate'>): number | null {
  return invoice.paidDate === null ? null : dayNumber(invoice.paidDate) - dayNumber(invoice.dueDate);
}

/**
 * The invoice as it was known at the start of `cutoff` (a day number): null when it was not yet
 * issued; its payment only when paid before the cutoff; a dispute, reminders and promises only
 * when they happened before it. Everything the features read goes through this function, so no
 * later fact can reach a prediction.
 */
export function asKnownAt(invoice: HistoryInvoice, cutoff: number): HistoryInvoice | null {
  if (dayNumber(invoice.issueDate) >= cutoff) return null;
  const before = (date: string) => dayNumber(date) < cutoff;
  return {
    ...invoice,
    paidDate: invoice.paidDate !== null && before(invoice.paidDate) ? invoice.paidDate : null,
    disputedOn: invoice.disputedOn !== null && before(invoice.disputedOn) ? invoice.disputedOn : null,
    reminders: (invoice.reminders ?? []).filter(before),
    promises: (invoice.promises ?? []).filter((p) => before(p.madeOn)),
  };
}

/** The whole history as known at `cutoff`: invoices issued before it, each cut by {@link asKnownAt}. */
export function historyKnownAt(history: readonly HistoryInvoice[], cutoff: number): HistoryInvoice[] {
  const known: HistoryInvoice[] = [];
  for (const invoice of history) {
    const k = asKnownAt(invoice, cutoff);
    if (k) known.push(k);
  }
  return known;
}
