/** POST /invoices/{invoiceId}/disputes: blocks the invoice's dunning from the next run on; 201 with the disputeId. */
import { openDispute } from '../../core/dunning/actions';
import { apiHandler, type ApiHandlerOptions } from '../../shared/http';
import { countBusinessEvents } from '../../shared/metrics';
import { dunningActionDeps } from '../../shared/dunning-wiring';
import { idempotency } from '../../shared/wiring';

type Deps = Parameters<typeof openDispute>[0];

export function makeHandler(deps: Deps, options: ApiHandlerOptions) {
  return apiHandler(options, async (request) => {
    const dispute = await openDispute(deps, request.caller, request.pathParameters.invoiceId ?? '', request.body);
    countBusinessEvents({ DisputesOpened: 1 });
    return { statusCode: 201, body: dispute };
  });
}

export const handler = makeHandler(dunningActionDeps(), { idempotency: idempotency() });
