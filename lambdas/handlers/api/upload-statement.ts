/**
 * POST /remittances: the bank statement file is the raw body (camt.053/054, BAI2, MT940 or CSV,
 * detected from the content, whatever the content type). 201 with the statement and its lines'
 * outcomes the first time, 200 when the statement was received before, as the same file or as a
 * re-export with the same identity (`seenBefore: true`; nothing applied twice), 202 when the time
 * of this call ran out before the last line (upload the same file again to continue).
 */
import { uploadStatement, type RemittanceDeps } from '../../core/cash-application/remittances';
import { apiHandler, type ApiHandlerOptions } from '../../shared/http';
import { countBusinessEvents } from '../../shared/metrics';
import { requireEnv } from '../../shared/config';
import { clock, idempotency, invoiceReader, newId, openItemReader, postingWriter, statementStore, recordedFactWorkflow } from '../../shared/wiring';

export function makeHandler(deps: RemittanceDeps, options: ApiHandlerOptions) {
  return apiHandler({ ...options, rawBody: true }, async (request, context) => {
    // Leave a fifth of the function's time (at most 30 s) to save the progress and answer.
    const reserveMs = Math.min(30_000, Math.floor(context.getRemainingTimeInMillis() / 5));
    const outcome = await uploadStatement(deps, request.rawBody, { timeLeftMs: () => context.getRemainingTimeInMillis(), reserveMs });
    const statusCode = !outcome.complete ? 202 : outcome.created ? 201 : 200;
    // Lines this call applied by itself: from the lines listed (all of them unless truncated).
    const applied = outcome.body.lines.filter((l) => l.status === 'applied' && l.alreadyRecorded === false).length;
    countBusinessEvents({ LinesAppliedAutomatically: applied, PaymentsApplied: applied });
    return { statusCode, body: outcome.body, headers: { location: `/remittances/${outcome.body.statementId}` } };
  });
}

export const handler = makeHandler(
  {
    statements: statementStore(),
    postings: postingWriter(),
    openItems: openItemReader(),
    invoices: invoiceReader(),
    workflow: recordedFactWorkflow(),
    clock,
    newId,
    settings: { invoiceNumberPrefix: requireEnv('INVOICE_NUMBER_PREFIX') },
  },
  { idempotency: idempotency() },
);
