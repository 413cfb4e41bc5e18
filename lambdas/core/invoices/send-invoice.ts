/**
 * The order step SendInvoiceByEmail, in its own module: it renders the PDF (pdfkit and an embedded
 * font), which no other step needs in its bundle.
 */
import { NotFoundError } from '../errors';
import { invoiceEmail } from './invoice-email';
import { invoiceEmailAttachments, paymentAtRenderTime, type MandateReader } from './invoice-documents';
import type { CoreDeps } from '../deps';
import { invoiceSent } from '../events/events';
import type { PayLinks } from '../portal/pay-link';

/**
 * Emails the invoice to the customer once, with its PDF as it stands now (the direct debit
 * pre-notification, or the EPC QR code with the open amount), the e-invoice XML the customer asked
 * for, and a fresh pay link (when `payLinks` is given); a second run finds it sent and does nothing.
 */
export async function sendInvoice(
  deps: Pick<CoreDeps, 'invoices' | 'customers' | 'mailer' | 'clock' | 'settings'> & { readonly payLinks?: PayLinks; readonly mandates?: MandateReader },
  input: { invoiceId: string },
) {
  const invoice = await deps.invoices.get(input.invoiceId);
  if (!invoice) throw new NotFoundError('Invoice', input.invoiceId);
  if (invoice.sentAt && invoice.emailMessageId) return { messageId: invoice.emailMessageId, sentAt: invoice.sentAt };
  const customer = await deps.customers.get(invoice.customerId);
  if (!customer) throw new NotFoundError('Customer', invoice.customerId);
  // The customer's preferred format: the (ZUGFeRD) PDF, and the XRechnung or Peppol XML when asked for; a fresh pay link in each.
  const payLink = deps.payLinks?.linkFor(customer.customerId);
  const payment = await paymentAtRenderTime(invoice, deps.settings.seller, deps.mandates);
  const attachments = await invoiceEmailAttachments(invoice, deps.settings.seller, customer, { payLink, payment });
  const messageId = await deps.mailer.send({ ...invoiceEmail(invoice, customer.email, customer.locale, deps.settings.seller, payLink), attachments });
  const sentAt = deps.clock.now().toISOString();
  await deps.invoices.markSent(invoice.invoiceId, messageId, sentAt, [invoiceSent(invoice, sentAt)]);
  return { messageId, sentAt };
}
