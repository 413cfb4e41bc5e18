/**
 * Receivables KPIs from the ledger: DSO by the countback method, the collection effectiveness
 * index (CEI), cash collected, and (from cash application's statement results) the auto-match
 * rate. Pure: the caller hands over the journal lines, the open items' due dates and the
 * statement counts; every figure is per currency, since currencies are never added together.
 *
 * Definitions, as finance uses them:
 * - Receivables at an instant: the `receivables` account (debits minus credits) of every journal
 *   posted before it, per invoice (the line's `reference`). "Credit sales" of a window are the
 *   receivables debits posted in it (invoices issued, opening balances imported, fees).
 * - DSO, countback: starting from the receivables at the end of the window, take away each
 *   calendar month's credit sales going back in time (the window's own month up to its last day
 *   first), counting that month's days, until the rest is smaller than a month's sales; that month
 *   counts with the fraction rest / sales. Looks back at most {@link COUNTBACK_MONTHS} months.
 * - CEI = (beginning receivables + credit sales - ending receivables) /
 *         (beginning receivables + credit sales - ending current receivables) x 100,
 *   where "current" is what is not past due on the window's last day.
 * - Collected: cash received in the window (debits of `cash`), applied or not.
 */
import { formatAmount } from '../money/money';
import { addCalendarDays, calendarDaysBetween, startOfDateIn } from '../time/clock';
import { csvLines } from './aging';

export const COUNTBACK_MONTHS = 24;

/** A journal line as the reports read it (the ledger's stored line). */
export interface LedgerLine {
  readonly journalId: string;
  readonly event: string;
  readonly postedAt: string;
  readonly account: string;
  readonly side: 'debit' | 'credit';
  readonly amountMinor: number;
  readonly currency: string;
  readonly reference: string;
}

/** What one uploaded bank statement did, as cash application recorded it. */
export interface StatementCounts {
  readonly receivedAt: string;
  /** Credit lines of the statement (payments received). */
  readonly creditLines: number;
  /** Lines cash application applied by itself, without a person. */
  readonly appliedAutomatically: number;
}

/** Promises to pay that fell due: kept (paid by the promised date) or broken. */
export interface PromiseCounts {
  readonly kept: number;
  readonly broken: number;
}

/**
 * Promises that fell due between two instants: a promise counts once it is closed (`kept` when the
 * money came by the promised date, `broken` otherwise), in the window its closing time falls in.
 */
export function countPromiseOutcomes(promises: readonly { readonly status: string; readonly closedAt: string | null }[], fromInstant: string, toInstant: string): PromiseCounts {
  const from = Date.parse(fromInstant);
  const to = Date.parse(toInstant);
  let kept = 0;
  let broken = 0;
  for (const p of promises) {
    const at = p.closedAt ? Date.parse(p.closedAt) : NaN;
    if (!(at >= from && at < to)) continue;
    if (p.status === 'kept') kept += 1;
    else if (p.status === 'broken') broken += 1;
  }
  return { kept, broken };
}

export interface KpiInput {
  /** Journal lines of the `receivables` and `cash` accounts (others are ignored). */
  readonly lines: readonly LedgerLine[];
  /** Due dates of the invoices the receivables lines name. An unknown one counts as not yet due. */
  readonly dueDates: ReadonlyMap<string, string>;
  /** The month reported, `YYYY-MM`. */
  readonly period: string;
  /** Today in the business time zone: a window never ends after it. */
  readonly today: string;
  readonly timeZone: string;
  /** Months in the trend, the period's month last (1 to 24). */
  readonly trendMonths: number;
  /** Statement results; undefined while cash application is not there: "n/a". */
  readonly statements?: readonly StatementCounts[];
  /** Promise outcomes of the period; undefined while promises are not there: "n/a". */
  readonly promises?: PromiseCounts;
}

export interface Window {
  /** First day, inclusive. */
  readonly from: string;
  /** Last day, inclusive. */
  readonly to: string;
}

export interface CurrencyKpis {
  readonly currency: string;
  readonly beginningReceivables: string;
  readonly creditSales: string;
  readonly endingReceivables: string;
  readonly endingCurrentReceivables: string;
  readonly endingOverdueReceivables: string;
  readonly collected: string;
  /** Days, one decimal; null without receivables. */
  readonly dso: number | null;
  /** True when the countback ran out of history before it covered the receivables: DSO is at least this. */
  readonly dsoLowerBound: boolean;
  /** Percent, one decimal; null when its denominator is not positive. */
  readonly cei: number | null;
}

export interface AutoMatchRate {
  readonly creditLines: number;
  readonly appliedAutomatically: number;
  /** Percent, one decimal; null without credit lines. */
  readonly rate: number | null;
}

