/**
 * POST /invoices/import (finance): bulk import of open items from an earlier ledger. The body is
 * the JSON array of items `[{number, customerId, currency, total, balance, issueDate, dueDate}]`
 * (at most 10,000; not an object holding it). 201 with `{importId, imported, totals, invoices}`;
 * `invoices` lists `{number, invoiceId}` for imports of up to 2,000 items and is null above (the
 * answer must fit the Idempotency table); 400 naming `items[i].field` for every problem, with
 * nothing written. Sending the same items again answers the same result without writing anything
 * twice, with or without an Idempotency-Key. 503 with `Retry-After` while the same import runs in
 * another call, or when this call ran out of time part way (a large import on a slow day): sending
 * the same call again continues where it stopped (a 5xx frees the Idempotency-Key for that retry).
 */
import { DynamoInvoiceImportStore } from '../../adapters/dynamodb/invoice-import-store';
import { documentClient } from '../../adapters/dynamodb/document-client';
import { importInvoices, ImportNotFinishedError, type ImportInvoicesDeps } from '../../core/invoices/import-invoices';
import { apiHandler, type ApiHandlerOptions } from '../../shared/http';
import { tableName } from '../../shared/config';
import { clock, coreSettings, idempotency, newId } from '../../shared/wiring';

export function makeHandler(deps: ImportInvoicesDeps, options: ApiHandlerOptions) {
  return apiHandler(options, async (request) => {
    try {
      return { statusCode: 201, body: (await importInvoices(deps, request.body)).result };
    } catch (error) {
      if (!(error instanceof ImportNotFinishedError)) throw error;
      return {
        statusCode: 503,
        headers: { 'retry-after': String(error.retryAfterSeconds) },
        body: { error: { code: 'IMPORT_NOT_FINISHED', message: error.message, details: [{ importId: error.importId, retryAfterSeconds: error.retryAfterSeconds }] } },
      };
    }
  });
}

const imports = () =>
  new DynamoInvoiceImportStore(documentClient(), {
    imports: tableName('Imports'),
    invoices: tableName('Invoices'),
    ledger: tableName('Ledger'),
    customers: tableName('Customers'),
  });

export const handler = makeHandler({ imports: imports(), clock, newId, settings: coreSettings() }, { idempotency: idempotency() });
