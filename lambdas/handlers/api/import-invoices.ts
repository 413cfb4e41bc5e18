/**
 * POST /invoices/import (finance): bulk import of open items from an earlier ledger. The body is
 * the JSON array of items `[{number, customerId, currency, total, balance, issueDate, dueDate}]`
 * (at most 10,000; not an object holding it), or `{"uploadId": "..."}` naming such a JSON file PUT
 * to S3 through the URL `POST /invoices/import/uploads` gave. The items' form is checked at once:
 * 400 naming `items[i].field` for every problem, nothing written. Otherwise 202 at once with the
 * import (status `processing`) and `Location: /invoices/import/{importId}`; the `InvoiceImport`
 * state machine checks customers and numbers and writes the invoices, all or nothing. Sending the
 * same items again is the same import (its id is a hash of them): nothing is written twice.
 */
import { acceptImport, importView, type AcceptImportDeps, type ImportSubmission } from '../../core/invoices/import-processing';
import { apiHandler, type ApiHandlerOptions } from '../../shared/http';
import { clock, coreSettings, handedInFiles, idempotency, importProgress, processingStarter } from '../../shared/wiring';

/** An object with `uploadId` starts an uploaded file; anything else is the items themselves. */
function submissionOf(body: unknown): ImportSubmission {
  return body && typeof body === 'object' && !Array.isArray(body) && 'uploadId' in body ? { kind: 'upload', body } : { kind: 'body', body };
}

export function makeHandler(deps: AcceptImportDeps, options: ApiHandlerOptions) {
  return apiHandler(options, async (request) => {
    const accepted = await acceptImport(deps, submissionOf(request.body));
    const note = accepted.started ? {} : { note: 'the same items are being imported: follow that import' };
    return { statusCode: 202, body: { ...importView(accepted.progress), poll: `GET ${accepted.location}`, ...note }, headers: { location: accepted.location } };
  });
}

export const handler = makeHandler(
  { progress: importProgress(), files: handedInFiles(), processing: processingStarter('InvoiceImport'), clock, settings: coreSettings() },
  { idempotency: idempotency() },
);
