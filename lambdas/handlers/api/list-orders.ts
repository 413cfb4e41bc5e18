/** GET /orders?status=&customerId=&limit=&cursor= (finance): orders, newest first, paginated. */
import type { OrderLister } from '../../core/finance-ports';
import { listOrders } from '../../core/reports/finance-lists';
import { apiHandler } from '../../shared/http';
import { orderLister } from '../../shared/finance-wiring';

export function makeHandler(deps: { orderLists: OrderLister }) {
  return apiHandler({}, async (request) => ({ statusCode: 200, body: await listOrders(deps, request.query) }));
}

export const handler = makeHandler({ orderLists: orderLister() });
