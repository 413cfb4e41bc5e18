/**
 * PUT /customers/{customerId}: create or update a customer (200 updated, 201 created). A storefront
 * owns what it creates and never sends finance's terms (403 FORBIDDEN_FIELD); another storefront's
 * customer is 404.
 */
import { putCustomer } from '../../core/customers/customers';
import type { CoreDeps } from '../../core/deps';
import { apiHandler, type ApiHandlerOptions } from '../../shared/http';
import { clock, coreSettings, customerStore, idempotency, invoiceReader, orderStore } from '../../shared/wiring';

export function makeHandler(deps: Pick<CoreDeps, 'customers' | 'invoices' | 'orders' | 'clock' | 'settings'>, options: ApiHandlerOptions) {
  return apiHandler(options, async (request) => {
    const result = await putCustomer(deps, request.caller, request.pathParameters.customerId ?? '', request.body);
    return { statusCode: result.created ? 201 : 200, body: result.customer };
  });
}

export const handler = makeHandler({ customers: customerStore(), invoices: invoiceReader(), orders: orderStore(), clock, settings: coreSettings() }, { idempotency: idempotency() });
