/** State ImportOpenItems of InvoiceImport: the all-or-nothing import of the job's items, continuing where an attempt stopped. */
import * as z from 'zod';
import { importOpenItems, type ImportStepDeps } from '../../core/invoices/import-processing';
import { DynamoInvoiceImportStore } from '../../adapters/dynamodb/invoice-import-store';
import { documentClient } from '../../adapters/dynamodb/document-client';
import { parseWith } from '../../core/validation';
import { stepHandler } from '../../shared/http';
import { tableName } from '../../shared/config';
import { clock, coreSettings, handedInFiles, importProgress, newId } from '../../shared/wiring';

const job = z.object({ importId: z.string().min(1), objectKey: z.string().min(1) });

export function makeHandler(deps: ImportStepDeps) {
  return stepHandler((event) => parseWith(job, event), (input) => importOpenItems(deps, input));
}

const imports = () =>
  new DynamoInvoiceImportStore(documentClient(), {
    imports: tableName('Imports'),
    invoices: tableName('Invoices'),
    ledger: tableName('Ledger'),
    customers: tableName('Customers'),
  });

export const handler = makeHandler({ imports: imports(), progress: importProgress(), files: handedInFiles(), clock, newId, settings: coreSettings() });
