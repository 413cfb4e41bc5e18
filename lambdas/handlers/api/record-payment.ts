/**
 * POST /payments: a payment taken online, applied to the invoices it names; 201 with the result,
 * or 200 with the payment recorded first when the client sent this `providerPaymentId` before.
 */
import { recordPayment } from '../../core/payments/record-payment';
import { completeOrderOnSettlement } from '../../core/orders/order-steps';
import type { SettlementDeps } from '../../core/invoices/settlement';
import type { CoreDeps } from '../../core/deps';
import { apiHandler, type ApiHandlerOptions } from '../../shared/http';
import { countBusinessEvents } from '../../shared/metrics';
import { clock, idempotency, invoiceReader, newId, orderStore, paymentStore, postingWriter, recordedFactWorkflow } from '../../shared/wiring';

export function makeHandler(deps: Pick<CoreDeps, 'invoices' | 'payments' | 'postings' | 'workflow' | 'clock' | 'newId'> & Pick<SettlementDeps, 'completeOrder'>, options: ApiHandlerOptions) {
  return apiHandler(options, async (request) => {
    const { created, payment } = await recordPayment(deps, request.caller, request.body);
    if (created) countBusinessEvents({ PaymentsApplied: payment.allocations.length > 0 ? 1 : 0 });
    return { statusCode: created ? 201 : 200, body: payment };
  });
}

const orders = orderStore();
const invoices = invoiceReader();
export const handler = makeHandler(
  {
    invoices,
    payments: paymentStore(),
    postings: postingWriter(),
    workflow: recordedFactWorkflow(),
    clock,
    newId,
    // The payment that settles an order's last open invoice completes the order, and its execution ends right after the settlement wait.
    completeOrder: (orderId, settled) => completeOrderOnSettlement({ orders, invoices, clock }, orderId, settled),
  },
  { idempotency: idempotency() },
);
