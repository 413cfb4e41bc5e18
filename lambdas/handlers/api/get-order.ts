/** GET /orders/{orderId}: status, lines, totals, invoices and the history of state changes; on a credit hold, for finance, the customer's payment risk. */
import { getOrder } from '../../core/orders/orders';
import type { CoreDeps } from '../../core/deps';
import type { PredictionStore } from '../../core/prediction/refresh';
import { riskView } from '../../core/prediction/views';
import { apiHandler } from '../../shared/http';
import { orderStore } from '../../shared/wiring';
import { optionalPredictionStore } from '../../shared/prediction-wiring';

export function makeHandler(deps: Pick<CoreDeps, 'orders'> & { predictions?: Pick<PredictionStore, 'risk'> }) {
  return apiHandler({}, async (request) => {
    const order = await getOrder(deps, request.caller, request.pathParameters.orderId ?? '');
    if (request.caller.role !== 'finance' || !deps.predictions || order.status !== 'CREDIT_HOLD') return { statusCode: 200, body: order };
    const risk = await deps.predictions.risk(order.customerId);
    return { statusCode: 200, body: { ...order, customerRisk: risk ? riskView(risk) : null } };
  });
}

export const handler = makeHandler({ orders: orderStore(), predictions: optionalPredictionStore() });
