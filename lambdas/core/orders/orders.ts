/** The storefront's side of an order: placing it, reporting its shipment, cancelling it. */
import { attentionShown } from '../attention/attention';
import * as z from 'zod';
import { NotFoundError, ValidationError, ConflictError } from '../errors';
import { freeText, parseWith } from '../validation';
import { assertCancellable, newOrder, orderView, parsePlaceOrder, shipmentFor, SHIPPABLE } from './order';
import { creditReleasedBy } from './order-steps';
import type { CoreDeps } from '../deps';
import { maySee, type Caller } from '../access/caller';
import type { Order } from './order';
import type { OrderStore } from '../ports';
import { creditDecided, orderPlaced, shipmentRecorded } from '../events/events';

/** The order if the caller may see it; another storefront's order is not found (404). */
async function visibleOrder(orders: Pick<OrderStore, 'get'>, caller: Caller, orderId: string): Promise<Order> {
  const order = await orders.get(orderId);
  if (!order || !maySee(caller, order.ownerId)) throw new NotFoundError('Order', orderId);
  return order;
}

/**
 * Validates and stores the order, then starts its lifecycle execution (named from the order, so a
 * retried start never runs twice). If the start fails the order is not kept. A storefront orders
 * only for its own customers: another storefront's customer is answered as one that does not exist.
 */
export async function placeOrder(deps: Pick<CoreDeps, 'customers' | 'orders' | 'workflow' | 'clock' | 'newId'> & { readonly settings?: Pick<CoreDeps['settings'], 'seller'> }, caller: Caller, body: unknown) {
  const request = parsePlaceOrder(body);
  const customer = await deps.customers.get(request.customerId);
  if (!customer || !maySee(caller, customer.registeredBy)) throw ValidationError.of('customerId', `no customer ${request.customerId} exists`);
  const order = newOrder(deps.newId(), request, customer, deps.clock.now(), { vatId: deps.settings?.seller.vatId || null });
  if (!(await deps.orders.create(order, [orderPlaced(order)]))) {
    // The id came from this request's Idempotency-Key: an earlier attempt stored the order. Make sure its lifecycle runs, and answer with it.
    const existing = await deps.orders.get(order.orderId);
    if (!existing || existing.customerId !== order.customerId) throw new ConflictError(`Order ${order.orderId} exists already`);
    if (existing.status === 'RECEIVED') await deps.workflow.startOrderLifecycle(existing.executionName, { orderId: existing.orderId, customerId: existing.customerId });
    return { orderId: existing.orderId, status: existing.status, executionName: existing.executionName };
  }
  try {
    await deps.workflow.startOrderLifecycle(order.executionName, { orderId: order.orderId, customerId: order.customerId });
  } catch (error) {
    await deps.orders.discard(order.orderId);
    throw error;
  }
  return { orderId: order.orderId, status: order.status, executionName: order.executionName };
}

export async function getOrder(deps: Pick<CoreDeps, 'orders'>, caller: Caller, orderId: string) {
  const order = await visibleOrder(deps.orders, caller, orderId);
  return { ...orderView(order), ...attentionShown(order) };
}

/**
 * Records the shipment, then resumes the order's execution if it waits for one (if it does not
 * yet, the waiting step finds the shipment when it gets there). Reporting the same shipment twice
 * (the same shipmentId, or a retry of the same request: `requestId`, from its Idempotency-Key)
 * changes nothing; concurrent reports are checked against each other (optimistic version).
 */
export async function reportShipment(deps: Pick<CoreDeps, 'orders' | 'workflow' | 'clock'>, caller: Caller, orderId: string, body: unknown, requestId?: string) {
  for (let attempt = 1; ; attempt++) {
    const order = await visibleOrder(deps.orders, caller, orderId);
    const { shipment, alreadyReported } = shipmentFor(order, body, deps.clock.now(), requestId);
    if (!alreadyReported && !(await deps.orders.addShipment(orderId, shipment, SHIPPABLE, order.version, [shipmentRecorded(order, shipment)]))) {
      if (attempt < 5) continue;
      throw new ConflictError(`Order ${orderId} changed while the shipment was recorded; retry`, 'CONCURRENT_UPDATE');
    }
    // Resume only for a shipment still waiting to be invoiced: repeating the report of an invoiced
    // one must not wake the step that waits for the next shipment.
    const token = shipment.invoiceId === null ? await deps.orders.taskToken(orderId, 'shipment') : undefined;
    if (token) await deps.workflow.resume(token, { shipmentId: shipment.shipmentId });
    const current = await deps.orders.get(orderId);
    return { orderId, status: current?.status ?? order.status, shipment };
  }
}

