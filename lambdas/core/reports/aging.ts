/**
 * Accounts receivable aging: the open items' balances in buckets by days past due (current,
 * 1-30, 31-60, 61-90, over 90), per currency and per customer within a currency. Pure: the caller
 * reads the open items and says which date they are aged at.
 */
import { formatAmount } from '../money/money';
import { calendarDaysBetween } from '../time/clock';

export const AGING_BUCKETS = ['current', '1-30', '31-60', '61-90', 'over-90'] as const;
export type AgingBucket = (typeof AGING_BUCKETS)[number];

/** An open item as aging needs it: its balance (minor units) and its due date. */
export interface AgingItem {
  readonly invoiceId: string;
  readonly customerId: string;
  readonly customerName: string;
  readonly currency: string;
  readonly balanceMinor: number;
  readonly issueDate: string;
  readonly dueDate: string;
}

/**
 * The bucket of an item `daysPastDue` days after its due date: not yet due and due today are
 * `current`, then 1-30, 31-60, 61-90 and over 90 days past due.
 */
export function agingBucketOf(daysPastDue: number): AgingBucket {
  if (daysPastDue <= 0) return 'current';
  if (daysPastDue <= 30) return '1-30';
  if (daysPastDue <= 60) return '31-60';
  if (daysPastDue <= 90) return '61-90';
  return 'over-90';
}

type Buckets = Record<AgingBucket, number>;

const emptyBuckets = (): Buckets => ({ current: 0, '1-30': 0, '31-60': 0, '61-90': 0, 'over-90': 0 });

export interface AgingRow {
  readonly buckets: Record<AgingBucket, string>;
  readonly total: string;
  /** Everything past due (all buckets but `current`). */
  readonly overdue: string;
  readonly itemCount: number;
}

export interface AgingCustomerRow extends AgingRow {
  readonly customerId: string;
  readonly customerName: string;
}

export interface AgingCurrency extends AgingRow {
  readonly currency: string;
  /** Largest total first, then by customer id. */
  readonly customers: readonly AgingCustomerRow[];
}

export interface AgingReport {
  readonly asOf: string;
  readonly buckets: readonly AgingBucket[];
  /** One entry per currency with open items, by currency code. */
  readonly currencies: readonly AgingCurrency[];
}

interface Accumulator {
  buckets: Buckets;
  itemCount: number;
}

function add(acc: Accumulator, bucket: AgingBucket, minor: number): void {
  acc.buckets[bucket] += minor;
  acc.itemCount += 1;
}

function row(acc: Accumulator, currency: string): AgingRow & { totalMinor: number } {
  const m = (minor: number) => formatAmount({ minor, currency });
  const totalMinor = AGING_BUCKETS.reduce((a, b) => a + acc.buckets[b], 0);
  return {
    buckets: Object.fromEntries(AGING_BUCKETS.map((b) => [b, m(acc.buckets[b])])) as Record<AgingBucket, string>,
    total: m(totalMinor),
    overdue: m(totalMinor - acc.buckets.current),
    itemCount: acc.itemCount,
    totalMinor,
  };
}

/**
 * Ages `items` at `asOf` (a calendar date): each item with a balance, issued on or before `asOf`,
 * goes into the bucket of its days past due at `asOf`. Currencies are never added together.
 */
export function agingReport(items: readonly AgingItem[], asOf: string): AgingReport {
  const perCurrency = new Map<string, { all: Accumulator; customers: Map<string, Accumulator & { name: string }> }>();
  for (const item of items) {
    if (item.balanceMinor <= 0 || item.issueDate > asOf) continue;
    const bucket = agingBucketOf(calendarDaysBetween(item.dueDate, asOf));
    let currency = perCurrency.get(item.currency);
    if (!currency) {
      currency = { all: { buckets: emptyBuckets(), itemCount: 0 }, customers: new Map() };
      perCurrency.set(item.currency, currency);
    }
    add(currency.all, bucket, item.balanceMinor);
    let customer = currency.customers.get(item.customerId);
    if (!customer) {
      customer = { buckets: emptyBuckets(), itemCount: 0, name: item.customerName };
      currency.customers.set(item.customerId, customer);
    }
    add(customer, bucket, item.balanceMinor);
  }
  const currencies = [...perCurrency.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([currency, { all, customers }]) => {
      const { totalMinor: _total, ...overall } = row(all, currency);
      const customerRows = [...customers.entries()]
        .map(([customerId, acc]) => ({ customerId, customerName: acc.name, ...row(acc, currency) }))
        .sort((a, b) => b.totalMinor - a.totalMinor || a.customerId.localeCompare(b.customerId))
        .map(({ totalMinor: _t, ...rest }) => rest);
      return { currency, ...overall, customers: customerRows };
    });
  return { asOf, buckets: AGING_BUCKETS, currencies };
}

/** One CSV field, quoted when it holds a comma, quote or line break; formula starts neutralized. */
export function csvField(value: string | number | null): string {
  let text = value === null ? '' : String(value);
  // A cell starting with = + - @ is run as a formula by spreadsheets: customer text must stay text.
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text) && !/^-?\d+(\.\d+)?$/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLines(rows: readonly (readonly (string | number | null)[])[]): string {
  return rows.map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n';
}

/**
 * The aging report as CSV (RFC 4180, CRLF): one row per currency and customer, then the
 * currency's total with customer `(all)`. Amounts are decimal strings in the row's currency.
 */
export function agingCsv(report: AgingReport): string {
  const header = ['asOf', 'currency', 'customerId', 'customerName', ...AGING_BUCKETS, 'total', 'overdue', 'items'];
  const rows: (string | number | null)[][] = [header];
  for (const c of report.currencies) {
    for (const r of c.customers) {
      rows.push([report.asOf, c.currency, r.customerId, r.customerName, ...AGING_BUCKETS.map((b) => r.buckets[b]), r.total, r.overdue, r.itemCount]);
    }
    rows.push([report.asOf, c.currency, '(all)', '', ...AGING_BUCKETS.map((b) => c.buckets[b]), c.total, c.overdue, c.itemCount]);
  }
  return csvLines(rows);
}
