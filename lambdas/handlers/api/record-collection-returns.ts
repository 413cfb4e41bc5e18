/**
 * POST /collections/returns (finance, moves money): a camt.053/054 with returned direct debits or a
 * pain.002 with rejected ones, as the raw body; 200 with the outcome of each return.
 */
import { recordReturns, type ReturnDeps } from '../../core/sepa/returns';
import { apiHandler, type ApiHandlerOptions } from '../../shared/http';

export function makeHandler(deps: ReturnDeps, options: ApiHandlerOptions) {
  return apiHandler(options, async (request) => ({ statusCode: 200, body: await recordReturns(deps, request.rawBody) }));
}
