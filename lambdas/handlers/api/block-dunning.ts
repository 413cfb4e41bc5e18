/** POST /invoices/{invoiceId}/dunning-block: no reminders until the end date (inclusive), with a reason. */
import { blockDunning } from '../../core/dunning/actions';
import type { DunningDeps } from '../../core/dunning/run-dunning';
import { apiHandler, type ApiHandlerOptions } from '../../shared/http';
import { dunningDeps } from '../../shared/dunning-wiring';
import { idempotency } from '../../shared/wiring';

type Deps = Parameters<typeof blockDunning>[0];

export function makeHandler(deps: Deps, options: ApiHandlerOptions) {
  return apiHandler(options, async (request) => ({ statusCode: 200, body: await blockDunning(deps, request.pathParameters.invoiceId ?? '', request.body) }));
}

const deps: DunningDeps & Deps = (() => {
  const base = dunningDeps();
  return { ...base, settlement: base.store };
})();

export const handler = makeHandler(deps, { idempotency: idempotency() });
