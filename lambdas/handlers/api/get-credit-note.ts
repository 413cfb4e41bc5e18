/**
 * GET /credit-notes/{creditNoteId} (JSON), `/document` (PDF, or HTML on Accept: text/html) and
 * `/einvoice?format=` (UBL CreditNote or CII type 381 XML).
 */
import { creditNoteWithInvoice, getCreditNote, getCreditNoteEinvoice, type CreditNoteDeps } from '../../core/invoices/credit-notes';
import { renderCreditNoteDocument } from '../../core/invoices/invoice-documents';
import type { CoreDeps } from '../../core/deps';
import { apiHandler } from '../../shared/http';
import { coreSettings, creditNoteStore, customerStore, invoiceReader } from '../../shared/wiring';

export function makeHandler(deps: Pick<CreditNoteDeps, 'creditNotes' | 'invoices' | 'settings'> & Pick<CoreDeps, 'customers'>) {
  return apiHandler({}, async (request) => {
    const creditNoteId = request.pathParameters.creditNoteId ?? '';
    const common = { 'cache-control': 'private, no-cache', 'x-content-type-options': 'nosniff' };
    if (request.resource.endsWith('/einvoice')) {
      const xml = await getCreditNoteEinvoice(deps, request.caller, creditNoteId, request.query.format);
      return { statusCode: 200, headers: { ...common, 'content-type': 'application/xml; charset=utf-8', 'content-disposition': `inline; filename="${xml.fileName}"` }, body: xml.body };
    }
    if (request.resource.endsWith('/document')) {
      const { note, invoice } = await creditNoteWithInvoice(deps, request.caller, creditNoteId);
      const customer = await deps.customers.get(invoice.customerId);
      const document = await renderCreditNoteDocument(note, invoice, deps.settings.seller, customer?.locale ?? 'en', request.headers.accept);
      const headers =
        typeof document.body === 'string'
          ? { ...common, 'content-type': document.contentType, vary: 'Accept', 'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'" }
          : { ...common, 'content-type': document.contentType, vary: 'Accept', 'content-disposition': `inline; filename="${document.fileName}"` };
      return { statusCode: 200, headers, body: document.body };
    }
    return { statusCode: 200, body: await getCreditNote(deps, request.caller, creditNoteId) };
  });
}

export const handler = makeHandler({ creditNotes: creditNoteStore(), invoices: invoiceReader(), customers: customerStore(), settings: coreSettings() });