/** The body of `POST /orders/{orderId}/cancel`: nothing, or the reason. */
export const cancelOrderRequest = z.strictObject({ reason: freeText(500).optional() });

/** Cancels an order before anything of it shipped or was invoiced, and ends its execution. */
export async function cancelOrder(deps: Pick<CoreDeps, 'orders' | 'workflow' | 'clock'>, caller: Caller, orderId: string, body: unknown) {
  const request = parseWith(cancelOrderRequest, body ?? {});
  const order = await visibleOrder(deps.orders, caller, orderId);
  const reason = request.reason ?? 'cancelled by the storefront';
  assertCancellable(order);
  // An approved order gives back the credit it reserved (nothing shipped, so nothing of it was invoiced).
  const reserved = creditReleasedBy(order, order.totalMinor);
  const credit = reserved > 0 ? { customerId: order.customerId, deltaMinor: -reserved, orderReservedMinor: 0 } : undefined;
  const moved = await deps.orders.transition(
    orderId,
    ['RECEIVED', 'CREDIT_HOLD', 'AWAITING_SHIPMENT'],
    { status: 'CANCELLED', at: deps.clock.now().toISOString(), note: reason },
    { requireNoShipments: true, ...(credit ? { credit } : {}) },
  );
  if (!moved) {
    const now = await deps.orders.get(orderId);
    throw new ConflictError(`Order ${orderId} is ${now?.status ?? 'gone'} and can no longer be cancelled`, 'ORDER_NOT_CANCELLABLE');
  }
  // Read the token only after the change: a step that stored it before ends here, one that comes
  // later finds the order CANCELLED and ends itself.
  for (const waitingFor of ['shipment', 'credit-decision'] as const) {
    const token = await deps.orders.taskToken(orderId, waitingFor);
    if (token) await deps.workflow.fail(token, 'OrderCancelled', reason);
  }
  return { orderId, status: 'CANCELLED' as const };
}

export const creditDecisionRequest = z.strictObject({
  decision: z.enum(['approve', 'reject'], { message: 'must be "approve" or "reject"' }),
  reason: z.string().trim().min(1, 'must say why').max(500, 'must be at most 500 characters'),
});

/**
 * Finance's decision on an order on credit hold: approve lets it go on to shipment, reject ends it
 * REJECTED with the reason. A decision on an order not on hold is a 409.
 */
export async function decideCredit(deps: Pick<CoreDeps, 'orders' | 'workflow' | 'clock'>, orderId: string, body: unknown, decidedBy: string) {
  const request = parseWith(creditDecisionRequest, body);
  const order = await deps.orders.get(orderId);
  if (!order) throw new NotFoundError('Order', orderId);
  const status = request.decision === 'approve' ? 'AWAITING_SHIPMENT' : 'REJECTED';
  const note = `credit ${request.decision === 'approve' ? 'approved' : 'rejected'} by ${decidedBy}: ${request.reason}`;
  // Approved over the limit by finance: the order reserves its credit like any approved order.
  const credit = request.decision === 'approve' && !order.creditReservedMinor ? { customerId: order.customerId, deltaMinor: order.totalMinor, orderReservedMinor: order.totalMinor } : undefined;
  const at = deps.clock.now().toISOString();
  const events = [creditDecided(order, request.decision, decidedBy, request.reason, at)];
  if (!(await deps.orders.transition(orderId, ['CREDIT_HOLD'], { status, at, note }, credit ? { credit, events } : { events }))) {
    const now = await deps.orders.get(orderId);
    throw new ConflictError(`Order ${orderId} is ${now?.status ?? order.status}, not on credit hold`, 'ORDER_NOT_ON_CREDIT_HOLD');
  }
  const token = await deps.orders.taskToken(orderId, 'credit-decision');
  if (token) await deps.workflow.resume(token, { decision: request.decision, reason: request.reason });
  return { orderId, status, decision: request.decision, reason: request.reason };
}
