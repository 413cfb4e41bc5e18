/** GET /reports/aging?asOf= (finance): open items in aging buckets per currency and customer; CSV on `Accept: text/csv`. */
import { agingCsv } from '../../core/reports/aging';
import { agingReportFor, type ReportDeps } from '../../core/reports/reports';
import { csvResult, wantsCsv } from '../../shared/content-negotiation';
import { apiHandler } from '../../shared/http';
import { openItemsReader } from '../../shared/finance-wiring';
import { clock, coreSettings } from '../../shared/wiring';

export function makeHandler(deps: Pick<ReportDeps, 'receivables' | 'clock' | 'settings'>) {
  return apiHandler({}, async (request) => {
    const report = await agingReportFor(deps, { asOf: request.query.asOf });
    return wantsCsv(request) ? csvResult(agingCsv(report), `aging-${report.asOf}.csv`) : { statusCode: 200, body: report };
  });
}

export const handler = makeHandler({ receivables: openItemsReader(), clock, settings: coreSettings() });
