/** GET /orders?status=&customerId=&limit=&cursor=: orders, newest first, paginated; a storefront's own only. */
import type { OrderLister } from '../../core/finance-ports';
import { listOrders } from '../../core/reports/finance-lists';
import { apiHandler } from '../../shared/http';
import { orderLister } from '../../shared/finance-wiring';
import { customerStore } from '../../shared/wiring';
import type { CustomerStore } from '../../core/ports';

export function makeHandler(deps: { orderLists: OrderLister; customers: Pick<CustomerStore, 'get'> }) {
  return apiHandler({}, async (request) => ({ statusCode: 200, body: await listOrders(deps, request.caller, request.query) }));
}

export const handler = makeHandler({ orderLists: orderLister(), customers: customerStore() });
