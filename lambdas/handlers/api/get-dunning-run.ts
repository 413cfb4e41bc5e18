/** GET /dunning/runs/{runId}: customers contacted, each item and its level, each item skipped with the reason. */
import { NotFoundError } from '../../core/errors';
import { getRun, type DunningDeps } from '../../core/dunning/run-dunning';
import { apiHandler } from '../../shared/http';
import { dunningStore } from '../../shared/dunning-wiring';

export function makeHandler(deps: Pick<DunningDeps, 'store'>) {
  return apiHandler({}, async (request) => {
    const runId = request.pathParameters.runId ?? '';
    const report = await getRun(deps, runId);
    if (!report) throw new NotFoundError('Dunning run', runId);
    return { statusCode: 200, body: report };
  });
}

export const handler = makeHandler({ store: dunningStore() });
