/** POST /orders/{orderId}/credit-decision (finance): approve or reject an order on credit hold. */
import { decideCredit } from '../../core/orders/orders';
import type { CoreDeps } from '../../core/deps';
import { apiHandler, type ApiHandlerOptions } from '../../shared/http';
import { clock, idempotency, orderStore, workflow } from '../../shared/wiring';

export function makeHandler(deps: Pick<CoreDeps, 'orders' | 'workflow' | 'clock'>, options: ApiHandlerOptions) {
  return apiHandler(options, async (request) => ({
    statusCode: 200,
    body: await decideCredit(deps, request.pathParameters.orderId ?? '', request.body, request.clientName),
  }));
}

export const handler = makeHandler({ orders: orderStore(), workflow: workflow(), clock }, { idempotency: idempotency() });
