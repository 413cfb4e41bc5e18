/**
 * The order step SendInvoiceByEmail, in its own module: it renders the PDF (pdfkit and an embedded
 * font), which no other step needs in its bundle.
 */
import { NotFoundError } from '../errors';
import { invoiceEmail } from './invoice-email';
import { invoicePdfAttachment } from './invoice-documents';
import type { CoreDeps } from '../deps';
import type { PayLinks } from '../portal/pay-link';

/**
 * Emails the invoice, with its PDF attached and a fresh pay link (when `payLinks` is given), to the
 * customer once; a second run finds it sent and does nothing.
 */
export async function sendInvoice(deps: Pick<CoreDeps, 'invoices' | 'customers' | 'mailer' | 'clock' | 'settings'> & { readonly payLinks?: PayLinks }, input: { invoiceId: string }) {
  const invoice = await deps.invoices.get(input.invoiceId);
  if (!invoice) throw new NotFoundError('Invoice', input.invoiceId);
  if (invoice.sentAt && invoice.emailMessageId) return { messageId: invoice.emailMessageId, sentAt: invoice.sentAt };
  const customer = await deps.customers.get(invoice.customerId);
  if (!customer) throw new NotFoundError('Customer', invoice.customerId);
  const payLink = deps.payLinks?.linkFor(customer.customerId);
  const pdf = await invoicePdfAttachment(invoice, deps.settings.seller, customer.locale, payLink);
  const messageId = await deps.mailer.send({ ...invoiceEmail(invoice, customer.email, customer.locale, deps.settings.seller, payLink), attachments: [pdf] });
  const sentAt = deps.clock.now().toISOString();
  await deps.invoices.markSent(invoice.invoiceId, messageId, sentAt);
  return { messageId, sentAt };
}
