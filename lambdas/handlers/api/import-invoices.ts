/**
 * POST /invoices/import (finance): bulk import of open items from an earlier ledger. The body is
 * the JSON array of items `[{number, customerId, currency, total, balance, issueDate, dueDate}]`
 * (at most 10,000; not an object holding it). 201 with `{importId, imported, totals, invoices}`;
 * `invoices` lists `{number, invoiceId}` for imports of up to 2,000 items and is null above (the
 * answer must fit the Idempotency table); 400 naming `items[i].field` for every problem, with
 * nothing written; 409 while the same import runs in another call. Sending the same items again
 * answers the same result without writing anything twice, with or without an Idempotency-Key.
 */
import { DynamoInvoiceImportStore } from '../../adapters/dynamodb/invoice-import-store';
import { documentClient } from '../../adapters/dynamodb/document-client';
import { importInvoices, type ImportInvoicesDeps } from '../../core/use-cases/import-invoices';
import { apiHandler, type ApiHandlerOptions } from '../../shared/http';
import { tableName } from '../../shared/config';
import { clock, coreSettings, idempotency, newId } from '../../shared/wiring';

export function makeHandler(deps: ImportInvoicesDeps, options: ApiHandlerOptions) {
  return apiHandler(options, async (request) => ({ statusCode: 201, body: (await importInvoices(deps, request.body)).result }));
}

const imports = () =>
  new DynamoInvoiceImportStore(documentClient(), {
    imports: tableName('Imports'),
    invoices: tableName('Invoices'),
    ledger: tableName('Ledger'),
    customers: tableName('Customers'),
  });

export const handler = makeHandler({ imports: imports(), clock, newId, settings: coreSettings() }, { idempotency: idempotency() });
