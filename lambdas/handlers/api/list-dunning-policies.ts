/** GET /dunning/policies: the built-in policies, replaced or added to by the stored ones. */
import { listPolicies } from '../../core/dunning/actions';
import type { DunningDeps } from '../../core/dunning/run-dunning';
import { apiHandler } from '../../shared/http';
import { dunningStore } from '../../shared/dunning-wiring';

export function makeHandler(deps: Pick<DunningDeps, 'store'>) {
  return apiHandler({}, async () => ({ statusCode: 200, body: await listPolicies(deps) }));
}

export const handler = makeHandler({ store: dunningStore() });
