/**
 * The steps of the order lifecycle and invoice settlement state machines
 * (`statemachines/order-lifecycle.asl.json`, `statemachines/invoice-settlement.asl.json`). Each is
 * safe to run twice: Step Functions retries, and a step may resume after a restart. A step that
 * waits keeps its task token where the fact it waits for is recorded; the call that records the
 * fact resumes it, and a step that arrives after the fact resumes itself.
 */
import { ConflictError, NotFoundError } from '../errors';
import { invoiceIdFor, invoiceSeries, issueInvoice, type Invoice } from '../invoices/invoice';
import { isFullyShipped, type Order } from './order';
import { formatAmount } from '../money/money';
import { calendarDateIn } from '../time/clock';
import { SequenceTakenError } from '../ports';
import { balancesOf } from '../customers/customers';
import type { CoreDeps } from '../deps';
import { creditDecided, creditHeld, invoiceIssued } from '../events/events';

/** Who decided when the credit check decided by itself (the `decidedBy` of its `CreditDecided` event). */
const CREDIT_CHECK = 'credit check';

/** The order was cancelled while it waited; the state machine ends it as `OrderCancelled`. */
export class OrderCancelledError extends Error {
  constructor(orderId: string) {
    super(`Order ${orderId} was cancelled`);
    this.name = 'OrderCancelled';
  }
}

/** The order's invoices are not all settled, or not everything shipped; completing must wait. */
export class InvoiceNotSettledError extends Error {
  constructor(what: string) {
    super(what);
    this.name = 'InvoiceNotSettled';
  }
}

async function loadOrder(deps: Pick<CoreDeps, 'orders'>, orderId: string): Promise<Order> {
  const order = await deps.orders.get(orderId);
  if (!order) throw new NotFoundError('Order', orderId);
  return order;
}

export type CreditCheckResult = { decision: 'APPROVED' | 'HOLD' | 'REJECTED'; reason: string };

/**
 * Credit control: a blocked customer is rejected; an order that takes the customer's exposure
 * (open receivables + orders accepted and not yet invoiced, this one included) over the credit
 * limit waits in CREDIT_HOLD for finance; anything else goes on.
 */
export async function checkCredit(deps: Pick<CoreDeps, 'orders' | 'customers' | 'invoices' | 'clock'>, input: { orderId: string }): Promise<CreditCheckResult> {
  const order = await loadOrder(deps, input.orderId);
  if (order.status === 'CANCELLED') throw new OrderCancelledError(order.orderId);
  if (order.status === 'CREDIT_HOLD') return { decision: 'HOLD', reason: 'on credit hold' };
  if (order.status === 'REJECTED') return { decision: 'REJECTED', reason: order.history.at(-1)?.note ?? 'rejected' };
  if (order.status !== 'RECEIVED') return { decision: 'APPROVED', reason: 'credit checked before' };
  // Approved with its credit reserved by an earlier attempt of the step (which then waits for the shipment): nothing to read again.
  if (order.creditReservedMinor !== undefined) return { decision: 'APPROVED', reason: 'credit checked before' };
  const at = deps.clock.now().toISOString();
  let result: CreditCheckResult;
  const customer = await deps.customers.get(order.customerId);
  if (!customer) throw new NotFoundError('Customer', order.customerId);
  const m = (minor: number) => `${formatAmount({ minor, currency: customer.currency })} ${customer.currency}`;
  const over = (exposureMinor: number): CreditCheckResult => ({ decision: 'HOLD', reason: `exposure ${m(exposureMinor)} with this order exceeds the credit limit ${m(customer.creditLimitMinor)}` });
  if (customer.blocked) {
    result = { decision: 'REJECTED', reason: `customer ${customer.customerId} is blocked` };
  } else {
    // Exposure: the open items, the credit approved orders reserved (kept on the customer) and this order; at least the open
    // items and every accepted order not yet invoiced as the orders index lists them (orders from before reservations).
    const balances = await balancesOf(deps, customer);
    const exposureMinor = Math.max(balances.exposureMinor, balances.openBalanceMinor + (customer.creditReservedMinor ?? 0) + order.totalMinor);
    // Approved only with the credit reserved: added to the customer's reserved total only while that total leaves room for this order.
    const maxReservedBefore = customer.creditLimitMinor - balances.openBalanceMinor - order.totalMinor;
    const approval = `exposure ${m(exposureMinor)} within the credit limit ${m(customer.creditLimitMinor)}`;
    const reserved =
      exposureMinor > customer.creditLimitMinor
        ? 'over-limit'
        : await deps.orders.reserveCredit(order.orderId, customer.customerId, order.totalMinor, maxReservedBefore, [creditDecided(order, 'approve', CREDIT_CHECK, approval, at)]);
    if (reserved === 'not-received') {
      const now = await loadOrder(deps, order.orderId);
      if (now.status === 'CANCELLED') throw new OrderCancelledError(order.orderId);
      if (now.status !== 'RECEIVED' || now.creditReservedMinor !== undefined) return { decision: 'APPROVED', reason: 'credit checked before' };
      throw new ConflictError(`Order ${order.orderId} changed while its credit was reserved; the step runs again`, 'CONCURRENT_UPDATE');
    }
    if (reserved === 'reserved') return { decision: 'APPROVED', reason: approval };
    // Over the limit now, or by the reservations other orders made meanwhile.
    const now = reserved === 'over-limit' && exposureMinor <= customer.creditLimitMinor ? await deps.customers.get(customer.customerId) : customer;
    result = over(Math.max(exposureMinor, balances.openBalanceMinor + (now?.creditReservedMinor ?? 0) + order.totalMinor));
  }
  const status = result.decision === 'HOLD' ? 'CREDIT_HOLD' : 'REJECTED';
  const events = [status === 'CREDIT_HOLD' ? creditHeld(order, result.reason, at) : creditDecided(order, 'reject', CREDIT_CHECK, result.reason, at)];
  if (!(await deps.orders.transition(order.orderId, ['RECEIVED'], { status, at, note: result.reason }, { events }))) {
    const now = await loadOrder(deps, order.orderId);
    if (now.status === 'CANCELLED') throw new OrderCancelledError(order.orderId);
  }
  return result;
}

