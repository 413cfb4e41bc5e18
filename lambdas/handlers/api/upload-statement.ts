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
import { clock, handedInFiles, idempotency, processingStarter, statementReader } from '../../shared/wiring';

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

export function makeHandler(deps: AcceptStatementDeps, options: ApiHandlerOptions) {
  return apiHandler({ ...options, rawBody: true }, async (request) => {
    const accepted = await acceptStatement(deps, submissionOf(request));
    return { statusCode: 202, body: acceptedView(accepted), headers: { location: accepted.location } };
  });
}

export const handler = makeHandler(
  { statements: statementReader(), files: handedInFiles(), processing: processingStarter('StatementProcessing'), clock },
  { idempotency: idempotency() },
);
