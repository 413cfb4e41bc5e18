/** GET /invoices/{invoiceId}/einvoice?format=: the invoice as UBL, CII, XRechnung or Peppol BIS XML; 409 naming missing data. */
import { getInvoiceEinvoice } from '../../core/invoices/invoice-einvoice';
import type { CoreDeps } from '../../core/deps';
import { apiHandler } from '../../shared/http';
import { coreSettings, invoiceReader } from '../../shared/wiring';

export function makeHandler(deps: Pick<CoreDeps, 'invoices' | 'settings'>) {
  return apiHandler({}, async (request) => {
    const document = await getInvoiceEinvoice(deps, request.caller, request.pathParameters.invoiceId ?? '', request.query.format);
    return {
      statusCode: 200,
      headers: { 'content-type': 'application/xml; charset=utf-8', 'content-disposition': `inline; filename="${document.fileName}"`, 'cache-control': 'private, no-cache', 'x-content-type-options': 'nosniff' },
      body: document.body,
    };
  });
}

export const handler = makeHandler({ invoices: invoiceReader(), settings: coreSettings() });
