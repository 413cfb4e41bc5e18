/**
 * The ledger's routes for the ERP (finance), served by the ledger check's function:
 * `GET /ledger/journals?from=&to=&format=csv|datev` (a file: `text/csv`, DATEV in Windows-1252),
 * `GET /ledger/periods`, `POST /ledger/periods/{period}/close` (Idempotency-Key required).
 */
import { closePeriod, exportJournals, listPeriods, type JournalDeps } from '../../core/journals/journals';
import type { ApiRequest, ApiResult } from '../../shared/http';

export function journalRoutes(deps: JournalDeps) {
  return async (request: ApiRequest): Promise<ApiResult> => {
    if (request.resource === '/ledger/journals') {
      const file = await exportJournals(deps, request.query);
      return { statusCode: 200, body: file.body, headers: { 'content-type': file.contentType, 'content-disposition': `attachment; filename="${file.fileName}"` } };
    }
    if (request.resource === '/ledger/periods') return { statusCode: 200, body: await listPeriods(deps) };
    return { statusCode: 200, body: await closePeriod(deps, request.pathParameters.period ?? '', request.caller.clientId, request.body) };
  };
}
