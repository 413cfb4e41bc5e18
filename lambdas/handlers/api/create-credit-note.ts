/** POST /invoices/{invoiceId}/credit-notes: issues a credit note (whole invoice, some lines or an amount); 201 with creditNoteId. Idempotency-Key required. */
import { createCreditNote, type CreditNoteDeps } from '../../core/invoices/credit-notes';
import { apiHandler, type ApiHandlerOptions } from '../../shared/http';
import { clock, coreSettings, creditNoteStore, idempotency, invoiceReader, newId, postingWriter, recordedFactWorkflow } from '../../shared/wiring';

export function makeHandler(deps: CreditNoteDeps, options: ApiHandlerOptions) {
  return apiHandler(options, async (request) => {
    const note = await createCreditNote({ ...deps, newId: request.keyedId ?? deps.newId }, request.caller, request.pathParameters.invoiceId ?? '', request.body);
    return { statusCode: 201, body: note, headers: { location: `/credit-notes/${note.creditNoteId}` } };
  });
}

export const handler = makeHandler(
  { invoices: invoiceReader(), creditNotes: creditNoteStore(), postings: postingWriter(), workflow: recordedFactWorkflow(), clock, newId, settings: coreSettings() },
  { idempotency: idempotency() },
);
