/** PUT /dunning/policies/{policyId}: validates the policy (naming each field) and stores it; 200 with the policy. */
import { putPolicy } from '../../core/dunning/actions';
import type { DunningDeps } from '../../core/dunning/run-dunning';
import { apiHandler, type ApiHandlerOptions } from '../../shared/http';
import { dunningStore } from '../../shared/dunning-wiring';
import { clock, idempotency } from '../../shared/wiring';

export function makeHandler(deps: Pick<DunningDeps, 'store' | 'clock'>, options: ApiHandlerOptions) {
  return apiHandler(options, async (request) => ({ statusCode: 200, body: await putPolicy(deps, request.pathParameters.policyId ?? '', request.body) }));
}

export const handler = makeHandler({ store: dunningStore(), clock }, { idempotency: idempotency() });
