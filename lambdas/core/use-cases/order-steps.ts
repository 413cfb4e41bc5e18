/**
 * The steps of the order lifecycle state machine (`statemachines/order-lifecycle.asl.json`). Each
 * is safe to run twice: Step Functions retries, and a step may resume after a restart.
 */
import { ConflictError, NotFoundError } from '../errors';
import { invoiceEmail } from '../invoices/invoice-email';
import { invoiceIdFor, invoiceSeries, issueInvoice, type Invoice } from '../invoices/invoice';
import { calendarDateIn } from '../time/clock';
import { SequenceTakenError } from '../ports';
import type { CoreDeps } from './deps';

/** The order was cancelled while it waited; the state machine ends it as `OrderCancelled`. */
export class OrderCancelledError extends Error {
  constructor(orderId: string) {
    super(`Order ${orderId} was cancelled`);
    this.name = 'OrderCancelled';
  }
}

/** The invoice is not settled yet; completing the order must wait. */
export class InvoiceNotSettledError extends Error {
  constructor(invoiceId: string) {
    super(`Invoice ${invoiceId} still has a balance`);
    this.name = 'InvoiceNotSettled';
  }
}

/**
 * Keeps the task token on the order so that the shipment report resumes the execution. When the
 * shipment was reported before the execution got here, resumes at once.
 */
export async function waitForShipment(deps: Pick<CoreDeps, 'orders' | 'workflow' | 'clock'>, input: { orderId: string; taskToken: string }) {
  const order = await deps.orders.get(input.orderId);
  if (!order) throw new NotFoundError('Order', input.orderId);
  if (order.status === 'CANCELLED') throw new OrderCancelledError(order.orderId);
  const waiting = await deps.orders.transition(
    order.orderId,
    ['RECEIVED', 'AWAITING_SHIPMENT'],
    { status: 'AWAITING_SHIPMENT', at: deps.clock.now().toISOString() },
    { taskToken: input.taskToken, requireNoShipments: true },
  );
  if (waiting) return { waiting: true };
  const now = await deps.orders.get(order.orderId);
  if (now?.status === 'CANCELLED') throw new OrderCancelledError(order.orderId);
  const shipment = now?.shipments[0];
  if (!shipment) throw new ConflictError(`Order ${order.orderId} is ${now?.status ?? 'gone'} and cannot wait for a shipment`);
  await deps.workflow.resume(input.taskToken, { shipmentId: shipment.shipmentId });
  return { waiting: false };
}

const MAX_NUMBER_ATTEMPTS = 25;

/**
 * Issues the order's invoice with the next gapless number of its series. Running it again for the
 * same order returns the invoice issued the first time.
 */
export async function issueInvoiceForOrder(deps: Pick<CoreDeps, 'orders' | 'customers' | 'invoices' | 'clock' | 'settings'>, input: { orderId: string }) {
  const order = await deps.orders.get(input.orderId);
  if (!order) throw new NotFoundError('Order', input.orderId);
  const invoiceId = invoiceIdFor(order.orderId, 1);
  const existing = await deps.invoices.get(invoiceId);
  if (existing) return issuedSummary(existing, deps.clock.now());
  const customer = await deps.customers.get(order.customerId);
  if (!customer) throw new NotFoundError('Customer', order.customerId);
  for (let attempt = 1; ; attempt++) {
    const now = deps.clock.now();
    const series = invoiceSeries(deps.settings.invoiceNumberPrefix, calendarDateIn(now, deps.settings.businessTimeZone));
    const sequence = (await deps.invoices.lastSequence(series)) + 1;
    const { invoice, journal } = issueInvoice({ invoiceId, order, customer, series, sequence, now, businessTimeZone: deps.settings.businessTimeZone });
    try {
      const result = await deps.invoices.issue(invoice, journal, { orderId: order.orderId, change: { status: 'INVOICED', at: now.toISOString(), note: `invoice ${invoice.number}` } });
      return issuedSummary(result.invoice, now);
    } catch (error) {
      if (!(error instanceof SequenceTakenError) || attempt >= MAX_NUMBER_ATTEMPTS) throw error;
      await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 20 * attempt)));
    }
  }
}

function issuedSummary(invoice: Invoice, now: Date) {
  const secondsUntilOverdue = Math.max(1, Math.ceil((Date.parse(invoice.overdueAt) - now.getTime()) / 1000));
  return {
    invoiceId: invoice.invoiceId,
    number: invoice.number,
    dueDate: invoice.dueDate,
    overdueAt: invoice.overdueAt,
    secondsUntilOverdue,
  };
}

/** Emails the invoice to the customer once; a second run finds it sent and does nothing. */
export async function sendInvoice(deps: Pick<CoreDeps, 'invoices' | 'customers' | 'mailer' | 'clock' | 'settings'>, input: { invoiceId: string }) {
  const invoice = await deps.invoices.get(input.invoiceId);
  if (!invoice) throw new NotFoundError('Invoice', input.invoiceId);
  if (invoice.sentAt && invoice.emailMessageId) return { messageId: invoice.emailMessageId, sentAt: invoice.sentAt };
  const customer = await deps.customers.get(invoice.customerId);
  if (!customer) throw new NotFoundError('Customer', invoice.customerId);
  const messageId = await deps.mailer.send(invoiceEmail(invoice, customer.email, customer.locale, deps.settings.seller));
  const sentAt = deps.clock.now().toISOString();
  await deps.invoices.markSent(invoice.invoiceId, messageId, sentAt);
  return { messageId, sentAt };
}

/**
 * Keeps the task token on the invoice so that the payment settling it resumes the execution; when
 * the invoice is settled already, resumes at once.
 */
export async function waitForPayment(deps: Pick<CoreDeps, 'invoices' | 'workflow'>, input: { invoiceId: string; taskToken: string }) {
  if (await deps.invoices.setPaymentTaskToken(input.invoiceId, input.taskToken)) return { waiting: true };
  const invoice = await deps.invoices.get(input.invoiceId);
  if (!invoice) throw new NotFoundError('Invoice', input.invoiceId);
  await deps.workflow.resume(input.taskToken, { invoiceId: invoice.invoiceId, status: invoice.status });
  return { waiting: false };
}

/** Completes the order once every invoice of it is settled. */
export async function completeOrder(deps: Pick<CoreDeps, 'orders' | 'invoices' | 'clock'>, input: { orderId: string }) {
  const order = await deps.orders.get(input.orderId);
  if (!order) throw new NotFoundError('Order', input.orderId);
  if (order.status === 'COMPLETED') return { status: 'COMPLETED' };
  for (const invoiceId of order.invoiceIds) {
    const invoice = await deps.invoices.get(invoiceId);
    if (!invoice || invoice.balanceMinor > 0) throw new InvoiceNotSettledError(invoiceId);
  }
  const moved = await deps.orders.transition(order.orderId, ['INVOICED'], { status: 'COMPLETED', at: deps.clock.now().toISOString(), note: 'every invoice settled' });
  if (!moved) throw new ConflictError(`Order ${order.orderId} is ${order.status} and cannot complete`);
  return { status: 'COMPLETED' };
}
