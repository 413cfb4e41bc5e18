/** GET /invoices/{invoiceId}: number, RF reference, amounts, status, dates, dunning and allocations. */
import { getInvoice } from '../../core/invoices/invoices';
import type { CoreDeps } from '../../core/deps';
import { apiHandler } from '../../shared/http';
import { invoiceReader } from '../../shared/wiring';

export function makeHandler(deps: Pick<CoreDeps, 'invoices'>) {
  return apiHandler({}, async (request) => ({ statusCode: 200, body: await getInvoice(deps, request.caller, request.pathParameters.invoiceId ?? '') }));
}

export const handler = makeHandler({ invoices: invoiceReader() });
