/** The storefront's side of an order: placing it, reporting its shipment, cancelling it. */
import { NotFoundError, ValidationError, ConflictError } from '../errors';
import { assertCancellable, newOrder, orderView, parsePlaceOrder, shipmentFor } from '../orders/order';
import type { CoreDeps } from './deps';

/**
 * Validates and stores the order, then starts its lifecycle execution (named from the order, so a
 * retried start never runs twice). If the start fails the order is not kept.
 */
export async function placeOrder(deps: Pick<CoreDeps, 'customers' | 'orders' | 'workflow' | 'clock' | 'newId'>, body: unknown) {
  const request = parsePlaceOrder(body);
  const customer = await deps.customers.get(request.customerId);
  if (!customer) throw ValidationError.of('customerId', `no customer ${request.customerId} exists`);
  const order = newOrder(deps.newId(), request, customer, deps.clock.now());
  if (!(await deps.orders.create(order))) throw new ConflictError(`Order ${order.orderId} exists already`);
  try {
    await deps.workflow.startOrderLifecycle(order.executionName, { orderId: order.orderId, customerId: order.customerId });
  } catch (error) {
    await deps.orders.discard(order.orderId);
    throw error;
  }
  return { orderId: order.orderId, status: order.status, executionName: order.executionName };
}

export async function getOrder(deps: Pick<CoreDeps, 'orders'>, orderId: string) {
  const order = await deps.orders.get(orderId);
  if (!order) throw new NotFoundError('Order', orderId);
  return orderView(order);
}

/**
 * Records the shipment, then resumes the order's execution if it already waits for it (if it does
 * not yet, the waiting step finds the shipment when it gets there). Reporting the same shipment
 * twice changes nothing.
 */
export async function reportShipment(deps: Pick<CoreDeps, 'orders' | 'workflow' | 'clock'>, orderId: string, body: unknown) {
  const order = await deps.orders.get(orderId);
  if (!order) throw new NotFoundError('Order', orderId);
  const { shipment, alreadyReported } = shipmentFor(order, body, deps.clock.now());
  if (!alreadyReported && !(await deps.orders.addShipment(orderId, shipment, ['RECEIVED', 'AWAITING_SHIPMENT']))) {
    const now = await deps.orders.get(orderId);
    throw new ConflictError(`Order ${orderId} is ${now?.status ?? 'gone'} and cannot take a shipment`, 'ORDER_NOT_SHIPPABLE');
  }
  const token = await deps.orders.taskToken(orderId);
  if (token) await deps.workflow.resume(token, { shipmentId: shipment.shipmentId });
  const current = await deps.orders.get(orderId);
  return { orderId, status: current?.status ?? order.status, shipment };
}

/** Cancels an order that has not been invoiced, and ends its execution. */
export async function cancelOrder(deps: Pick<CoreDeps, 'orders' | 'workflow' | 'clock'>, orderId: string, body: unknown) {
  const order = await deps.orders.get(orderId);
  if (!order) throw new NotFoundError('Order', orderId);
  const reason = typeof (body as { reason?: unknown } | null)?.reason === 'string' ? String((body as { reason: string }).reason).slice(0, 500) : 'cancelled by the storefront';
  assertCancellable(order);
  const moved = await deps.orders.transition(orderId, ['RECEIVED', 'CREDIT_HOLD', 'AWAITING_SHIPMENT'], { status: 'CANCELLED', at: deps.clock.now().toISOString(), note: reason }, { requireNoShipments: true });
  if (!moved) {
    const now = await deps.orders.get(orderId);
    throw new ConflictError(`Order ${orderId} is ${now?.status ?? 'gone'} and can no longer be cancelled`, 'ORDER_NOT_CANCELLABLE');
  }
  // Read the token only after the change: a step that stored it before ends here, one that comes
  // later finds the order CANCELLED and ends itself.
  const token = await deps.orders.taskToken(orderId);
  if (token) await deps.workflow.fail(token, 'OrderCancelled', reason);
  return { orderId, status: 'CANCELLED' as const };
}