/** Keeps the token while the order is on credit hold; resumes at once when finance decided already. */
export async function waitForCreditDecision(deps: Pick<CoreDeps, 'orders' | 'workflow'>, input: { orderId: string; taskToken: string }) {
  if (await deps.orders.waitInStatus(input.orderId, 'CREDIT_HOLD', { taskToken: input.taskToken, waitingFor: 'credit-decision' })) return { waiting: true };
  const order = await loadOrder(deps, input.orderId);
  if (order.status === 'CANCELLED') throw new OrderCancelledError(order.orderId);
  const decision = order.status === 'REJECTED' ? 'reject' : 'approve';
  await deps.workflow.resume(input.taskToken, { decision, reason: order.history.at(-1)?.note ?? '' });
  return { waiting: false };
}

/**
 * Keeps the task token on the order until a shipment is reported. When a reported shipment waits
 * to be invoiced already, resumes at once with it.
 */
export async function waitForShipment(deps: Pick<CoreDeps, 'orders' | 'workflow' | 'clock'>, input: { orderId: string; taskToken: string }) {
  const order = await loadOrder(deps, input.orderId);
  if (order.status === 'CANCELLED') throw new OrderCancelledError(order.orderId);
  const status = order.status === 'PARTIALLY_SHIPPED' ? 'PARTIALLY_SHIPPED' : 'AWAITING_SHIPMENT';
  const from = status === 'PARTIALLY_SHIPPED' ? ['PARTIALLY_SHIPPED'] : ['RECEIVED', 'AWAITING_SHIPMENT'];
  const pending = order.shipments.find((s) => s.invoiceId === null);
  if (!pending) {
    const change = { status, at: deps.clock.now().toISOString() } as const;
    const waiting =
      order.status === status
        ? await deps.orders.waitInStatus(order.orderId, status, { taskToken: input.taskToken, waitingFor: 'shipment' })
        : await deps.orders.transition(order.orderId, from, change, { wait: { taskToken: input.taskToken, waitingFor: 'shipment' }, requireNoPendingShipments: true });
    if (waiting) {
      // A shipment may have been recorded between our read and our write: look once more.
      const again = await loadOrder(deps, order.orderId);
      const arrived = again.shipments.find((s) => s.invoiceId === null);
      if (!arrived) return { waiting: true };
      await deps.workflow.resume(input.taskToken, { shipmentId: arrived.shipmentId });
      return { waiting: false };
    }
  }
  const now = await loadOrder(deps, order.orderId);
  if (now.status === 'CANCELLED') throw new OrderCancelledError(order.orderId);
  const shipment = now.shipments.find((s) => s.invoiceId === null);
  if (!shipment) throw new ConflictError(`Order ${order.orderId} is ${now.status} and cannot wait for a shipment`);
  await deps.workflow.resume(input.taskToken, { shipmentId: shipment.shipmentId });
  return { waiting: false };
}

