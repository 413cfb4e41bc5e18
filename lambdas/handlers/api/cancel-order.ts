/** POST /orders/{orderId}/cancel: cancel before invoicing; 409 after. */
import { cancelOrder } from '../../core/orders/orders';
import type { CoreDeps } from '../../core/deps';
import { apiHandler, type ApiHandlerOptions } from '../../shared/http';
import { clock, idempotency, orderStore, workflow } from '../../shared/wiring';

export function makeHandler(deps: Pick<CoreDeps, 'orders' | 'workflow' | 'clock'>, options: ApiHandlerOptions) {
  return apiHandler(options, async (request) => ({ statusCode: 200, body: await cancelOrder(deps, request.caller, request.pathParameters.orderId ?? '', request.body) }));
}

export const handler = makeHandler({ orders: orderStore(), workflow: workflow(), clock }, { idempotency: idempotency() });
