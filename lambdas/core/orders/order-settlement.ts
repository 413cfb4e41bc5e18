/**
 * The order lifecycle's own tracking of its invoices (`statemachines/order-lifecycle.asl.json`):
 * the order's one execution waits for its invoices' settlement itself while they are not overdue,
 * marks them overdue when their due date passes, and completes when everything shipped and every
 * invoice is settled; an overdue invoice's dunning runs in its own escalation execution. Outcomes
 * that route the order elsewhere are errors the state machine catches by name, as
 * `OrderCancelled` is: each costs no state transition on the common path.
 */
import { NotFoundError } from '../errors';
import { isFullyShipped, type Order } from './order';
import type { Invoice } from '../invoices/invoice';
import type { CoreDeps } from '../deps';
import { checkCredit, waitForShipment } from './order-steps';

/** The longest a waiting step waits before the execution looks at its age and the due dates again. */
export const MAX_WAIT_SECONDS = 30 * 24 * 3600;

/** Credit control put the order on hold: the machine goes on to `AwaitCreditDecision`. */
export class CreditHoldError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'CreditHold';
  }
}

/** Credit control rejected the order (a blocked customer): the machine ends it as `OrderRejected`. */
export class CreditRejectedError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'CreditRejected';
  }
}

/** The execution continues one that neared its year: the machine resumes where that one waited. */
export class ExecutionContinuedError extends Error {
  constructor(from: string) {
    super(`continues execution ${from}`);
    this.name = 'ExecutionContinued';
  }
}

/** A partial shipment was invoiced: the order waits for the next shipment (`WaitForNextShipment`) before its settlement. */
export class OrderNotFullyShippedError extends Error {
  constructor(orderId: string) {
    super(`Order ${orderId} has lines not yet shipped or invoiced`);
    this.name = 'OrderNotFullyShipped';
  }
}

async function loadOrder(deps: Pick<CoreDeps, 'orders'>, orderId: string): Promise<Order> {
  const order = await deps.orders.get(orderId);
  if (!order) throw new NotFoundError('Order', orderId);
  return order;
}

/**
 * The first state of the order lifecycle, CheckCredit: approved orders go on (the result is the
 * decision); a hold or a rejection is thrown under its name; a continued execution is recognised
 * before any check and thrown as `ExecutionContinued`.
 */
export async function creditCheckStep(deps: Parameters<typeof checkCredit>[0], input: { orderId: string; continuedFrom?: string | undefined }) {
  if (input.continuedFrom) throw new ExecutionContinuedError(input.continuedFrom);
  const result = await checkCredit(deps, { orderId: input.orderId });
  if (result.decision === 'HOLD') throw new CreditHoldError(result.reason);
  if (result.decision === 'REJECTED') throw new CreditRejectedError(result.reason);
  return result;
}

/**
 * The first state of the order lifecycle, CheckCreditAndWaitForShipment (.waitForTaskToken): the
 * credit check of {@link creditCheckStep} (a hold, a rejection, a continuation or a cancellation
 * thrown under its name fails the task into the state's Catch), then, for an approved order, the
 * wait for the first shipment ({@link waitForShipment}): one Lambda and one state transition for
 * what were two.
 */
export async function creditCheckThenWaitForShipment(
  deps: Parameters<typeof checkCredit>[0] & Parameters<typeof waitForShipment>[0],
  input: { orderId: string; continuedFrom?: string | undefined; taskToken: string },
  timeLeftMs: () => number = () => Number.POSITIVE_INFINITY,
) {
  await creditCheckStep(deps, input);
  // An attempt that keeps its token after it timed out would leave a stale token on the order (the retry waits with
  // another): with too little time left, the attempt ends here (the retry finds the credit decided and only waits).
  if (timeLeftMs() < MIN_MS_LEFT_TO_WAIT) throw new TooLittleTimeToWaitError(input.orderId);
  return waitForShipment(deps, { orderId: input.orderId, taskToken: input.taskToken });
}

/** The time an invocation must have left to keep its task token (a token write under load takes well under it). */
export const MIN_MS_LEFT_TO_WAIT = 4000;

/** The credit check took so long that keeping the token could outlast the invocation: the state retries (the check is recorded). */
export class TooLittleTimeToWaitError extends Error {
  constructor(orderId: string) {
    super(`Order ${orderId}: credit checked, too little time left in this attempt to keep the task token`);
    this.name = 'TooLittleTimeToWait';
  }
}

/**
 * A settlement resumed the order's AwaitOrderSettlement without completing the order (an invoice
 * still open, an escalation to end, or a settling path that does not complete orders): the machine
 * goes on to CompleteOrder.
 */
export class InvoiceSettledError extends Error {
  constructor(what: string) {
    super(what);
    this.name = 'InvoiceSettled';
  }
}

/**
 * The order's settlement wait keeps its task token on each open invoice with this mark, so that the
 * settlement tells it from an invoice settlement execution's token (which it resumes as before):
 * the order's step ends the execution on success (the order completed) and routes any other
 * settlement to CompleteOrder by the error `InvoiceSettled`.
 */
export const ORDER_SETTLEMENT_TOKEN_MARK = 'order-settlement:';

