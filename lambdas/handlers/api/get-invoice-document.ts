/**
 * GET /invoices/{invoiceId}/document: the rendered invoice, PDF by default (base64 through API
 * Gateway) or HTML on `Accept: text/html`; 406 for an Accept it cannot serve.
 */
import { getInvoiceDocument, NotAcceptableError, type MandateReader } from '../../core/invoices/invoice-documents';
import { directDebitStore } from '../../shared/sepa-wiring';
import type { CoreDeps } from '../../core/deps';
import { apiHandler, errorResponse } from '../../shared/http';
import { coreSettings, customerStore, invoiceReader } from '../../shared/wiring';

export function makeHandler(deps: Pick<CoreDeps, 'invoices' | 'customers' | 'settings'> & { readonly mandates?: MandateReader }) {
  return apiHandler({}, async (request) => {
    try {
      const document = await getInvoiceDocument(deps, request.caller, request.pathParameters.invoiceId ?? '', request.headers.accept);
      const common = { 'content-type': document.contentType, vary: 'Accept', 'cache-control': 'private, no-cache', 'x-content-type-options': 'nosniff' };
      const headers =
        typeof document.body === 'string'
          ? // Customer text is escaped; this also keeps any script, frame or remote load out of the page.
            { ...common, 'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'" }
          : { ...common, 'content-disposition': `inline; filename="${document.fileName}"` };
      return { statusCode: 200, headers, body: document.body };
    } catch (error) {
      if (!(error instanceof NotAcceptableError)) throw error;
      const refused = errorResponse(406, error.code, error.message, [{ field: 'Accept', problem: `must accept one of ${error.available.join(', ')}` }]);
      return { statusCode: 406, headers: refused.headers as Record<string, string>, body: refused.body };
    }
  });
}

export const handler = makeHandler({ invoices: invoiceReader(), customers: customerStore(), settings: coreSettings(), mandates: directDebitStore() });
