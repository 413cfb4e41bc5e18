/** GET /orders/{orderId}/execution (finance): the order lifecycle's definition, the states the order went through, and where it is now. */
import type { ExecutionReader } from '../../core/finance-ports';
import type { OrderStore } from '../../core/ports';
import { getOrderExecution } from '../../core/reports/finance-lists';
import { apiHandler } from '../../shared/http';
import { executionReader } from '../../shared/finance-wiring';
import { orderStore } from '../../shared/wiring';

export function makeHandler(deps: { orders: Pick<OrderStore, 'get'>; executions: ExecutionReader }) {
  return apiHandler({}, async (request) => ({ statusCode: 200, body: await getOrderExecution(deps, request.pathParameters.orderId ?? '') }));
}

export const handler = makeHandler({ orders: orderStore(), executions: executionReader() });
