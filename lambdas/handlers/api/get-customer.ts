/** GET /customers/{customerId}: the customer with openBalance, overdueBalance, exposure, onAccountCredit; for finance, its payment risk. */
import { getCustomer } from '../../core/customers/customers';
import type { CoreDeps } from '../../core/deps';
import type { PredictionStore } from '../../core/prediction/refresh';
import { riskView } from '../../core/prediction/views';
import { apiHandler } from '../../shared/http';
import { customerStore, invoiceReader, orderStore } from '../../shared/wiring';
import { optionalPredictionStore } from '../../shared/prediction-wiring';

export function makeHandler(deps: Pick<CoreDeps, 'customers' | 'invoices' | 'orders'> & { predictions?: Pick<PredictionStore, 'risk'> }) {
  return apiHandler({}, async (request) => {
    const customer = await getCustomer(deps, request.caller, request.pathParameters.customerId ?? '');
    if (request.caller.role !== 'finance' || !deps.predictions) return { statusCode: 200, body: customer };
    const risk = await deps.predictions.risk(customer.customerId);
    return { statusCode: 200, body: { ...customer, risk: risk ? riskView(risk) : null } };
  });
}

export const handler = makeHandler({ customers: customerStore(), invoices: invoiceReader(), orders: orderStore(), predictions: optionalPredictionStore() });
