/**
 * The rendered invoice: PDF (the default, and the email attachment) or HTML, in the customer's
 * locale, chosen by the caller's Accept header.
 */
import { maySee, type Caller } from '../access/caller';
import { DomainError, NotFoundError } from '../errors';
import { invoiceDocument, type DocumentInvoice, type DocumentPayment } from './document/invoice-document';
import type { Invoice } from './invoice';
import { invoicePayment, type InvoicePayment } from '../sepa/invoice-payment';
import type { Mandate } from '../sepa/mandate';
import { renderInvoiceHtml } from './document/invoice-html';
import { renderInvoicePdf } from './document/invoice-pdf';
import type { Seller } from './invoice-email';
import type { EmailAttachment } from '../ports';
import type { CoreDeps } from '../deps';

export const INVOICE_DOCUMENT_TYPES = ['application/pdf', 'text/html'] as const;
export type InvoiceDocumentType = (typeof INVOICE_DOCUMENT_TYPES)[number];

/** The caller accepts none of the types the document comes in (HTTP 406). */
export class NotAcceptableError extends DomainError {
  readonly code = 'NOT_ACCEPTABLE';
  constructor(
    readonly accept: string,
    readonly available: readonly string[],
  ) {
    super(`Accept: ${accept} names none of ${available.join(', ')}`);
    this.name = 'NotAcceptableError';
  }
}

interface MediaRange {
  readonly type: string;
  readonly subtype: string;
  readonly q: number;
}

function parseAccept(accept: string): MediaRange[] {
  return accept
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map((part) => {
      const [range = '', ...params] = part.split(';').map((p) => p.trim());
      const [type = '', subtype = ''] = range.toLowerCase().split('/');
      const qParam = params.find((p) => /^q=/i.test(p));
      const q = qParam === undefined ? 1 : Number(qParam.slice(2));
      return { type, subtype, q: Number.isFinite(q) ? Math.min(Math.max(q, 0), 1) : 0 };
    });
}

/** The quality the caller gives `offered`: that of the most specific range that matches it. */
function quality(ranges: readonly MediaRange[], offered: string): number {
  const [type, subtype] = offered.split('/');
  let best: { specificity: number; q: number } | undefined;
  for (const range of ranges) {
    const specificity = range.type === type && range.subtype === subtype ? 3 : range.type === type && range.subtype === '*' ? 2 : range.type === '*' && range.subtype === '*' ? 1 : 0;
    if (specificity > 0 && (!best || specificity > best.specificity)) best = { specificity, q: range.q };
  }
  return best?.q ?? 0;
}

/**
 * The type to answer `accept` with (RFC 9110 proactive negotiation): the one the caller rates
 * highest, PDF on a tie; PDF when there is no Accept header.
 *
 * @throws NotAcceptableError when the caller accepts neither.
 */
export function negotiateInvoiceDocumentType(accept: string | undefined): InvoiceDocumentType {
  if (accept === undefined || accept.trim() === '') return 'application/pdf';
  const ranges = parseAccept(accept);
  let chosen: { type: InvoiceDocumentType; q: number } | undefined;
  for (const type of INVOICE_DOCUMENT_TYPES) {
    const q = quality(ranges, type);
    if (q > 0 && (!chosen || q > chosen.q)) chosen = { type, q };
  }
  if (!chosen) throw new NotAcceptableError(accept, INVOICE_DOCUMENT_TYPES);
  return chosen.type;
}

export interface RenderedInvoiceDocument {
  readonly contentType: string;
  /** PDF bytes, or the HTML page. */
  readonly body: Uint8Array | string;
  /** `<number>.pdf` (also for HTML, as the name to save the PDF under). */
  readonly fileName: string;
}

/** The invoice's PDF as an email attachment named `<number>.pdf`. */
export async function invoicePdfAttachment(invoice: DocumentInvoice, seller: Seller, locale: string, payment?: InvoicePayment): Promise<EmailAttachment> {
  const doc = invoiceDocument(invoice, seller, locale, payment && documentPayment(payment));
  return { filename: doc.fileName, contentType: 'application/pdf', content: await renderInvoicePdf(doc, payment?.qr?.png) };
}

/** What the document needs of the payment part computed at render time. */
function documentPayment(payment: InvoicePayment): DocumentPayment {
  return { openMinor: payment.openMinor, preNotification: payment.preNotification, hasQr: payment.qr !== null };
}

/** The customer's mandates, where the function may read them (the pre-notification needs them). */
export interface MandateReader {
  mandatesOf(customerId: string): Promise<Mandate[]>;
}

/** How to pay the invoice now: pre-notification of the direct debit, or the EPC QR code with the open amount. */
export async function paymentAtRenderTime(invoice: Invoice, seller: Seller, mandates: MandateReader | undefined): Promise<InvoicePayment> {
  return invoicePayment(invoice, seller, mandates ? await mandates.mandatesOf(invoice.customerId) : []);
}

/**
 * The invoice rendered as the caller's `accept` asks, in its customer's locale (`en` when the
 * customer record is gone). The same invoice always gives the same bytes.
 *
 * @throws NotFoundError when there is no such invoice (or it is another storefront's); NotAcceptableError (after that check) when
 *   the caller accepts neither PDF nor HTML.
 */
export async function getInvoiceDocument(
  deps: Pick<CoreDeps, 'invoices' | 'customers' | 'settings'> & { readonly mandates?: MandateReader },
  caller: Caller,
  invoiceId: string,
  accept: string | undefined,
): Promise<RenderedInvoiceDocument> {
  const invoice = await deps.invoices.get(invoiceId);
  if (!invoice || !maySee(caller, invoice.ownerId)) throw new NotFoundError('Invoice', invoiceId);
  const type = negotiateInvoiceDocumentType(accept);
  const customer = await deps.customers.get(invoice.customerId);
  const payment = await paymentAtRenderTime(invoice, deps.settings.seller, deps.mandates);
  const doc = invoiceDocument(invoice, deps.settings.seller, customer?.locale ?? 'en', documentPayment(payment));
  if (type === 'text/html') return { contentType: 'text/html; charset=utf-8', body: renderInvoiceHtml(doc, payment.qr?.png), fileName: doc.fileName };
  return { contentType: 'application/pdf', body: await renderInvoicePdf(doc, payment.qr?.png), fileName: doc.fileName };
}
