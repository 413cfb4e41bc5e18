/**
 * Finance's receivables reports: aging (`GET /reports/aging`) and KPIs (`GET /reports/kpis`).
 * Both read "today" in the business time zone from the one clock.
 */
import { ValidationError } from '../errors';
import type { PromiseOutcomesReader, ReceivablesReader, StatementResultsReader } from '../finance-ports';
import { agingReport, type AgingReport } from './aging';
import { kpiReport, monthWindow, type KpiReport } from './kpis';
import { addCalendarDays, calendarDateIn, isCalendarDate, startOfDateIn, type Clock } from '../time/clock';

export interface ReportDeps {
  readonly receivables: ReceivablesReader;
  /** Cash application's statement results; without them the auto-match rate is "n/a". */
  readonly statements?: StatementResultsReader;
  /** Promise outcomes; without them promises kept and broken are "n/a". */
  readonly promises?: PromiseOutcomesReader;
  readonly clock: Clock;
  readonly settings: { readonly businessTimeZone: string };
}

/**
 * Aging of the open items at `asOf` (default: today). Reads the open items through the Invoices
 * `byStatus` index (see {@link ReceivablesReader.openItems}). The balances are today's: a date in
 * the past ages today's open items as they stood then (items issued after it left out), it does
 * not bring back items settled since; a date ahead shows what will be past due by then.
 */
export async function agingReportFor(deps: Pick<ReportDeps, 'receivables' | 'clock' | 'settings'>, query: { asOf?: string | undefined }): Promise<AgingReport> {
  const asOf = query.asOf ?? calendarDateIn(deps.clock.now(), deps.settings.businessTimeZone);
  if (!isCalendarDate(asOf)) throw ValidationError.of('asOf', 'must be a calendar date YYYY-MM-DD');
  return agingReport(await deps.receivables.openItems(), asOf);
}

/** A month from 1900-01 on (the trend reaches back up to 24 months; year 0 and before are no dates the calendar code reads). */
const PERIOD = /^(19|[2-9]\d)\d{2}-(0[1-9]|1[0-2])$/;

/**
 * The KPIs of a month (`period=YYYY-MM`, default the running month, up to today) with a trend of
 * `trendMonths` months (default 6). Reads the whole journal (a Ledger scan: finance only) and the
 * due dates of the invoices with a balance.
 */
export async function kpiReportFor(deps: ReportDeps, query: { period?: string | undefined; trendMonths?: string | undefined }): Promise<KpiReport> {
  const timeZone = deps.settings.businessTimeZone;
  const today = calendarDateIn(deps.clock.now(), timeZone);
  const problems: { field: string; problem: string }[] = [];
  const period = query.period ?? today.slice(0, 7);
  if (!PERIOD.test(period)) problems.push({ field: 'period', problem: 'must be a month YYYY-MM from 1900-01 on' });
  else if (`${period}-01` > today) problems.push({ field: 'period', problem: `must not be after the running month ${today.slice(0, 7)}` });
  const trendMonths = query.trendMonths === undefined ? 6 : Number(query.trendMonths);
  if (!Number.isInteger(trendMonths) || trendMonths < 1 || trendMonths > 24) problems.push({ field: 'trendMonths', problem: 'must be a whole number from 1 to 24' });
  if (problems.length) throw new ValidationError(problems);

  const lines = await deps.receivables.journalLines(['receivables', 'cash']);
  // Due dates are needed for the invoices with a balance at some window's end: asking for every
  // invoice the receivables lines name keeps that simple, and stays within the journal's size.
  const named = [...new Set(lines.filter((l) => l.account === 'receivables').map((l) => l.reference))];
  const window = monthWindow(period, today);
  const [dueDates, statements, promises] = await Promise.all([
    deps.receivables.dueDates(named),
    deps.statements?.statementCounts(),
    deps.promises?.promiseCounts(startOfDateIn(window.from, timeZone).toISOString(), startOfDateIn(addCalendarDays(window.to, 1), timeZone).toISOString()),
  ]);
  return kpiReport({
    lines,
    dueDates,
    period,
    today,
    timeZone,
    trendMonths,
    ...(statements ? { statements } : {}),
    ...(promises ? { promises } : {}),
  });
}
