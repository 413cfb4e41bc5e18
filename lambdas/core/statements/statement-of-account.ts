/**
 * The statement of account of one customer for a period: per currency, the opening balance, every
 * invoice, fee and interest charge, payment, credit and write-off in the period with the running
 * balance, the closing balance, and the aging of what is open at the period's end.
 *
 * It is read from the customer's open items themselves (their totals, allocations and history),
 * which is what the receivables control balance equals: the closing balance is always the sum of
 * the open balances. A payment the provider took back (refund, chargeback) shrinks the allocation
 * it made, so the statement shows the payment net of it. Pure: the caller reads the items.
 */
import * as z from 'zod';
import { formatAmount, money } from '../money/money';
import { calendarDate, parseWith } from '../validation';
import { ValidationError } from '../errors';
import { AGING_BUCKETS, agingBucketOf, csvLines, type AgingBucket } from '../reports/aging';
import { calendarDateIn, calendarDaysBetween } from '../time/clock';
import type { Invoice } from '../invoices/invoice';
import type { Customer } from '../customers/customer';

export type StatementEntryKind = 'invoice' | 'charges' | 'payment' | 'credit' | 'write-off';

export interface StatementEntry {
  readonly date: string;
  readonly kind: StatementEntryKind;
  /** The item's number (the payment's id for payments, with the item it paid). */
  readonly document: string;
  readonly invoiceId: string;
  readonly description: string;
  /** Positive: the customer owes more (invoice, charges); negative: less (payment, credit, write-off). */
  readonly amountMinor: number;
}

export const statementQuery = z.strictObject({ from: calendarDate.optional(), to: calendarDate.optional() });

/** The most days one statement covers. */
export const MAX_STATEMENT_DAYS = 366 * 3;

/** The period asked for: `to` defaults to today, `from` to the first of `to`'s month. */
export function statementPeriod(query: unknown, now: Date, timeZone: string): { from: string; to: string } {
  const q = parseWith(statementQuery, query);
  const to = q.to ?? calendarDateIn(now, timeZone);
  const from = q.from ?? `${to.slice(0, 8)}01`;
  if (from > to) throw ValidationError.of('from', `must not be after to (${to})`);
  if (calendarDaysBetween(from, to) > MAX_STATEMENT_DAYS) throw ValidationError.of('from', `must be at most ${MAX_STATEMENT_DAYS} days before to`);
  return { from, to };
}

/** Every money event of the customer's items, oldest first (by date, then invoice before payment). */
export function statementEntries(items: readonly Invoice[]): StatementEntry[] {
  const entries: StatementEntry[] = [];
  for (const item of items) {
    if (item.chargesOf) {
      if (item.totalMinor > 0) entries.push({ date: item.issueDate, kind: 'charges', document: item.number, invoiceId: item.invoiceId, description: `fees and interest (${item.number})`, amountMinor: item.totalMinor });
    } else {
      entries.push({ date: item.issueDate, kind: 'invoice', document: item.number, invoiceId: item.invoiceId, description: `invoice ${item.number}, due ${item.dueDate}`, amountMinor: item.totalMinor });
    }
    for (const a of item.allocations) {
      entries.push({ date: a.at.slice(0, 10), kind: 'payment', document: item.number, invoiceId: item.invoiceId, description: `payment ${a.paymentId} to ${item.number}`, amountMinor: -a.amountMinor });
    }
    const otherMinor = item.totalMinor - item.paidMinor - item.balanceMinor;
    if (otherMinor > 0) {
      const kind: StatementEntryKind = item.status === 'WRITTEN_OFF' || item.history.some((h) => h.status === 'WRITTEN_OFF' || /written off/i.test(h.note ?? '')) ? 'write-off' : 'credit';
      const last = [...item.history].reverse().find((h) => h.status === 'WRITTEN_OFF' || h.status === 'CREDITED' || /written off|credit/i.test(h.note ?? '')) ?? item.history.at(-1);
      entries.push({ date: (last?.at ?? item.issuedAt).slice(0, 10), kind, document: item.number, invoiceId: item.invoiceId, description: `${kind === 'write-off' ? 'written off' : 'credited'} on ${item.number}`, amountMinor: -otherMinor });
    }
  }
  const order: Record<StatementEntryKind, number> = { invoice: 0, charges: 1, credit: 2, 'write-off': 3, payment: 4 };
  return entries.sort((a, b) => a.date.localeCompare(b.date) || order[a.kind] - order[b.kind] || a.document.localeCompare(b.document));
}

