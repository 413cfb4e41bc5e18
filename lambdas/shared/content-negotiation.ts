/** Which representation a caller asked for with `Accept`. */
import type { ApiRequest } from './http';

/** True when `Accept` names `text/csv` (a report asked for as a spreadsheet). */
export function wantsCsv(request: Pick<ApiRequest, 'headers'>): boolean {
  return /(^|,)\s*text\/csv\s*(;|,|$)/i.test(request.headers.accept ?? '');
}

/** A CSV answer, named for download. */
export function csvResult(body: string, filename: string) {
  return {
    statusCode: 200,
    body,
    headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${filename}"` },
  };
}
