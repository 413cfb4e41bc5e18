/** POST /payments: a payment taken online, applied to the invoices it names; 201 with the result. */
import { recordPayment } from '../../core/payments/record-payment';
import type { CoreDeps } from '../../core/deps';
import { apiHandler, type ApiHandlerOptions } from '../../shared/http';
import { countBusinessEvents } from '../../shared/metrics';
import { clock, idempotency, invoiceReader, newId, paymentStore, postingWriter, recordedFactWorkflow } from '../../shared/wiring';

export function makeHandler(deps: Pick<CoreDeps, 'invoices' | 'payments' | 'postings' | 'workflow' | 'clock' | 'newId'>, options: ApiHandlerOptions) {
  return apiHandler(options, async (request) => {
    const payment = await recordPayment({ ...deps, newId: request.keyedId ?? deps.newId }, request.body);
    countBusinessEvents({ PaymentsApplied: payment.allocations.length > 0 ? 1 : 0 });
    return { statusCode: 201, body: payment };
  });
}

export const handler = makeHandler({ invoices: invoiceReader(), payments: paymentStore(), postings: postingWriter(), workflow: recordedFactWorkflow(), clock, newId }, { idempotency: idempotency() });
