/**
 * The scheduled prediction run (EventBridge Scheduler, daily at 05:30 business time; locally the
 * local scheduler on the local clock): predictions of every open item, customer risk and the
 * cash-in forecast, retraining the model when it is a week old.
 */
import * as z from 'zod';
import { runPredictions, type PredictionRunDeps } from '../../core/prediction/refresh';
import { parseWith } from '../../core/validation';
import { stepHandler } from '../../shared/http';
import { predictionRunDeps } from '../../shared/prediction-wiring';
import { logger } from '../../shared/observability';

const input = z.object({
  trigger: z.literal('schedule').optional(),
  scheduledTime: z.iso.datetime({ offset: true }).optional(),
});

export function makeHandler(deps: PredictionRunDeps) {
  return stepHandler(
    (event) => parseWith(input, event ?? {}),
    async () => {
      const summary = await runPredictions(deps);
      logger.info('Prediction run finished', { modelVersion: summary.modelVersion, retrained: summary.retrained, predictions: summary.predictions, sharpRises: summary.sharpRises.length });
      return summary;
    },
  );
}

export const handler = makeHandler(predictionRunDeps());
