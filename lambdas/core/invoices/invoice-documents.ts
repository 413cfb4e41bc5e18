/**
 * The rendered invoice: PDF (the default, and the email attachment) or HTML, in the customer's
 * locale, chosen by the caller's Accept header.
 */
import { maySee, type Caller } from '../access/caller';
import { DomainError, NotFoundError } from '../errors';
import { invoiceDocument, type DocumentInvoice, type DocumentPayment } from './document/invoice-document';
import type { CreditNote } from './credit-note';
import { taxesByRate, type Invoice } from './invoice';
import { invoicePayment, type InvoicePayment } from '../sepa/invoice-payment';
import type { Mandate } from '../sepa/mandate';
import { renderInvoiceHtml } from './document/invoice-html';
import { renderInvoicePdf, type FacturXAttachment } from './document/invoice-pdf';
import { einvoiceFileName, einvoiceXml } from '../einvoice/einvoice';
import { EinvoiceIncompleteError, type EinvoiceSource } from '../einvoice/model';
import type { Customer } from '../customers/customer';
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
export function negotiateInvoiceDocumentType(accept: string | undefined): InvoiceDocumentType;
/** The same negotiation over the types `offered` (the first on a tie or without an Accept header). */
export function negotiateInvoiceDocumentType<T extends string>(accept: string | undefined, offered: readonly T[]): T;
export function negotiateInvoiceDocumentType(accept: string | undefined, offered: readonly string[] = INVOICE_DOCUMENT_TYPES): string {
  if (accept === undefined || accept.trim() === '') return offered[0]!;
  const ranges = parseAccept(accept);
  let chosen: { type: string; q: number } | undefined;
  for (const type of offered) {
    const q = quality(ranges, type);
    if (q > 0 && (!chosen || q > chosen.q)) chosen = { type, q };
  }
  if (!chosen) throw new NotAcceptableError(accept, offered);
  return chosen.type;
}

export interface RenderedInvoiceDocument {
  readonly contentType: string;
  /** PDF bytes, or the HTML page. */
  readonly body: Uint8Array | string;
  /** `<number>.pdf` (also for HTML, as the name to save the PDF under). */
  readonly fileName: string;
}

/**
 * The CII XML (EN 16931) a document's PDF embeds as a ZUGFeRD/Factur-X hybrid, or undefined when
 * the invoice cannot be an e-invoice (issued before buyer data was recorded, no address: the PDF
 * is then a plain PDF, and the invoice's `warnings` say why).
 */
export function facturXFor(source: EinvoiceSource): FacturXAttachment | undefined {
  try {
    return { xml: einvoiceXml(source, 'cii') };
  } catch (error) {
    if (error instanceof EinvoiceIncompleteError) return undefined;
    throw error;
  }
}

/**
 * The invoice's PDF (a ZUGFeRD hybrid when it can be an e-invoice) as an email attachment named
 * `<number>.pdf`, with the customer's pay link and how to pay it now (pre-notification or EPC QR code) when given.
 */
export async function invoicePdfAttachment(invoice: Invoice, seller: Seller, locale: string, options: { readonly payLink?: string; readonly payment?: InvoicePayment } = {}): Promise<EmailAttachment> {
  const { payLink, payment } = options;
  const doc = invoiceDocument(invoice, seller, locale, { payLink, payment: payment && documentPayment(payment) });
  return { filename: doc.fileName, contentType: 'application/pdf', content: await renderInvoicePdf(doc, { facturX: facturXFor({ invoice, seller }), qrPng: payment?.qr?.png }) };
}

/**
 * What the invoice email carries, in the customer's preferred format: the PDF always (a ZUGFeRD
 * hybrid when possible; `pdf` and `zugferd` ask for just that), and for `xrechnung-ubl`,
 * `xrechnung-cii` and `peppol-bis` the XML besides. An XML the invoice cannot be (data missing)
 * is left out; the PDF still goes.
 */
export async function invoiceEmailAttachments(
  invoice: Invoice,
  seller: Seller,
  customer: Pick<Customer, 'locale' | 'einvoiceFormat'>,
  options: { readonly payLink?: string; readonly payment?: InvoicePayment } = {},
): Promise<EmailAttachment[]> {
  const attachments = [await invoicePdfAttachment(invoice, seller, customer.locale, options)];
  const format = customer.einvoiceFormat;
  if (format === 'xrechnung-ubl' || format === 'xrechnung-cii' || format === 'peppol-bis') {
    try {
      attachments.push({ filename: einvoiceFileName(invoice.number, format), contentType: 'application/xml', content: Buffer.from(einvoiceXml({ invoice, seller }, format), 'utf8') });
    } catch (error) {
      if (!(error instanceof EinvoiceIncompleteError)) throw error;
    }
  }
  return attachments;
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
  const doc = invoiceDocument(invoice, deps.settings.seller, customer?.locale ?? 'en', { payment: documentPayment(payment) });
  if (type === 'text/html') return { contentType: 'text/html; charset=utf-8', body: renderInvoiceHtml(doc, payment.qr?.png), fileName: doc.fileName };
  return { contentType: 'application/pdf', body: await renderInvoicePdf(doc, { facturX: facturXFor({ invoice, seller: deps.settings.seller }), qrPng: payment.qr?.png }), fileName: doc.fileName };
}

/**
 * The credit note rendered like its invoice (same layout and words), titled as a credit note, with
 * its reason and the invoice it corrects; PDF or HTML as `accept` asks.
 */
export async function renderCreditNoteDocument(note: CreditNote, invoice: Invoice, seller: Seller, locale: string, accept: string | undefined): Promise<RenderedInvoiceDocument> {
  const type = negotiateInvoiceDocumentType(accept);
  const doc = invoiceDocument(
    {
      ...invoice,
      number: note.number,
      issueDate: note.issueDate,
      issuedAt: note.issuedAt,
      lines: note.lines,
      taxes: taxesByRate(note.vatBreakdown),
      vatBreakdown: note.vatBreakdown,
      totalMinor: note.totalMinor,
    },
    seller,
    locale,
    { creditNote: { invoiceNumber: invoice.number, invoiceIssueDate: invoice.issueDate, reason: note.reason } },
  );
  if (type === 'text/html') return { contentType: 'text/html; charset=utf-8', body: renderInvoiceHtml(doc), fileName: doc.fileName };
  return { contentType: 'application/pdf', body: await renderInvoicePdf(doc, { facturX: facturXFor({ invoice, seller, creditNote: note }) }), fileName: doc.fileName };
}