const MAX_NUMBER_ATTEMPTS = 25;

/**
 * Issues the invoice for one shipment with the next gapless number of its series. Running it again
 * for the same shipment returns the invoice issued the first time.
 */
export async function issueInvoiceForShipment(
  deps: Pick<CoreDeps, 'orders' | 'customers' | 'invoices' | 'clock' | 'settings'>,
  input: { orderId: string; shipmentId: string },
) {
  const order = await loadOrder(deps, input.orderId);
  const shipmentIndex = order.shipments.findIndex((s) => s.shipmentId === input.shipmentId);
  const shipment = order.shipments[shipmentIndex];
  if (!shipment) throw new NotFoundError('Shipment', input.shipmentId);
  const invoiceId = invoiceIdFor(order.orderId, shipmentIndex + 1);
  const existing = await deps.invoices.get(invoiceId);
  if (existing) return issuedSummary(existing, deps.clock.now(), await loadOrder(deps, order.orderId));
  const customer = await deps.customers.get(order.customerId);
  if (!customer) throw new NotFoundError('Customer', order.customerId);
  const afterThis = { ...order, shipments: order.shipments.map((s, i) => (i === shipmentIndex ? { ...s, invoiceId } : s)) };
  const fullyInvoiced = isFullyShipped(afterThis) && afterThis.shipments.every((s) => s.invoiceId !== null);
  for (let attempt = 1; ; attempt++) {
    const now = deps.clock.now();
    const series = invoiceSeries(deps.settings.invoiceNumberPrefix, calendarDateIn(now, deps.settings.businessTimeZone));
    const sequence = (await deps.invoices.lastSequence(series)) + 1;
    const { invoice, journal } = issueInvoice({ invoiceId, order, shipment, customer, series, sequence, now, businessTimeZone: deps.settings.businessTimeZone });
    try {
      const result = await deps.invoices.issue(
        invoice,
        journal,
        {
          orderId: order.orderId,
          shipmentIndex,
          shipmentId: shipment.shipmentId,
          change: { status: fullyInvoiced ? 'INVOICED' : 'PARTIALLY_SHIPPED', at: now.toISOString(), note: `invoice ${invoice.number} for shipment ${shipment.shipmentId}` },
          releaseCredit: { customerId: order.customerId, amountMinor: creditReleasedBy(order, invoice.totalMinor) },
        },
        [invoiceIssued(invoice)],
      );
      return issuedSummary(result.invoice, now, await loadOrder(deps, order.orderId));
    } catch (error) {
      if (!(error instanceof SequenceTakenError) || attempt >= MAX_NUMBER_ATTEMPTS) throw error;
      await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 20 * attempt)));
    }
  }
}

