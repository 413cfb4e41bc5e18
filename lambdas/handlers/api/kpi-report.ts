/** GET /reports/kpis?period=&trendMonths= (finance): DSO, CEI, collected, auto-match rate, promises; CSV on `Accept: text/csv`. */
import { kpiCsv } from '../../core/reports/kpis';
import { kpiReportFor, type ReportDeps } from '../../core/reports/reports';
import { csvResult, wantsCsv } from '../../shared/content-negotiation';
import { apiHandler } from '../../shared/http';
import { promiseOutcomesReader, receivablesReader, statementResultsReader } from '../../shared/finance-wiring';
import { clock, coreSettings } from '../../shared/wiring';

export function makeHandler(deps: ReportDeps) {
  return apiHandler({}, async (request) => {
    const report = await kpiReportFor(deps, { period: request.query.period, trendMonths: request.query.trendMonths });
    return wantsCsv(request) ? csvResult(kpiCsv(report), `kpis-${report.period}.csv`) : { statusCode: 200, body: report };
  });
}

const statements = statementResultsReader();
export const handler = makeHandler({ receivables: receivablesReader(), ...(statements ? { statements } : {}), promises: promiseOutcomesReader(), clock, settings: coreSettings() });
