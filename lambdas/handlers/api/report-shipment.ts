/** POST /orders/{orderId}/shipments: record the shipment; the order goes on to invoicing. */
import { reportShipment } from '../../core/orders/orders';
import type { CoreDeps } from '../../core/deps';
import { apiHandler, type ApiHandlerOptions } from '../../shared/http';
import { clock, idempotency, orderStore, recordedFactWorkflow } from '../../shared/wiring';

export function makeHandler(deps: Pick<CoreDeps, 'orders' | 'workflow' | 'clock'>, options: ApiHandlerOptions) {
  return apiHandler(options, async (request) => ({ statusCode: 202, body: await reportShipment(deps, request.caller, request.pathParameters.orderId ?? '', request.body, request.keyedId?.()) }));
}

export const handler = makeHandler({ orders: orderStore(), workflow: recordedFactWorkflow(), clock }, { idempotency: idempotency() });
