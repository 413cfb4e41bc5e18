/**
 * The prediction function: the scheduled run (EventBridge Scheduler, daily at 05:30 business time;
 * locally the local scheduler on the local clock) predicts every open item, customer risk and the
 * cash-in forecast, retraining the model when it is a week old; and, as the target of the bus rule
 * `PaymentPredictionRefresh`, a payment, dispute, promise, reminder or new invoice predicts that
 * customer's open items again (`core/prediction/event-refresh.ts`).
 */
import * as z from 'zod';
import { runPredictions, type PredictionRunDeps } from '../../core/prediction/refresh';
import { isBusEvent, refreshOnEvent, type EventRefreshDeps } from '../../core/prediction/event-refresh';
import { parseWith } from '../../core/validation';
import { stepHandler } from '../../shared/http';
import { eventRefreshDeps, predictionRunDeps } from '../../shared/prediction-wiring';
import { logger } from '../../shared/observability';

const input = z.object({
  trigger: z.literal('schedule').optional(),
  scheduledTime: z.iso.datetime({ offset: true }).optional(),
});

type Input = { readonly kind: 'event'; readonly event: unknown } | { readonly kind: 'run' };

export function makeHandler(deps: PredictionRunDeps, refreshDeps?: EventRefreshDeps) {
  return stepHandler(
    (event): Input => (isBusEvent(event) ? { kind: 'event', event } : (parseWith(input, event ?? {}), { kind: 'run' })),
    async (command: Input) => {
      if (command.kind === 'event') {
        if (!refreshDeps) throw new Error('This prediction function was built without the event refresh');
        const outcome = await refreshOnEvent(refreshDeps, command.event);
        logger.info('Predictions refreshed on an event', { ...outcome });
        return outcome;
      }
      const summary = await runPredictions(deps);
      logger.info('Prediction run finished', { modelVersion: summary.modelVersion, retrained: summary.retrained, predictions: summary.predictions, sharpRises: summary.sharpRises.length });
      return summary;
    },
  );
}

export const handler = makeHandler(predictionRunDeps(), eventRefreshDeps());