/** The order's task token from a kept token, or undefined for another kind (an invoice settlement execution's). */
export function orderSettlementToken(kept: string): string | undefined {
  return kept.startsWith(ORDER_SETTLEMENT_TOKEN_MARK) ? kept.slice(ORDER_SETTLEMENT_TOKEN_MARK.length) : undefined;
}

/** Open, not yet overdue, with a balance: what the order's execution still marks overdue when its due date passes. */
const awaitsDueDate = (invoice: Pick<Invoice, 'balanceMinor' | 'overdueSince' | 'status'>) =>
  invoice.balanceMinor > 0 && invoice.overdueSince === null && (invoice.status === 'OPEN' || invoice.status === 'PARTIALLY_PAID');

/**
 * Seconds until the order's execution must look again: the earliest instant one of its invoices
 * becomes overdue, at most {@link MAX_WAIT_SECONDS}, at least 1.
 */
export function secondsUntilNextCheck(invoices: readonly Pick<Invoice, 'balanceMinor' | 'overdueSince' | 'status' | 'overdueAt'>[], now: Date): number {
  let seconds = MAX_WAIT_SECONDS;
  for (const invoice of invoices) {
    if (!awaitsDueDate(invoice)) continue;
    seconds = Math.min(seconds, Math.ceil((Date.parse(invoice.overdueAt) - now.getTime()) / 1000));
  }
  return Math.max(1, seconds);
}

async function invoicesOf(deps: Pick<CoreDeps, 'invoices'>, order: Pick<Order, 'invoiceIds'>, known: readonly Invoice[] = []): Promise<Invoice[]> {
  const byId = new Map(known.map((i) => [i.invoiceId, i] as const));
  const out: Invoice[] = [];
  for (const invoiceId of order.invoiceIds) {
    const invoice = byId.get(invoiceId) ?? (await deps.invoices.get(invoiceId));
    if (invoice) out.push(invoice);
  }
  return out;
}

/** {@link secondsUntilNextCheck} for an order's invoices, reading only those not given. */
export async function orderNextCheck(deps: Pick<CoreDeps, 'invoices' | 'clock'>, order: Pick<Order, 'invoiceIds'>, known: readonly Invoice[] = []): Promise<number> {
  return secondsUntilNextCheck(await invoicesOf(deps, order, known), deps.clock.now());
}

/**
 * AwaitOrderSettlement (.waitForTaskToken): everything shipped and invoiced, the order waits for its
 * invoices. The token is kept (marked, {@link ORDER_SETTLEMENT_TOKEN_MARK}) on every invoice with a
 * balance, where the payment, statement line, credit or write-off that settles it finds it
 * (`invoices/settlement.ts`); with none open, `InvoiceSettled` is thrown at once (CompleteOrder
 * completes the order); an order the settlement completed already resumes the step with success (the execution ends). An order with lines still to ship or invoice is thrown as `OrderNotFullyShipped`.
 */
export async function awaitOrderSettlement(deps: Pick<CoreDeps, 'orders' | 'invoices' | 'workflow'>, input: { orderId: string; taskToken: string }) {
  const order = await loadOrder(deps, input.orderId);
  // The settlement of its last invoice completed the order before this step waited: the execution ends here.
  if (order.status === 'COMPLETED') {
    await deps.workflow.resume(input.taskToken, { orderCompleted: true });
    return { waiting: false };
  }
  if (!isFullyShipped(order) || order.pendingShipments > 0 || order.shipments.some((s) => s.invoiceId === null)) throw new OrderNotFullyShippedError(order.orderId);
  let waiting = false;
  for (const invoiceId of order.invoiceIds) {
    // Kept only while the invoice has a balance: one settled a moment ago counts as settled.
    if (await deps.invoices.setPaymentTaskToken(invoiceId, ORDER_SETTLEMENT_TOKEN_MARK + input.taskToken)) waiting = true;
  }
  if (waiting) return { waiting: true };
  throw new InvoiceSettledError(`Order ${order.orderId} has no invoice with a balance left`);
}

/** Marks one invoice overdue: conditional on a balance left and the status OPEN or PARTIALLY_PAID; false when it no longer applies. */
export interface OverdueMarker {
  markOverdue(invoiceId: string, overdueAt: string): Promise<boolean>;
}

/**
 * MarkOverdueInvoices: a waiting step of the order timed out. Every invoice of the order whose due
 * date has passed with a balance left becomes OVERDUE (its dunning is the dunning run's and its
 * escalation's); answers the seconds until the next look.
 */
export async function markOverdueInvoices(deps: Pick<CoreDeps, 'orders' | 'invoices' | 'clock'> & { readonly overdue: OverdueMarker }, input: { orderId: string }) {
  const order = await loadOrder(deps, input.orderId);
  const now = deps.clock.now();
  const invoices = await invoicesOf(deps, order);
  const marked: string[] = [];
  const after: Invoice[] = [];
  for (const invoice of invoices) {
    if (awaitsDueDate(invoice) && Date.parse(invoice.overdueAt) <= now.getTime() && (await deps.overdue.markOverdue(invoice.invoiceId, invoice.overdueAt))) {
      marked.push(invoice.invoiceId);
      after.push({ ...invoice, overdueSince: invoice.overdueAt, status: 'OVERDUE' });
    } else after.push(invoice);
  }
  return { overdueInvoiceIds: marked, secondsUntilNextCheck: secondsUntilNextCheck(after, now) };
}
