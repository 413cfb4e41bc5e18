/** POST /orders: validate, store, start the order's lifecycle; 202 with orderId and status. */
import { placeOrder } from '../../core/orders/orders';
import type { CoreDeps } from '../../core/deps';
import { apiHandler, type ApiHandlerOptions } from '../../shared/http';
import { clock, coreSettings, customerStore, idempotency, newId, orderStore, workflow } from '../../shared/wiring';

export function makeHandler(deps: Pick<CoreDeps, 'customers' | 'orders' | 'workflow' | 'clock' | 'newId'> & { readonly settings?: Pick<CoreDeps['settings'], 'seller'> }, options: ApiHandlerOptions) {
  return apiHandler(options, async (request) => {
    const { orderId, status } = await placeOrder({ ...deps, newId: request.keyedId ?? deps.newId }, request.caller, request.body);
    return { statusCode: 202, body: { orderId, status }, headers: { location: `/orders/${orderId}` } };
  });
}

export const handler = makeHandler({ customers: customerStore(), orders: orderStore(), workflow: workflow(), clock, newId, settings: coreSettings() }, { idempotency: idempotency() });
