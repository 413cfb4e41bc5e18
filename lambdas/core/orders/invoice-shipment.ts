/**
 * The order step InvoiceShipment: issues the shipment's invoice and emails it, the two steps that
 * always follow each other, in one task (one state transition instead of two). Its own module:
 * emailing renders the PDF, which no other order step needs in its bundle. Safe to run again: the
 * invoice of a shipment is issued once and emailed once, so a retry after a failed email only
 * sends it.
 */
import { sendInvoice } from '../invoices/send-invoice';
import { issueInvoiceForShipment } from './order-steps';
import { orderNextCheck } from './order-settlement';
import type { CoreDeps } from '../deps';
import { applyCreditToNewInvoice, type CreditApplicationDeps } from '../sepa/refunds';

type IssueDeps = Parameters<typeof issueInvoiceForShipment>[0];
type SendDeps = Parameters<typeof sendInvoice>[0];

/**
 * With `credit`, a customer whose setting `autoApplyCredit` says so has its on-account credit applied
 * to the new invoice before it is emailed (the path of `POST /customers/{customerId}/credit/apply`,
 * once even when the step runs again), so the email and its QR code show what is still open.
 */
export async function invoiceShipment(deps: IssueDeps & SendDeps & Pick<CoreDeps, 'invoices'>, input: { orderId: string; shipmentId: string }, credit?: CreditApplicationDeps) {
  const issued = await issueInvoiceForShipment(deps, input);
  if (credit) {
    const invoice = await deps.invoices.get(issued.invoiceId);
    if (invoice) await applyCreditToNewInvoice(credit, invoice);
  }
  const email = await sendInvoice(deps, { invoiceId: issued.invoiceId });
  const order = await deps.orders.get(input.orderId);
  return {
    invoiceId: issued.invoiceId,
    number: issued.number,
    dueDate: issued.dueDate,
    messageId: email.messageId,
    sentAt: email.sentAt,
    orderFullyShipped: issued.orderFullyShipped,
    // The order's waiting steps time out when the next of its invoices becomes overdue (a month at most).
    secondsUntilNextCheck: order ? await orderNextCheck(deps, order) : issued.secondsUntilOverdue,
  };
}
