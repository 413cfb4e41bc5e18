/**
 * The invoice as an EN 16931 e-invoice (`GET /invoices/{invoiceId}/einvoice?format=`): the XML of
 * the format asked for, or a 409 naming what the invoice lacks (the buyer's address, ...).
 */
import { maySee, type Caller } from '../access/caller';
import { NotFoundError } from '../errors';
import type { CoreDeps } from '../deps';
import { einvoiceFileName, einvoiceXml, parseEinvoiceFormat } from '../einvoice/einvoice';

export interface EinvoiceDocument {
  readonly contentType: 'application/xml';
  readonly body: string;
  readonly fileName: string;
}

/**
 * @throws NotFoundError (no such invoice, or another storefront's); ValidationError naming `format`;
 *   EinvoiceIncompleteError (409) naming what is missing.
 */
export async function getInvoiceEinvoice(deps: Pick<CoreDeps, 'invoices' | 'settings'>, caller: Caller, invoiceId: string, format: string | undefined): Promise<EinvoiceDocument> {
  const invoice = await deps.invoices.get(invoiceId);
  if (!invoice || !maySee(caller, invoice.ownerId)) throw new NotFoundError('Invoice', invoiceId);
  const chosen = parseEinvoiceFormat(format);
  return { contentType: 'application/xml', body: einvoiceXml({ invoice, seller: deps.settings.seller }, chosen), fileName: einvoiceFileName(invoice.number, chosen) };
}
