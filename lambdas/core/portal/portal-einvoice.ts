/**
 * The customer's documents as e-invoice XML in the portal: `GET /portal/invoices/{invoiceId}/document`
 * with `Accept: application/xml` answers the invoice in the EN 16931 syntax the customer's settings
 * name (`einvoiceFormat`: XRechnung UBL or CII, Peppol BIS; the CII of a ZUGFeRD customer; UBL for
 * a customer who gets PDFs), written by the product's one e-invoice writer (`core/einvoice`).
 */
import type { EinvoiceFormat } from '../einvoice/model';
import type { EinvoicePreference } from '../einvoice/party';
import { getInvoiceEinvoice, type EinvoiceDocument } from '../invoices/invoice-einvoice';
import { INVOICE_DOCUMENT_TYPES } from '../invoices/invoice-documents';
import type { CoreDeps } from '../deps';
import type { Caller } from '../access/caller';
import type { Customer } from '../customers/customer';
import type { Invoice } from '../invoices/invoice';

/** What the portal's document route offers, in order of preference on a tie: PDF, HTML, the e-invoice XML. */
export const PORTAL_DOCUMENT_TYPES = [...INVOICE_DOCUMENT_TYPES, 'application/xml'] as const;

/** The XML syntax for the customer's e-invoice setting. */
export function portalEinvoiceFormat(preference: EinvoicePreference | undefined): EinvoiceFormat {
  switch (preference) {
    case 'xrechnung-ubl':
    case 'xrechnung-cii':
    case 'peppol-bis':
      return preference;
    case 'zugferd':
      return 'cii';
    default:
      return 'ubl';
  }
}

/**
 * The invoice (ownership checked by the caller: `portalInvoice`) as the customer's e-invoice XML.
 * @throws EinvoiceIncompleteError (409) naming what the invoice lacks for that format.
 */
export async function portalEinvoice(deps: Pick<CoreDeps, 'invoices' | 'settings'>, caller: Caller, customer: Customer, invoice: Invoice): Promise<EinvoiceDocument & { format: EinvoiceFormat }> {
  const format = portalEinvoiceFormat(customer.einvoiceFormat);
  // Rendered as finance's route renders it: the portal checked that the invoice is the customer's.
  const document = await getInvoiceEinvoice(deps, { clientId: caller.clientId, role: 'finance' }, invoice.invoiceId, format);
  return { ...document, format };
}
