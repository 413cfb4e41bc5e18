/**
 * POST /remittances (finance): a bank statement to apply. Either the file itself as the raw body
 * (camt.053/054, BAI2, MT940 or CSV, detected from the content, whatever the content type; up to
 * API Gateway's 10 MB), or `{"uploadId": "..."}` (content type JSON) naming a file PUT to S3 through
 * the URL `POST /remittances/uploads` gave. Answers 202 at once with the statement (status
 * `processing`) and `Location: /remittances/{statementId}` to poll; the `StatementProcessing` state
 * machine reads the file and applies its lines. A body that is not a bank statement: 400 naming
 * `(body)` and the place, nothing written; a bad or unknown upload id: 400 naming `uploadId`.
 */
import { acceptedView, acceptStatement, type AcceptStatementDeps, type StatementSubmission } from '../../core/cash-application/statement-processing';
import { ValidationError } from '../../core/errors';
import { apiHandler, type ApiHandlerOptions, type ApiRequest } from '../../shared/http';
import { adviceStore, clock, handedInFiles, idempotency, invoiceReader, openItemReader, paymentStore, postingWriter, processingStarter, recordedFactWorkflow, statementReader } from '../../shared/wiring';
import { getAdvice, listAdvices, readAdviceBody, receiveAdvice, type AdviceIntakeDeps } from '../../core/cash-application/advice-intake';
import { readAdvicePdf } from '../../adapters/pdf/remittance-advice-pdf';

/** `{"uploadId"}` with a JSON content type starts an uploaded file; anything else is the file itself. */
function submissionOf(request: ApiRequest): StatementSubmission {
  const type = request.headers['content-type'] ?? '';
  if (/json/i.test(type) && request.rawBody.trim().startsWith('{')) {
    try {
      return { kind: 'upload', body: JSON.parse(request.rawBody) as unknown };
    } catch {
      throw ValidationError.of('(body)', 'is not valid JSON: send {"uploadId": "..."} or the statement file itself');
    }
  }
  return { kind: 'body', content: request.rawBody };
}

/**
 * The remittance advice routes, served by this function too (the stack's resource budget):
 * POST /remittances/advices (201 new, 200 received before), GET /remittances/advices[/{adviceId}].
 */
async function adviceRoute(deps: AdviceIntakeDeps, request: ApiRequest) {
  const { adviceId } = request.pathParameters;
  if (adviceId !== undefined) return { statusCode: 200, body: await getAdvice(deps, adviceId) };
  if (request.method === 'GET') return { statusCode: 200, body: await listAdvices(deps, request.query) };
  const read = await readAdviceBody(deps, request.headers['content-type'] ?? '', { text: request.rawBody, bytes: request.rawBytes ?? new Uint8Array() });
  const { created, advice } = await receiveAdvice(deps, read, request.keyedId?.());
  return { statusCode: created ? 201 : 200, body: advice, headers: { location: `/remittances/advices/${advice.adviceId}` } };
}

export function makeHandler(deps: AcceptStatementDeps, options: ApiHandlerOptions, adviceDeps?: AdviceIntakeDeps) {
  return apiHandler({ ...options, rawBody: true }, async (request) => {
    if (request.resource.startsWith('/remittances/advices')) {
      if (!adviceDeps) throw new Error('remittance advice routes are not wired');
      return adviceRoute(adviceDeps, request);
    }
    const accepted = await acceptStatement(deps, submissionOf(request));
    return { statusCode: 202, body: acceptedView(accepted), headers: { location: accepted.location } };
  });
}

export const handler = makeHandler(
  { statements: statementReader(), files: handedInFiles(), processing: processingStarter('StatementProcessing'), clock },
  { idempotency: idempotency() },
  {
    advices: adviceStore(),
    clock,
    unapplied: { payments: paymentStore(), postings: postingWriter(), invoices: invoiceReader(), workflow: recordedFactWorkflow(), clock },
    openItems: openItemReader(),
    readPdf: readAdvicePdf,
  },
);
