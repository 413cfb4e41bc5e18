/**
 * POST /orders/{orderId}/retry and POST /invoices/{invoiceId}/retry (finance): the step that failed
 * runs again in the execution that waits on the attention worklist (an optional body
 * `{"machine": "InvoiceSettlement" | "DunningEscalation"}` picks one of an invoice's two).
 */
import { retryAttention, type AttentionDeps, type AttentionWorkflow } from '../../core/attention/attention';
import { apiHandler, type ApiHandlerOptions } from '../../shared/http';
import { attentionStore } from '../../shared/attention-wiring';
import { clock, idempotency, workflow } from '../../shared/wiring';

export function makeHandler(deps: AttentionDeps & { workflow: AttentionWorkflow }, options: ApiHandlerOptions) {
  return apiHandler(options, async (request) => {
    const subject = request.pathParameters.orderId !== undefined ? 'order' : 'invoice';
    const subjectId = request.pathParameters.orderId ?? request.pathParameters.invoiceId ?? '';
    return { statusCode: 200, body: await retryAttention(deps, subject, subjectId, request.clientName, request.body) };
  });
}

export const handler = makeHandler({ attention: attentionStore(), workflow: workflow(), clock }, { idempotency: idempotency() });
