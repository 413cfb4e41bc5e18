/** PUT /invoices/{invoiceId}/dunning-policy: the invoice's own dunning policy (null: the customer's). */
import { setInvoicePolicy } from '../../core/dunning/actions';
import type { DunningDeps } from '../../core/dunning/run-dunning';
import { apiHandler, type ApiHandlerOptions } from '../../shared/http';
import { dunningDeps } from '../../shared/dunning-wiring';
import { idempotency } from '../../shared/wiring';

type Deps = Parameters<typeof setInvoicePolicy>[0];

export function makeHandler(deps: Deps, options: ApiHandlerOptions) {
  return apiHandler(options, async (request) => ({ statusCode: 200, body: await setInvoicePolicy(deps, request.pathParameters.invoiceId ?? '', request.body) }));
}

const deps: DunningDeps & Deps = (() => {
  const base = dunningDeps();
  return { ...base, settlement: base.store };
})();

export const handler = makeHandler(deps, { idempotency: idempotency() });
