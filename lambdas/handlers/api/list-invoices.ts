/** GET /invoices?customerId=&status=&limit=&cursor=: invoices, paginated; a storefront's own only. */
import { listInvoices } from '../../core/invoices/invoices';
import type { CoreDeps } from '../../core/deps';
import { apiHandler } from '../../shared/http';
import { customerStore, invoiceReader } from '../../shared/wiring';

export function makeHandler(deps: Pick<CoreDeps, 'invoices' | 'customers'>) {
  return apiHandler({}, async (request) => ({ statusCode: 200, body: await listInvoices(deps, request.caller, request.query) }));
}

export const handler = makeHandler({ invoices: invoiceReader(), customers: customerStore() });
