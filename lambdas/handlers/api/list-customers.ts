/** GET /customers?limit=&cursor=: customers with their terms, paginated; a storefront's own only. */
import type { CustomerLister } from '../../core/finance-ports';
import { listCustomers } from '../../core/reports/finance-lists';
import { apiHandler } from '../../shared/http';
import { customerLister } from '../../shared/finance-wiring';

export function makeHandler(deps: { customerLists: CustomerLister }) {
  return apiHandler({}, async (request) => ({ statusCode: 200, body: await listCustomers(deps, request.caller, request.query) }));
}

export const handler = makeHandler({ customerLists: customerLister() });
