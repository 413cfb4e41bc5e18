/** POST /payments/{paymentId}/apply: finance applies an unapplied payment by hand; 200 with the payment. */
import { applyPaymentByHand, type UnappliedPaymentDeps } from '../../core/cash-application/unapplied-payments';
import { apiHandler, type ApiHandlerOptions } from '../../shared/http';
import { countBusinessEvents } from '../../shared/metrics';
import { clock, idempotency, invoiceReader, paymentStore, postingWriter, recordedFactWorkflow } from '../../shared/wiring';

export function makeHandler(deps: UnappliedPaymentDeps, options: ApiHandlerOptions) {
  return apiHandler(options, async (request) => {
    const payment = await applyPaymentByHand(deps, request.pathParameters.paymentId ?? '', request.body, request.keyedId?.());
    countBusinessEvents({ PaymentsApplied: 1 });
    return { statusCode: 200, body: payment };
  });
}

export const handler = makeHandler({ payments: paymentStore(), postings: postingWriter(), invoices: invoiceReader(), workflow: recordedFactWorkflow(), clock }, { idempotency: idempotency() });
