/**
 * POST /orders/{orderId}/retry, POST /invoices/{invoiceId}/retry, POST /remittances/{statementId}/retry
 * and POST /invoices/import/{importId}/retry (finance): the step that failed
 * runs again in the execution that waits on the attention worklist (an optional body
 * `{"machine": "InvoiceSettlement" | "DunningEscalation"}` picks one of an invoice's two).
 */
import { retryAttention, type AttentionDeps, type AttentionWorkflow } from '../../core/attention/attention';
import { apiHandler, type ApiHandlerOptions } from '../../shared/http';
import { attentionStore } from '../../shared/attention-wiring';
import { clock, idempotency, workflow } from '../../shared/wiring';

export function makeHandler(deps: AttentionDeps & { workflow: AttentionWorkflow }, options: ApiHandlerOptions) {
  return apiHandler(options, async (request) => {
    const p = request.pathParameters;
    const subject = p.orderId !== undefined ? 'order' : p.statementId !== undefined ? 'statement' : p.importId !== undefined ? 'import' : 'invoice';
    const subjectId = p.orderId ?? p.statementId ?? p.importId ?? p.invoiceId ?? '';
    return { statusCode: 200, body: await retryAttention(deps, subject, subjectId, request.clientName, request.body) };
  });
}

export const handler = makeHandler({ attention: attentionStore(), workflow: workflow(), clock }, { idempotency: idempotency() });
