/** GET /orders/{orderId}: status, lines, totals, invoices and the history of state changes. */
import { getOrder } from '../../core/orders/orders';
import type { CoreDeps } from '../../core/deps';
import { apiHandler } from '../../shared/http';
import { orderStore } from '../../shared/wiring';

export function makeHandler(deps: Pick<CoreDeps, 'orders'>) {
  return apiHandler({}, async (request) => ({ statusCode: 200, body: await getOrder(deps, request.caller, request.pathParameters.orderId ?? '') }));
}

export const handler = makeHandler({ orders: orderStore() });
