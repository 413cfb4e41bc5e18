/** POST /invoices/{invoiceId}/disputes/{disputeId}/resolve: `credit` (a credit note reduces the balance) or `reject` (dunning resumes at its level). */
import { resolveDispute } from '../../core/dunning/actions';
import { apiHandler, type ApiHandlerOptions } from '../../shared/http';
import { dunningActionDeps } from '../../shared/dunning-wiring';
import { creditNoteStore, idempotency } from '../../shared/wiring';

type Deps = Parameters<typeof resolveDispute>[0];

export function makeHandler(deps: Deps, options: ApiHandlerOptions) {
  return apiHandler(options, async (request) => ({
    statusCode: 200,
    body: await resolveDispute(deps, request.pathParameters.invoiceId ?? '', request.pathParameters.disputeId ?? '', request.body, request.keyedId?.()),
  }));
}

// A credit issues a credit note: its store, and (in the function's tables) CreditNotes and Counters.
export const handler = makeHandler({ ...dunningActionDeps(), creditNotes: creditNoteStore() }, { idempotency: idempotency() });