export interface KpiReport {
  readonly period: string;
  readonly from: string;
  readonly to: string;
  readonly currencies: readonly CurrencyKpis[];
  readonly autoMatch: { readonly period: AutoMatchRate; readonly allTime: AutoMatchRate } | 'n/a';
  readonly promises: PromiseCounts | 'n/a';
  readonly trend: readonly { readonly period: string; readonly from: string; readonly to: string; readonly currencies: readonly CurrencyKpis[] }[];
}

const round1 = (x: number) => Math.round(x * 10) / 10;

/** `YYYY-MM` plus `months` (may be negative). */
export function addMonths(period: string, months: number): string {
  const [y, m] = period.split('-').map(Number) as [number, number];
  const index = y * 12 + (m - 1) + months;
  return `${String(Math.floor(index / 12)).padStart(4, '0')}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/** The last calendar day of a `YYYY-MM` month. */
export function lastDayOf(period: string): string {
  return addCalendarDays(`${addMonths(period, 1)}-01`, -1);
}

/** The month `period` up to its last day, or up to `today` for the running month. */
export function monthWindow(period: string, today: string): Window {
  const last = lastDayOf(period);
  return { from: `${period}-01`, to: last < today ? last : today };
}

/**
 * DSO by the countback method. `months` are the credit sales and day counts of the months going
 * back from the end (most recent first). Worked through in `test/unit/reports/kpis.test.ts`.
 */
export function countbackDso(receivablesMinor: number, months: readonly { readonly salesMinor: number; readonly days: number }[]): { days: number; lowerBound: boolean } {
  let rest = receivablesMinor;
  let days = 0;
  if (rest <= 0) return { days: 0, lowerBound: false };
  for (const month of months) {
    if (month.salesMinor >= rest) return { days: round1(days + (rest / month.salesMinor) * month.days), lowerBound: false };
    rest -= month.salesMinor;
    days += month.days;
  }
  return { days: round1(days), lowerBound: true };
}

/** CEI in percent (one decimal), or null when its denominator is not positive. */
export function collectionEffectivenessIndex(beginningMinor: number, salesMinor: number, endingTotalMinor: number, endingCurrentMinor: number): number | null {
  const denominator = beginningMinor + salesMinor - endingCurrentMinor;
  if (denominator <= 0) return null;
  return round1(((beginningMinor + salesMinor - endingTotalMinor) / denominator) * 100);
}

interface ParsedLine extends LedgerLine {
  readonly ms: number;
}

class Ledger {
  readonly receivables: ParsedLine[];
  readonly cash: ParsedLine[];
  readonly currencies: string[];

  constructor(lines: readonly LedgerLine[]) {
    const parsed = lines.map((l) => ({ ...l, ms: Date.parse(l.postedAt) })).filter((l) => Number.isFinite(l.ms));
    this.receivables = parsed.filter((l) => l.account === 'receivables');
    this.cash = parsed.filter((l) => l.account === 'cash');
    this.currencies = [...new Set(parsed.filter((l) => l.account === 'receivables' || l.account === 'cash').map((l) => l.currency))].sort();
  }

  /** Balance per invoice of `currency` from the journals posted before `ms`. */
  balancesAt(currency: string, ms: number): Map<string, number> {
    const balances = new Map<string, number>();
    for (const l of this.receivables) {
      if (l.currency !== currency || l.ms >= ms) continue;
      balances.set(l.reference, (balances.get(l.reference) ?? 0) + (l.side === 'debit' ? l.amountMinor : -l.amountMinor));
    }
    return balances;
  }

  sum(lines: readonly ParsedLine[], currency: string, side: 'debit' | 'credit', fromMs: number, toMs: number): number {
    let total = 0;
    for (const l of lines) if (l.currency === currency && l.side === side && l.ms >= fromMs && l.ms < toMs) total += l.amountMinor;
    return total;
  }
}

function windowKpis(ledger: Ledger, input: Pick<KpiInput, 'dueDates' | 'timeZone'>, window: Window): CurrencyKpis[] {
  const start = (date: string) => startOfDateIn(date, input.timeZone).getTime();
  const fromMs = start(window.from);
  const endMs = start(addCalendarDays(window.to, 1));
  // The countback months: the window's month up to its last day, then whole months before it.
  const months: { fromMs: number; toMs: number; days: number }[] = [];
  let monthStart = `${window.to.slice(0, 7)}-01`;
  let monthEnd = addCalendarDays(window.to, 1);
  for (let i = 0; i < COUNTBACK_MONTHS; i++) {
    months.push({ fromMs: start(monthStart), toMs: start(monthEnd), days: calendarDaysBetween(monthStart, monthEnd) });
    monthEnd = monthStart;
    monthStart = `${addMonths(monthStart.slice(0, 7), -1)}-01`;
  }
  return ledger.currencies.map((currency) => {
    const m = (minor: number) => formatAmount({ minor, currency });
    const total = (balances: Map<string, number>) => [...balances.values()].reduce((a, b) => a + b, 0);
    const beginning = total(ledger.balancesAt(currency, fromMs));
    const endingBalances = ledger.balancesAt(currency, endMs);
    const ending = total(endingBalances);
    let endingCurrent = 0;
    for (const [invoiceId, balance] of endingBalances) {
      const due = input.dueDates.get(invoiceId);
      if (due === undefined || due >= window.to) endingCurrent += balance;
    }
    const sales = ledger.sum(ledger.receivables, currency, 'debit', fromMs, endMs);
    const dso = countbackDso(
      ending,
      months.map((month) => ({ salesMinor: ledger.sum(ledger.receivables, currency, 'debit', month.fromMs, month.toMs), days: month.days })),
    );
    return {
      currency,
      beginningReceivables: m(beginning),
      creditSales: m(sales),
      endingReceivables: m(ending),
      endingCurrentReceivables: m(endingCurrent),
      endingOverdueReceivables: m(ending - endingCurrent),
      collected: m(ledger.sum(ledger.cash, currency, 'debit', fromMs, endMs)),
      dso: ending > 0 ? dso.days : null,
      dsoLowerBound: dso.lowerBound,
      cei: collectionEffectivenessIndex(beginning, sales, ending, endingCurrent),
    };
  });
}

function autoMatchOf(statements: readonly StatementCounts[]): AutoMatchRate {
  const creditLines = statements.reduce((a, s) => a + s.creditLines, 0);
  const appliedAutomatically = statements.reduce((a, s) => a + s.appliedAutomatically, 0);
  return { creditLines, appliedAutomatically, rate: creditLines > 0 ? round1((appliedAutomatically / creditLines) * 100) : null };
}

/** The KPIs of the month `input.period` (up to today), with the trend of the months before it. */
export function kpiReport(input: KpiInput): KpiReport {
  const ledger = new Ledger(input.lines);
  const window = monthWindow(input.period, input.today);
  const trend = [];
  for (let k = input.trendMonths - 1; k >= 0; k--) {
    const period = addMonths(input.period, -k);
    const w = monthWindow(period, input.today);
    trend.push({ period, ...w, currencies: windowKpis(ledger, input, w) });
  }
  const current = trend.at(-1)?.currencies ?? windowKpis(ledger, input, window);
  let autoMatch: KpiReport['autoMatch'] = 'n/a';
  if (input.statements) {
    const fromMs = startOfDateIn(window.from, input.timeZone).getTime();
    const endMs = startOfDateIn(addCalendarDays(window.to, 1), input.timeZone).getTime();
    const inPeriod = input.statements.filter((s) => {
      const ms = Date.parse(s.receivedAt);
      return ms >= fromMs && ms < endMs;
    });
    autoMatch = { period: autoMatchOf(inPeriod), allTime: autoMatchOf(input.statements) };
  }
  return { period: input.period, ...window, currencies: current, autoMatch, promises: input.promises ?? 'n/a', trend };
}

const CURRENCY_METRICS = [
  'beginningReceivables',
  'creditSales',
  'endingReceivables',
  'endingCurrentReceivables',
  'endingOverdueReceivables',
  'collected',
  'dso',
  'cei',
] as const satisfies readonly (keyof CurrencyKpis)[];

/**
 * The KPIs as CSV (RFC 4180, CRLF), one metric per row: `period,from,to,currency,metric,value`.
 * The trend months come first, the reported period last; auto-match and promises have no currency.
 * A figure that cannot be computed is empty (DSO without receivables) or `n/a` (not available yet).
 */
export function kpiCsv(report: KpiReport): string {
  const rows: (string | number | null)[][] = [['period', 'from', 'to', 'currency', 'metric', 'value']];
  for (const month of report.trend) {
    for (const c of month.currencies) {
      for (const metric of CURRENCY_METRICS) rows.push([month.period, month.from, month.to, c.currency, metric, c[metric]]);
    }
  }
  const own = (metric: string, value: string | number | null) => rows.push([report.period, report.from, report.to, '', metric, value]);
  if (report.autoMatch === 'n/a') own('autoMatchRate', 'n/a');
  else {
    own('autoMatchRate', report.autoMatch.period.rate);
    own('statementCreditLines', report.autoMatch.period.creditLines);
    own('linesAppliedAutomatically', report.autoMatch.period.appliedAutomatically);
    own('autoMatchRateAllTime', report.autoMatch.allTime.rate);
  }
  if (report.promises === 'n/a') {
    own('promisesKept', 'n/a');
    own('promisesBroken', 'n/a');
  } else {
    own('promisesKept', report.promises.kept);
    own('promisesBroken', report.promises.broken);
  }
  return csvLines(rows);
}