function issuedSummary(invoice: Invoice, now: Date, order: Order) {
  const secondsUntilOverdue = Math.max(1, Math.ceil((Date.parse(invoice.overdueAt) - now.getTime()) / 1000));
  return {
    invoiceId: invoice.invoiceId,
    number: invoice.number,
    dueDate: invoice.dueDate,
    overdueAt: invoice.overdueAt,
    secondsUntilOverdue,
    // Everything shipped and every reported shipment invoiced: only then can the order wait for settlement.
    orderFullyShipped: isFullyShipped(order) && order.pendingShipments === 0,
  };
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

/**
 * Counts a settled invoice on its order; when it was the last open one of a fully shipped order,
 * resumes the order's execution that waits for the settlement.
 */
export async function recordInvoiceSettled(deps: Pick<CoreDeps, 'orders' | 'workflow'>, input: { orderId: string; invoiceId: string }) {
  const result = await deps.orders.recordInvoiceSettled(input.orderId, input.invoiceId);
  if (result && result.openInvoiceCount <= 0 && result.settlementToken) {
    await deps.workflow.resume(result.settlementToken, { settled: true });
  }
  // Counted before (a retried step): report the order's current count.
  const open = result ? result.openInvoiceCount : ((await deps.orders.get(input.orderId))?.openInvoiceCount ?? 0);
  return { openInvoices: Math.max(0, open) };
}

/** Keeps the token until the order's last open invoice is settled; resumes at once if none is open. */
export async function waitForOrderSettlement(deps: Pick<CoreDeps, 'orders' | 'workflow'>, input: { orderId: string; taskToken: string }) {
  if (await deps.orders.waitForSettlement(input.orderId, input.taskToken)) return { waiting: true };
  await deps.workflow.resume(input.taskToken, { settled: true });
  return { waiting: false };
}

/**
 * Completes the order once everything shipped and every invoice of it is settled. With
 * `endEscalation`, first ends the dunning escalation of each settled invoice that still has an
 * active one (the order's execution is resumed by every settlement of its invoices).
 */
export async function completeOrder(
  deps: Pick<CoreDeps, 'orders' | 'invoices' | 'clock'> & { readonly endEscalation?: (invoiceId: string) => Promise<unknown> },
  input: { orderId: string },
) {
  const order = await loadOrder(deps, input.orderId);
  if (order.status === 'COMPLETED') return { status: 'COMPLETED' };
  if (!isFullyShipped(order)) throw new InvoiceNotSettledError(`Order ${order.orderId} has lines not yet shipped`);
  let unsettled: string | null = null;
  for (const invoiceId of order.invoiceIds) {
    const invoice = await deps.invoices.get(invoiceId);
    if (!invoice || invoice.balanceMinor > 0) unsettled ??= invoiceId;
    else if (deps.endEscalation && invoice.dunning.escalation?.state === 'active') await deps.endEscalation(invoiceId);
  }
  if (unsettled) throw new InvoiceNotSettledError(`Invoice ${unsettled} still has a balance`);
  const moved = await deps.orders.transition(order.orderId, ['INVOICED'], completion(deps.clock.now()));
  if (!moved) {
    // The payment that settled the last invoice may have completed the order meanwhile (completeOrderOnSettlement).
    const now = await loadOrder(deps, order.orderId);
    if (now.status === 'COMPLETED') return { status: 'COMPLETED' };
    throw new ConflictError(`Order ${order.orderId} is ${now.status} and cannot complete`);
  }
  return { status: 'COMPLETED' };
}



/**
 * The settlement of an order's invoice completes the order in the same call when it settled the
 * last open one (`invoices/settlement.ts`), so that the order's execution ends right after its
 * settlement wait: the order INVOICED, everything shipped, every invoice without a balance and
 * without an active dunning escalation (ending one is CompleteOrder's). Answers false, having
 * written nothing, when the order cannot complete here; `known` are invoices the caller holds as
 * written (not read again).
 */
export async function completeOrderOnSettlement(deps: Pick<CoreDeps, 'orders' | 'invoices' | 'clock'>, orderId: string, known: readonly Pick<Invoice, 'invoiceId' | 'balanceMinor' | 'dunning'>[] = []): Promise<boolean> {
  const order = await deps.orders.get(orderId);
  if (!order || order.status !== 'INVOICED' || !isFullyShipped(order) || order.pendingShipments > 0) return false;
  const byId = new Map(known.map((i) => [i.invoiceId, i] as const));
  for (const invoiceId of order.invoiceIds) {
    const invoice = byId.get(invoiceId) ?? (await deps.invoices.get(invoiceId));
    if (!invoice || invoice.balanceMinor > 0 || invoice.dunning.escalation?.state === 'active') return false;
  }
  return deps.orders.transition(order.orderId, ['INVOICED'], completion(deps.clock.now()));
}

/** The order's last status change: everything shipped, every invoice settled. */
const completion = (now: Date) => ({ status: 'COMPLETED', at: now.toISOString(), note: 'everything shipped, every invoice settled' }) as const;

/** What an invoice of `grossMinor` releases of the credit its order reserved: at most what is still reserved. */
export function creditReleasedBy(order: Pick<Order, 'creditReservedMinor' | 'invoicedMinor'>, grossMinor: number): number {
  const left = (order.creditReservedMinor ?? 0) - (order.invoicedMinor ?? 0);
  return Math.max(0, Math.min(grossMinor, left));
}
