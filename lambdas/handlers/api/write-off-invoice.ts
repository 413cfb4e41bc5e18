/** POST /invoices/{invoiceId}/write-off: write off the balance (or an amount of it) as bad debt. */
import { writeOff } from '../../core/dunning/actions';
import type { DunningDeps } from '../../core/dunning/run-dunning';
import { apiHandler, type ApiHandlerOptions } from '../../shared/http';
import { dunningDeps } from '../../shared/dunning-wiring';
import { idempotency } from '../../shared/wiring';

type Deps = Parameters<typeof writeOff>[0];

export function makeHandler(deps: Deps, options: ApiHandlerOptions) {
  return apiHandler(options, async (request) => ({ statusCode: 200, body: await writeOff(deps, request.pathParameters.invoiceId ?? '', request.body) }));
}

const deps: DunningDeps & Deps = (() => {
  const base = dunningDeps();
  return { ...base, settlement: base.store };
})();

export const handler = makeHandler(deps, { idempotency: idempotency() });
