/** POST /predictions/runs (finance): the prediction run now; `retrain: true` trains a new model first. 201 with what it did. */
import { runPredictions, type PredictionRunDeps } from '../../core/prediction/refresh';
import { parseWith } from '../../core/validation';
import { predictionRunRequest } from '../../core/prediction/run-request';
import { apiHandler } from '../../shared/http';
import { predictionRunDeps } from '../../shared/prediction-wiring';

const body = predictionRunRequest;

export function makeHandler(deps: PredictionRunDeps) {
  return apiHandler({}, async (request) => {
    const command = parseWith(body, request.body ?? {});
    return { statusCode: 201, body: await runPredictions(deps, { retrain: command.retrain }) };
  });
}

export const handler = makeHandler(predictionRunDeps());
