/**
 * The order step SendInvoiceByEmail, in its own module: it renders the PDF (pdfkit and an embedded
 * font), which no other step needs in its bundle.
 */
import { NotFoundError } from '../errors';
import { invoiceEmail } from './invoice-email';
import { invoicePdfAttachment, paymentAtRenderTime, type MandateReader } from './invoice-documents';
import type { CoreDeps } from '../deps';

/** Emails the invoice, with its PDF attached, to the customer once; a second run finds it sent and does nothing. */
export async function sendInvoice(deps: Pick<CoreDeps, 'invoices' | 'customers' | 'mailer' | 'clock' | 'settings'> & { readonly mandates?: MandateReader }, input: { invoiceId: string }) {
  const invoice = await deps.invoices.get(input.invoiceId);
  if (!invoice) throw new NotFoundError('Invoice', input.invoiceId);
  if (invoice.sentAt && invoice.emailMessageId) return { messageId: invoice.emailMessageId, sentAt: invoice.sentAt };
  const customer = await deps.customers.get(invoice.customerId);
  if (!customer) throw new NotFoundError('Customer', invoice.customerId);
  // The PDF as the invoice stands now: the direct debit pre-notification, or the EPC QR code with the open amount.
  const pdf = await invoicePdfAttachment(invoice, deps.settings.seller, customer.locale, await paymentAtRenderTime(invoice, deps.settings.seller, deps.mandates));
  const messageId = await deps.mailer.send({ ...invoiceEmail(invoice, customer.email, customer.locale, deps.settings.seller), attachments: [pdf] });
  const sentAt = deps.clock.now().toISOString();
  await deps.invoices.markSent(invoice.invoiceId, messageId, sentAt);
  return { messageId, sentAt };
}
