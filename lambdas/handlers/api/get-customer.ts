/** GET /customers/{customerId}: the customer with openBalance, overdueBalance, exposure, onAccountCredit. */
import { getCustomer } from '../../core/customers/customers';
import type { CoreDeps } from '../../core/deps';
import { apiHandler } from '../../shared/http';
import { customerStore, invoiceReader, orderStore } from '../../shared/wiring';

export function makeHandler(deps: Pick<CoreDeps, 'customers' | 'invoices' | 'orders'>) {
  return apiHandler({}, async (request) => ({ statusCode: 200, body: await getCustomer(deps, request.caller, request.pathParameters.customerId ?? '') }));
}

export const handler = makeHandler({ customers: customerStore(), invoices: invoiceReader(), orders: orderStore() });