export interface StatementCurrency {
  readonly currency: string;
  readonly openingMinor: number;
  readonly lines: readonly (StatementEntry & { readonly balanceMinor: number })[];
  readonly closingMinor: number;
  readonly aging: Record<AgingBucket, number>;
}

export interface Statement {
  readonly customerId: string;
  readonly customerName: string;
  readonly from: string;
  readonly to: string;
  readonly currencies: readonly StatementCurrency[];
}

/** The statement of `items` (all of the customer's) for the period. */
export function statementOfAccount(customer: Pick<Customer, 'customerId' | 'name'>, items: readonly Invoice[], period: { from: string; to: string }): Statement {
  const byCurrency = new Map<string, Invoice[]>();
  for (const i of items) byCurrency.set(i.currency, [...(byCurrency.get(i.currency) ?? []), i]);
  const currencies = [...byCurrency.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([currency, list]): StatementCurrency => {
      const entries = statementEntries(list).filter((e) => e.date <= period.to);
      const openingMinor = entries.filter((e) => e.date < period.from).reduce((sum, e) => sum + e.amountMinor, 0);
      let running = openingMinor;
      const lines = entries.filter((e) => e.date >= period.from).map((e) => ({ ...e, balanceMinor: (running += e.amountMinor) }));
      const aging = Object.fromEntries(AGING_BUCKETS.map((b) => [b, 0])) as Record<AgingBucket, number>;
      // What was open at the period's end, by how long past due it was then.
      for (const item of list) {
        if (item.issueDate > period.to) continue;
        const open = entries.filter((e) => e.invoiceId === item.invoiceId).reduce((sum, e) => sum + e.amountMinor, 0);
        if (open > 0) aging[agingBucketOf(calendarDaysBetween(item.dueDate, period.to))] += open;
      }
      return { currency, openingMinor, lines, closingMinor: running, aging };
    });
  return { customerId: customer.customerId, customerName: customer.name, from: period.from, to: period.to, currencies };
}

/** The statement as the API shows it: amounts as decimal strings. */
export function statementView(statement: Statement) {
  return {
    customerId: statement.customerId,
    customerName: statement.customerName,
    from: statement.from,
    to: statement.to,
    currencies: statement.currencies.map((c) => {
      const m = (minor: number) => formatAmount(money(minor, c.currency));
      return {
        currency: c.currency,
        openingBalance: m(c.openingMinor),
        lines: c.lines.map((l) => ({ date: l.date, kind: l.kind, document: l.document, invoiceId: l.invoiceId, description: l.description, amount: m(l.amountMinor), balance: m(l.balanceMinor) })),
        closingBalance: m(c.closingMinor),
        aging: Object.fromEntries(AGING_BUCKETS.map((b) => [b, m(c.aging[b])])),
      };
    }),
  };
}

/** The statement as CSV (RFC 4180): one row per line, with opening and closing rows per currency, then the aging. */
export function statementCsv(statement: Statement): string {
  const rows: (string | number | null)[][] = [['currency', 'date', 'kind', 'document', 'description', 'amount', 'balance']];
  for (const c of statement.currencies) {
    const m = (minor: number) => formatAmount(money(minor, c.currency));
    rows.push([c.currency, statement.from, 'opening-balance', null, null, null, m(c.openingMinor)]);
    for (const l of c.lines) rows.push([c.currency, l.date, l.kind, l.document, l.description, m(l.amountMinor), m(l.balanceMinor)]);
    rows.push([c.currency, statement.to, 'closing-balance', null, null, null, m(c.closingMinor)]);
    for (const b of AGING_BUCKETS) rows.push([c.currency, statement.to, `aging ${b}`, null, null, m(c.aging[b]), null]);
  }
  return csvLines(rows);
}
