/** GET /invoices?customerId=&status=&limit=&cursor=: invoices, paginated. */
import { listInvoices } from '../../core/invoices/invoices';
import type { CoreDeps } from '../../core/deps';
import { apiHandler } from '../../shared/http';
import { invoiceReader } from '../../shared/wiring';

export function makeHandler(deps: Pick<CoreDeps, 'invoices'>) {
  return apiHandler({}, async (request) => ({ statusCode: 200, body: await listInvoices(deps, request.query) }));
}

export const handler = makeHandler({ invoices: invoiceReader() });
