/** POST /collections/runs: the SEPA collection run now (`asOf` optional); 201 with the files written and what was not collected. */
import { runCollections, type CollectionDeps } from '../../core/sepa/collection';
import { apiHandler, type ApiHandlerOptions } from '../../shared/http';

export function makeHandler(deps: CollectionDeps, options: ApiHandlerOptions) {
  return apiHandler(options, async (request) => ({ statusCode: 201, body: await runCollections(deps, request.body ?? {}) }));
}
